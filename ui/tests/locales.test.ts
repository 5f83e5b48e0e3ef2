import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error The script is plain JavaScript so it runs with node alone, without types.
import { checkLocales } from '../scripts/check-locales.mjs';

function scratch(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'opendvc-locales-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe('check-locales', () => {
  it('passes on the real UI and locales', () => {
    expect(checkLocales()).toEqual([]);
  });

  it('reports a message the UI uses that a locale lacks', () => {
    const root = scratch({
      'src/a.ts': "t('ui-hello'); t(\"ui-bye\");",
      'locales/vi/ui.ftl': 'ui-hello = Xin chào\nui-bye = Tạm biệt\n',
      'locales/en/ui.ftl': 'ui-hello = Hello\nui-bye = Bye\n',
      'locales/id/ui.ftl': 'ui-hello = Halo\n',
    });
    const problems: string[] = checkLocales(join(root, 'src'), join(root, 'locales'));
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((problem) => problem.startsWith('id: missing ui-bye'))).toBe(true);
  });

  it('reports a Fluent file that does not parse', () => {
    const root = scratch({
      'src/a.ts': "t('ui-hello');",
      'locales/vi/ui.ftl': 'ui-hello = Xin chào\n',
      'locales/en/ui.ftl': 'ui-hello = { $name\n',
      'locales/id/ui.ftl': 'ui-hello = Halo\n',
    });
    const problems: string[] = checkLocales(join(root, 'src'), join(root, 'locales'));
    expect(problems.some((problem) => problem.includes('does not parse'))).toBe(true);
  });
});
