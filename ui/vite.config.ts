import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { fluentResources } from './vite-plugin-fluent.js';

// The locales live at the repository root, shared with the Rust core: allow Vite to read them.
export default defineConfig({
  plugins: [fluentResources(), svelte()],
  server: { fs: { allow: ['..'] }, port: 1420, strictPort: true },
  clearScreen: false,
  build: {
    target: 'es2022',
    // One small bundle, no inline scripts: the Tauri CSP forbids them.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
  },
  resolve: process.env.VITEST ? { conditions: ['browser'] } : undefined,
  test: {
    environment: 'jsdom',
    setupFiles: ['./tests/setup.ts'],
    include: ['tests/**/*.test.ts'],
  },
});
