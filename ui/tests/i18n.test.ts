// The languages: Vietnamese is in the app's first script; English and Indonesian are loaded
// the first time someone chooses them.

import { describe, expect, it, vi } from 'vitest';

/** A fresh copy of the i18n module, in which only Vietnamese is loaded. */
async function freshI18n() {
  vi.resetModules();
  return import('../src/lib/i18n.svelte');
}

describe('the languages', () => {
  it('switch once the chosen language is loaded, Vietnamese meanwhile', async () => {
    const i18n = await freshI18n();
    expect(i18n.t('ui-loading')).toBe('Đang tải…');
    const switching = i18n.setLanguage('en');
    expect(i18n.i18n.lang, 'nothing half-translated while English loads').toBe('vi');
    await switching;
    expect(i18n.i18n.lang).toBe('en');
    expect(i18n.t('ui-loading')).toBe('Loading…');
    expect(document.documentElement.lang).toBe('en');
  });

  it('end on the last language chosen when choices come quickly', async () => {
    const i18n = await freshI18n();
    await Promise.all([i18n.setLanguage('en'), i18n.setLanguage('id')]);
    expect(i18n.i18n.lang).toBe('id');
    await Promise.all([i18n.setLanguage('id'), i18n.setLanguage('vi')]);
    expect(i18n.i18n.lang).toBe('vi');
  });

  it('carry no command-line messages', async () => {
    const i18n = await freshI18n();
    await i18n.setLanguage('en');
    expect(i18n.hasMessage('ui-loading')).toBe(true);
    expect(i18n.hasMessage('error-not-signed-in'), 'the core’s shared messages are there').toBe(true);
    expect(i18n.hasMessage('login-done'), 'the CLI’s are not').toBe(false);
  });
});
