#!/usr/bin/env node
// Fails when a message the UI uses is missing from any locale, when a locale's ui.ftl has a
// message the others lack, or when a Fluent file does not parse. A message id is any quoted
// literal starting with `ui-` in ui/src: labels are written out in full for this reason.
//
// Usage: node scripts/check-locales.mjs   (exit code 1 and a list of problems on failure)

import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from '@fluent/syntax';

const here = dirname(fileURLToPath(import.meta.url));
const uiRoot = join(here, '..');
const localesRoot = join(uiRoot, '..', 'locales');
const LANGUAGES = ['vi', 'en', 'id'];
const ID_LITERAL = /(['"`])(ui-[a-z0-9]+(?:-[a-z0-9]+)*)\1/g;

function filesUnder(dir, accept) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return filesUnder(path, accept);
    return accept(path) ? [path] : [];
  });
}

/** Message ids used by the UI source, with the first file that uses each. */
export function usedIds(srcDir = join(uiRoot, 'src')) {
  const used = new Map();
  for (const file of filesUnder(srcDir, (path) => /\.(ts|svelte)$/.test(path))) {
    for (const match of readFileSync(file, 'utf8').matchAll(ID_LITERAL)) {
      if (!used.has(match[2])) used.set(match[2], relative(uiRoot, file));
    }
  }
  return used;
}

/** Message ids defined in one locale (all its .ftl files), and the parse problems found. */
export function definedIds(lang, root = localesRoot) {
  const ids = new Set();
  const problems = [];
  const dir = join(root, lang);
  for (const file of filesUnder(dir, (path) => path.endsWith('.ftl'))) {
    const resource = parse(readFileSync(file, 'utf8'), { withSpans: false });
    for (const entry of resource.body) {
      if (entry.type === 'Message' || entry.type === 'Term') {
        const id = entry.type === 'Term' ? `-${entry.id.name}` : entry.id.name;
        if (entry.type === 'Message' && file.endsWith('ui.ftl') && ids.has(id)) {
          problems.push(`${relative(root, file)}: ${id} is defined twice`);
        }
        ids.add(id);
      } else if (entry.type === 'Junk') {
        problems.push(`${relative(root, file)}: does not parse near: ${entry.content.slice(0, 60).trim()}`);
      }
    }
  }
  return { ids, problems };
}

export function checkLocales(srcDir, root) {
  const problems = [];
  const used = usedIds(srcDir);
  const defined = Object.fromEntries(
    LANGUAGES.map((lang) => {
      const result = definedIds(lang, root);
      problems.push(...result.problems);
      return [lang, result.ids];
    }),
  );
  for (const [id, file] of used) {
    for (const lang of LANGUAGES) {
      if (!defined[lang].has(id)) problems.push(`${lang}: missing ${id} (used in ${file})`);
    }
  }
  for (const lang of LANGUAGES) {
    for (const id of defined[lang]) {
      if (!id.startsWith('ui-')) continue;
      for (const other of LANGUAGES) {
        if (!defined[other].has(id)) problems.push(`${other}: missing ${id} (defined in ${lang})`);
      }
    }
  }
  return [...new Set(problems)];
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
