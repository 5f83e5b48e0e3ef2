#!/usr/bin/env node
// Fails when a message the console uses is missing from any locale's console.ftl, or when
// console.ftl does not parse. A message id is any quoted literal starting with `console-` in
// console/src: labels are written out in full for this reason. (That every locale has the same
// ids is `cargo xtask test --only fluent`'s check, over every Fluent file.)
//
// Usage: node scripts/check-locales.mjs   (exit code 1 and a list of problems on failure)

import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from '@fluent/syntax';

const here = dirname(fileURLToPath(import.meta.url));
const consoleRoot = join(here, '..');
const localesRoot = join(consoleRoot, '..', 'locales');
const LANGUAGES = ['vi', 'en', 'id'];
const ID_LITERAL = /(['"`])(console-[a-z0-9]+(?:-[a-z0-9]+)*)\1/g;

function filesUnder(dir, accept) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return filesUnder(path, accept);
    return accept(path) ? [path] : [];
  });
}

/** Message ids used by the console's source, with the first file that uses each. */
export function usedIds(srcDir = join(consoleRoot, 'src')) {
  const used = new Map();
  for (const file of filesUnder(srcDir, (path) => /\.(ts|svelte)$/.test(path))) {
    for (const match of readFileSync(file, 'utf8').matchAll(ID_LITERAL)) {
      if (!used.has(match[2])) used.set(match[2], relative(consoleRoot, file));
    }
  }
  return used;
}

/** Message ids defined in one locale's console.ftl, and the parse problems found. */
export function definedIds(lang, root = localesRoot) {
  const ids = new Set();
  const problems = [];
  const file = join(root, lang, 'console.ftl');
  const resource = parse(readFileSync(file, 'utf8'), { withSpans: false });
  for (const entry of resource.body) {
    if (entry.type === 'Message') ids.add(entry.id.name);
    else if (entry.type === 'Junk') {
      problems.push(`${relative(root, file)}: does not parse near: ${entry.content.slice(0, 60).trim()}`);
    }
  }
  return { ids, problems };
}

export function checkLocales(srcDir, root) {
  const problems = [];
  const used = usedIds(srcDir);
  for (const lang of LANGUAGES) {
    const { ids, problems: found } = definedIds(lang, root);
    problems.push(...found);
    for (const [id, file] of used) {
      if (!ids.has(id)) problems.push(`${lang}: missing ${id} (used in ${file})`);
    }
  }
  return problems;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const problems = checkLocales();
  if (problems.length > 0) {
    console.error(`check-locales: ${problems.length} problem(s)`);
    for (const problem of problems) console.error(`  ${problem}`);
    process.exit(1);
  }
  console.log(`check-locales: ${usedIds().size} messages used, all present in ${LANGUAGES.join(', ')}`);
}
