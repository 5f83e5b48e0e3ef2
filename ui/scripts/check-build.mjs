#!/usr/bin/env node
// Checks the built UI against its promises: the JavaScript loaded before the first screen (the
// entry script, which holds the home screen, and what it imports statically) stays
// under 60 KB gzipped (the architecture brief's target), all of it under 160 KB, and
// index.html works under a strict CSP (no inline scripts or styles, nothing loaded from
// another origin). Screens and languages other than Vietnamese load later, by `import()`.
//
// Usage: node scripts/check-build.mjs [dist]   (run after `vite build`; exit 1 on failure)

import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const BUDGET_BYTES = 160 * 1024;
const FIRST_SCREEN_BUDGET_BYTES = 60 * 1024;
const dist = process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const problems = [];

const html = readFileSync(join(dist, 'index.html'), 'utf8');
for (const tag of html.match(/<script\b[^>]*>/g) ?? []) {
  if (!/\bsrc=/.test(tag)) problems.push(`inline script in index.html: ${tag}`);
}
if (/<style\b/.test(html) || /\sstyle=/.test(html)) problems.push('inline style in index.html');
for (const url of html.match(/(?:src|href)="(https?:)?\/\/[^"]+"/g) ?? []) problems.push(`remote resource: ${url}`);
if (!/<meta charset="utf-8"/i.test(html)) problems.push('index.html lacks <meta charset="utf-8">');

const assets = join(dist, 'assets');
const gzippedSize = new Map();
for (const name of readdirSync(assets).filter((file) => file.endsWith('.js'))) {
  const code = readFileSync(join(assets, name));
  gzippedSize.set(name, gzipSync(code, { level: 9 }).length);
  if (/https?:\/\/fonts\.|@import\s+url\(/.test(code.toString())) problems.push(`${name} loads remote fonts`);
}
const gzipped = [...gzippedSize.values()].reduce((sum, size) => sum + size, 0);
if (gzipped > BUDGET_BYTES) problems.push(`UI JavaScript is ${gzipped} bytes gzipped; the budget is ${BUDGET_BYTES}`);

/** The chunks `names` import statically (`import … from "./x.js"`), with themselves; a
 * dynamic `import("./x.js")` loads later and is not followed. */
function withStaticImports(names) {
  const seen = new Set();
  const queue = [...names];
  while (queue.length > 0) {
    const name = queue.pop();
    if (seen.has(name)) continue;
    seen.add(name);
    const code = readFileSync(join(assets, name), 'utf8');
    for (const match of code.matchAll(/\b(?:from|import)\s*"\.\/([^"]+\.js)"/g)) queue.push(match[1]);
  }
  return seen;
}

const entries = [...html.matchAll(/<script[^>]*\bsrc="\/assets\/([^"]+\.js)"/g)].map((match) => match[1]);
// The home screen comes with the entry script (routes.ts); a chunk of its own would mean it is
// loaded by `import()` after the page, which the first screen would wait for.
const home = [...gzippedSize.keys()].filter((name) => /^Home-[\w-]+\.js$/.test(name));
if (entries.length === 0) problems.push('index.html loads no script from /assets');
if (home.length !== 0) problems.push(`the home screen is a chunk of its own (${home.join(', ')}), not part of the entry script`);
const firstScreen = [...withStaticImports(entries)].reduce((sum, name) => sum + (gzippedSize.get(name) ?? 0), 0);
if (firstScreen > FIRST_SCREEN_BUDGET_BYTES) {
  problems.push(`the JavaScript loaded before the first screen is ${firstScreen} bytes gzipped; the budget is ${FIRST_SCREEN_BUDGET_BYTES}`);
}

if (problems.length > 0) {
  console.error(`check-build: ${problems.length} problem(s)`);
  for (const problem of problems) console.error(`  ${problem}`);
  process.exit(1);
}
const kb = (bytes) => (bytes / 1024).toFixed(1);
console.log(
  `check-build: before the first screen ${kb(firstScreen)} KB gzipped (budget 60 KB), all UI JavaScript ${kb(gzipped)} KB (budget 160 KB); index.html is CSP-clean`,
);
