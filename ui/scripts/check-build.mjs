#!/usr/bin/env node
// Checks the built UI against two promises: the JavaScript stays under its size budget
// (150 KB gzipped, from the architecture brief), and index.html works under a strict CSP
// (no inline scripts or styles, nothing loaded from another origin).
//
// Usage: node scripts/check-build.mjs [dist]   (run after `vite build`; exit 1 on failure)

import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const BUDGET_BYTES = 150 * 1024;
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
let gzipped = 0;
for (const name of readdirSync(assets).filter((file) => file.endsWith('.js'))) {
  const code = readFileSync(join(assets, name));
  gzipped += gzipSync(code, { level: 9 }).length;
  if (/https?:\/\/fonts\.|@import\s+url\(/.test(code.toString())) problems.push(`${name} loads remote fonts`);
}
if (gzipped > BUDGET_BYTES) problems.push(`UI JavaScript is ${gzipped} bytes gzipped; the budget is ${BUDGET_BYTES}`);

if (problems.length > 0) {
  console.error(`check-build: ${problems.length} problem(s)`);
  for (const problem of problems) console.error(`  ${problem}`);
  process.exit(1);
}
console.log(`check-build: UI JavaScript ${(gzipped / 1024).toFixed(1)} KB gzipped (budget 150 KB); index.html is CSP-clean`);
