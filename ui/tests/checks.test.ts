// Asking the core's rules (src/lib/checks.ts): once typing pauses, the newest value only, and
// the core's message in the person's language.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CHECK_DELAY_MS, LiveCheck, draftProblems, problemText, problemWith } from '../src/lib/checks';
import { setLanguage } from '../src/lib/i18n.svelte';
import { fails, fakeCore, refuses } from './harness';

beforeEach(() => {
  setLanguage('en');
});

describe('a check as the person types', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('asks once typing pauses, about the newest value only', async () => {
    const calls = fakeCore({ check_field: refuses({ phone: { '0905': 'field-phone-invalid' } }) });
    const reports: [string, string | undefined][] = [];
    const live = new LiveCheck((key, problem) => reports.push([key, problem]));
    live.changed('phone', 'phone', '09');
    live.changed('phone', 'phone', '090');
    live.changed('phone', 'phone', ' 0905 ');
    await vi.advanceTimersByTimeAsync(CHECK_DELAY_MS - 1);
    expect(calls.filter((call) => call.command === 'check_field'), 'nothing asked while typing goes on').toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    await vi.waitFor(() => expect(reports).toEqual([['phone', 'field-phone-invalid']]));
    expect(calls.filter((call) => call.command === 'check_field').map((call) => call.args)).toEqual([{ kind: 'phone', value: '0905' }]);
  });

  it('drops an answer for a value the person has changed since, and asks nothing about an empty field', async () => {
    let answer: (value: unknown) => void = () => {};
    const calls = fakeCore({ check_field: () => new Promise((resolve) => (answer = resolve)) });
    const reports: (string | undefined)[] = [];
    const live = new LiveCheck((_, problem) => reports.push(problem));
    live.changed('id', 'id_number', '12345');
    await vi.advanceTimersByTimeAsync(CHECK_DELAY_MS);
    live.changed('id', 'id_number', '');
    answer({ valid: false, problem: 'field-id-number-invalid' });
    await vi.advanceTimersByTimeAsync(CHECK_DELAY_MS);
    expect(reports, 'the stale answer is not reported').toEqual([]);
    expect(calls.filter((call) => call.command === 'check_field')).toHaveLength(1);
  });

  it('stops: nothing pending is asked any more', async () => {
    const calls = fakeCore({});
    const live = new LiveCheck(() => {});
    live.changed('id', 'id_number', '12345');
    live.stop();
    await vi.advanceTimersByTimeAsync(CHECK_DELAY_MS * 2);
    expect(calls.filter((call) => call.command === 'check_field')).toEqual([]);
  });
});

describe('the core’s answers', () => {
  it('name what is wrong, or nothing; a core that cannot be asked finds nothing', async () => {
    fakeCore({ check_field: refuses({ date: { '2026-02-30': 'field-date-invalid' } }) });
    expect(await problemWith('date', '2026-02-30')).toBe('field-date-invalid');
    expect(await problemWith('date', '2026-02-28')).toBeUndefined();
    fakeCore({ check_field: fails('internal'), check_draft: fails('internal') });
    expect(await problemWith('date', '2026-02-30')).toBeUndefined();
    expect(await draftProblems({ procedureId: 'p', form: {}, attachments: [], delivery: { method: 'counter' } })).toEqual([]);
  });

  it('say a refusal without a message id as the field not being valid', async () => {
    fakeCore({ check_field: () => ({ valid: false }) });
    expect(await problemWith('phone', '1')).toBe('ui-field-invalid');
  });

  it('are said in the person’s language, naming the field; a message this UI lacks still names it', () => {
    expect(problemText('ui-signin-id-invalid', 'ID number')).toBe('Enter your personal identification number: 12 digits');
    expect(problemText('field-from-a-newer-core', 'ID number')).toBe('ID number is not valid');
    setLanguage('vi');
    expect(problemText('field-from-a-newer-core', 'Số định danh')).toBe('Số định danh chưa hợp lệ');
  });
});
