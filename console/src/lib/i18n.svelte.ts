// Every string of the console comes from locales/{vi,en,id}/console.ftl (ids `console-…`), and
// the portal's field problems from fields.ftl: the same folder the Rust core and the app read. Vietnamese is the first language and everyone's
// fallback. Changing `i18n.lang` re-renders every `t()`, because `t` reads that reactive state.

import { FluentBundle, FluentResource, type FluentVariable } from '@fluent/bundle';
import type { LocalizedText } from './types';

export type Language = 'vi' | 'en' | 'id';
export const LANGUAGES: readonly Language[] = ['vi', 'en', 'id'];

const sources = import.meta.glob(['../../../locales/*/console.ftl', '../../../locales/*/fields.ftl'], {
  query: '?raw',
  import: 'default',
  eager: true,
}) as Record<string, string>;

function bundleOf(lang: Language): FluentBundle {
  const bundle = new FluentBundle(lang, { useIsolating: false });
  for (const [path, text] of Object.entries(sources)) {
    if (path.includes(`/locales/${lang}/`)) bundle.addResource(new FluentResource(text));
  }
  return bundle;
}

const bundles: Record<Language, FluentBundle> = { vi: bundleOf('vi'), en: bundleOf('en'), id: bundleOf('id') };

const STORAGE_KEY = 'opendvc-console-lang';

export function isLanguage(value: unknown): value is Language {
  return value === 'vi' || value === 'en' || value === 'id';
}

function initialLanguage(): Language {
  try {
    const stored = globalThis.localStorage?.getItem(STORAGE_KEY);
    if (isLanguage(stored)) return stored;
  } catch {
    // Storage may be off; Vietnamese then.
  }
  return 'vi';
}

export const i18n = $state<{ lang: Language }>({ lang: initialLanguage() });

export function setLanguage(lang: Language): void {
  i18n.lang = lang;
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, lang);
  } catch {
    // Not kept; the choice still holds for this page.
  }
  if (typeof document !== 'undefined') document.documentElement.lang = lang;
}

/** The message `id` in the current language, else Vietnamese, else the id (visible, never blank). */
export function t(id: string, args?: Record<string, FluentVariable>): string {
  for (const bundle of [bundles[i18n.lang], bundles.vi]) {
    const message = bundle.getMessage(id);
    if (message?.value) return bundle.formatPattern(message.value, args);
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
const TIME_ZONE = 'Asia/Ho_Chi_Minh';

/** A `YYYY-MM-DD` date or an RFC 3339 time, as a date in the city's time zone. */
export function formatDate(value: string): string {
  const date = /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T12:00:00+07:00`) : new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return new Intl.DateTimeFormat(LOCALES[i18n.lang], { dateStyle: 'medium', timeZone: TIME_ZONE }).format(date);
}

export function formatDateTime(value: string): string {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return new Intl.DateTimeFormat(LOCALES[i18n.lang], {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: TIME_ZONE,
  }).format(date);
}

export function formatNumber(value: number, fractionDigits = 1): string {
  return new Intl.NumberFormat(LOCALES[i18n.lang], { maximumFractionDigits: fractionDigits }).format(value);
}

export function formatPercent(share: number): string {
  return new Intl.NumberFormat(LOCALES[i18n.lang], { style: 'percent', maximumFractionDigits: 0 }).format(share);
}

/** Working days to the due day, as the queue and the application page say it: 0 is due today,
 * a negative number is that many working days late. */
export function daysLeftMessage(days: number): [string, Record<string, number>] {
  if (days === 0) return ['console-due-today', {}];
  if (days < 0) return ['console-days-late', { days: -days }];
  return ['console-days-left', { days }];
}

export function daysLeft(days: number): string {
  const [id, args] = daysLeftMessage(days);
  return t(id, args);
}
