// Every user-visible string comes from the Fluent files in locales/{vi,en,id}/, the same files
// the Rust core reads. The UI's own messages are in ui.ftl and start with `ui-`; the other
// files are loaded too, so shared messages stay shared (all but the command line's, cli.ftl, the
// portal's public status page's, status-page.ftl, the portal's own texts, portal.ftl (its SMS,
// e-mails and web pages, rendered by the portal), and the officers' console's, console.ftl: the
// app shows none of their messages, and they would only weigh on its scripts).
// Changing `i18n.lang` re-renders every `t()` at once, because `t` reads that reactive state.
// Vietnamese, the first language and everyone's fallback, is part of the app's first script;
// English and Indonesian are loaded when first chosen, so that script stays small. The files
// arrive parsed (`?fluent`, vite-plugin-fluent.ts): the build runs Fluent's parser, not the
// webview at every start.

import { FluentBundle, type FluentResource, type FluentVariable } from '@fluent/bundle';
import type { LocalizedText } from './backend/types';
import type { Language } from './backend/views';

export const LANGUAGES: readonly Language[] = ['vi', 'en', 'id'];

/** A Fluent file's entries as Fluent's parser gives them. */
type Entries = FluentResource['body'];

const vietnamese = import.meta.glob(
  [
    '../../../locales/vi/*.ftl',
    '!../../../locales/*/cli.ftl',
    '!../../../locales/*/status-page.ftl',
    '!../../../locales/*/portal.ftl',
    '!../../../locales/*/console.ftl',
  ],
  {
    query: '?fluent',
    import: 'default',
    eager: true,
  },
) as Record<string, Entries>;

const others = import.meta.glob(
  [
    '../../../locales/en/*.ftl',
    '../../../locales/id/*.ftl',
    '!../../../locales/*/cli.ftl',
    '!../../../locales/*/status-page.ftl',
    '!../../../locales/*/portal.ftl',
    '!../../../locales/*/console.ftl',
  ],
  {
    query: '?fluent',
    import: 'default',
  },
) as Record<string, () => Promise<Entries>>;

/** A language's Fluent files (path → entries), ui.ftl first so its messages win. */
function bundleOf(lang: Language, sources: [string, Entries][]): FluentBundle {
  // Isolation marks are for mixed-direction text; all three languages run left to right.
  const bundle = new FluentBundle(lang, { useIsolating: false });
  // Paths are plain ASCII: compared as they are, not by `localeCompare`, whose collator the
  // webview would load from ICU before the first screen just for this.
  const ordered = sources.sort(
    ([a], [b]) => Number(!a.endsWith('/ui.ftl')) - Number(!b.endsWith('/ui.ftl')) || (a < b ? -1 : a > b ? 1 : 0),
  );
  for (const [, body] of ordered) bundle.addResource({ body });
  return bundle;
}

const bundles: Partial<Record<Language, FluentBundle>> = { vi: bundleOf('vi', Object.entries(vietnamese)) };
const loading: Partial<Record<Language, Promise<void>>> = {};

/** Loads the messages of `lang` (once); Vietnamese is always there. */
export function loadLanguage(lang: Language): Promise<void> {
  if (bundles[lang]) return Promise.resolve();
  loading[lang] ??= (async () => {
    const files = Object.entries(others).filter(([path]) => path.includes(`/locales/${lang}/`));
    const parsed = await Promise.all(files.map(async ([path, load]): Promise<[string, Entries]> => [path, await load()]));
    bundles[lang] = bundleOf(lang, parsed);
  })();
  return loading[lang].catch((error: unknown) => {
    delete loading[lang];
    throw error;
  });
}

export const i18n = $state<{ lang: Language }>({ lang: 'vi' });

let latestChoice = 0;

/** Switches the UI to `lang` once its messages are loaded (at once when they are); of quick
 * successive choices the last one wins. A language that cannot be loaded leaves the current. */
export async function setLanguage(lang: Language): Promise<void> {
  const choice = ++latestChoice;
  if (!bundles[lang]) {
    try {
      await loadLanguage(lang);
    } catch {
      return;
    }
  }
  if (choice !== latestChoice) return;
  i18n.lang = lang;
  if (typeof document !== 'undefined') document.documentElement.lang = lang;
}

/** Switches the UI to `lang` at once if its messages are loaded; false (and no change) if not. */
export function useLoadedLanguage(lang: Language): boolean {
  if (!bundles[lang]) return false;
  latestChoice += 1;
  i18n.lang = lang;
  if (typeof document !== 'undefined') document.documentElement.lang = lang;
  return true;
}

export function isLanguage(value: unknown): value is Language {
  return value === 'vi' || value === 'en' || value === 'id';
}

/** Whether a message exists in the current language. */
export function hasMessage(id: string): boolean {
  return bundles[i18n.lang]?.hasMessage(id) === true;
}

/** The message `id` in the current language, falling back to Vietnamese, then the id itself
 * (so a missing message is visible, never blank). */
export function t(id: string, args?: Record<string, FluentVariable>): string {
  for (const bundle of [bundles[i18n.lang], bundles.vi]) {
    const message = bundle?.getMessage(id);
    if (bundle && message?.value) return bundle.formatPattern(message.value, args);
  }
  return id;
}

/** Server text in the current language (Indonesian falls back to English). */
export function localized(text: LocalizedText): string {
  if (i18n.lang === 'vi') return text.vi;
  if (i18n.lang === 'id') return text.id ?? text.en;
  return text.en;
}

const LOCALES: Record<Language, string> = { vi: 'vi-VN', en: 'en-GB', id: 'id-ID' };

/** Times are shown in the city's time zone, which is where the offices keep their hours. */
const TIME_ZONE = 'Asia/Ho_Chi_Minh';

/** One formatter per kind and language, made when first needed: making one loads the
 * language's data from ICU, which costs more than all the formatting a screen does. */
const formatters = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();

function formatter<F extends Intl.NumberFormat | Intl.DateTimeFormat>(kind: string, make: (locale: string) => F): F {
  const key = `${kind}:${i18n.lang}`;
  let made = formatters.get(key) as F | undefined;
  if (!made) {
    made = make(LOCALES[i18n.lang]);
    formatters.set(key, made);
  }
  return made;
}

export function formatMoney(amount: number): string {
  return formatter('money', (locale) => new Intl.NumberFormat(locale, { style: 'currency', currency: 'VND' })).format(amount);
}

/** A `YYYY-MM-DD` date or an RFC 3339 time, as a date. */
export function formatDate(value: string): string {
  const date = /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T12:00:00+07:00`) : new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return formatter('date', (locale) => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: TIME_ZONE })).format(date);
}

export function formatDateTime(value: string): string {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return formatter(
    'date-time',
    (locale) => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: TIME_ZONE }),
  ).format(date);
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${formatter('bytes', (locale) => new Intl.NumberFormat(locale, { maximumFractionDigits: 1 })).format(value)} ${units[unit]}`;
}
