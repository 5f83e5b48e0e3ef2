// The UI keeps no copy of a rule (phone numbers, ID numbers, dates, a procedure's form): it asks
// the core, which applies the shared rules (crates/rules), and shows the Fluent message the
// core names. A value is checked as the person types (`check_field`, once typing pauses), the
// whole draft when a task is saved (`check_draft`). The core checks everything again before it
// queues anything, so a check that cannot be asked never stops the person.

import { attempt } from './app.svelte';
import type { FieldKind } from './backend/types';
import type { Draft, FieldProblem } from './backend/views';
import { hasMessage, t } from './i18n.svelte';

/** How long typing must pause before the value is checked. */
export const CHECK_DELAY_MS = 250;

/** What is wrong with `value` as a `kind`, as a Fluent message id; undefined when nothing is,
 * or when the core could not be asked. */
export async function problemWith(kind: FieldKind, value: string): Promise<string | undefined> {
  const result = await attempt('check_field', { kind, value });
  return result.ok && !result.value.valid ? (result.value.problem ?? 'ui-field-invalid') : undefined;
}

/** The problems the core finds in `draft`; none when the core could not be asked. */
export async function draftProblems(draft: Draft): Promise<FieldProblem[]> {
  const result = await attempt('check_draft', { draft });
  return result.ok ? result.value : [];
}

/** The message `id` the core named, about the field labelled `label`, in the person's
 * language; it may use `$label` and `$max` (a length limit). A message this UI does not have
 * still says which field is wrong. */
export function problemText(id: string, label: string, max?: number): string {
  if (!hasMessage(id)) return t('ui-field-invalid', { label });
  return t(id, { label, max: max ?? 0 });
}

/** Checks values as the person types: once `CHECK_DELAY_MS` pass without another change to
 * the same field, asks the core and reports the answer, unless the field changed meanwhile. An
 * empty field is not asked about: whether it must be filled in is the form's question, asked
 * when the task is saved. */
export class LiveCheck {
  #timers = new Map<string, ReturnType<typeof setTimeout>>();
  #latest = new Map<string, number>();
  #report: (key: string, problem: string | undefined) => void;

  constructor(report: (key: string, problem: string | undefined) => void) {
    this.#report = report;
  }

  /** The field `key`, of `kind`, now holds `value`. */
  changed(key: string, kind: FieldKind, value: string): void {
    clearTimeout(this.#timers.get(key));
    const ticket = (this.#latest.get(key) ?? 0) + 1;
    this.#latest.set(key, ticket);
    const text = value.trim();
    if (text === '') return;
    this.#timers.set(
      key,
      setTimeout(async () => {
        this.#timers.delete(key);
        const problem = await problemWith(kind, text);
        if (this.#latest.get(key) === ticket) this.#report(key, problem);
      }, CHECK_DELAY_MS),
    );
  }

  /** Drops every check not yet answered (the form is being saved, or goes away). */
  stop(): void {
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    for (const [key, ticket] of this.#latest) this.#latest.set(key, ticket + 1);
  }
}
