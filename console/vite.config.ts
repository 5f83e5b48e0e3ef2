import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// The console is served by the portal under /console/ (crates/portal/src/console.rs), which
// embeds dist/ at build time. The locales and the generated wire types live outside this folder.
export default defineConfig({
  base: '/console/',
  plugins: [svelte()],
  server: {
    fs: { allow: ['..'] },
    port: 1430,
    strictPort: true,
    // `npm run dev` against a portal on the default port of `cargo xtask run`.
    proxy: { '/v1': process.env.OPENDVC_PORTAL ?? 'http://127.0.0.1:8080' },
  },
  clearScreen: false,
  build: {
    target: 'es2022',
    // No inline scripts or data: URLs; the portal's CSP forbids them.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
  },
  resolve: process.env.VITEST ? { conditions: ['browser'] } : undefined,
  test: {
    environment: 'jsdom',
    include: ['tests/**/*.test.ts'],
  },
});
