// Server strings are data, never markup. The screens' tests show hostile names and notes as
// text; this one makes sure no code path can turn a string into markup in the first place.

import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : /\.(ts|svelte)$/.test(name) ? [path] : [];
  });
}

describe('server strings are data', () => {
  it('no source renders a string as HTML', () => {
    const offenders = sources(join(__dirname, '..', 'src')).filter((file) =>
      /\{@html|innerHTML|outerHTML|insertAdjacentHTML|document\.write/.test(readFileSync(file, 'utf8')),
    );
    expect(offenders).toEqual([]);
  });
});
