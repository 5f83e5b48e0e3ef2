// Checking the procedure's form, by the rules in `FormField`.

import type { FormField } from './backend/types';
import { DATE, ID_NUMBER, PHONE } from './text';

export type FieldProblem = 'missing' | 'too_long' | 'id_number' | 'phone' | 'date' | 'number' | 'option';

/** What is wrong with `value` for `field`, if anything. */
export function checkField(field: FormField, value: string | undefined): FieldProblem | undefined {
  const text = (value ?? '').trim();
  // A select is chosen, not entered, so its message says "choose".
  if (!text) return field.required ? (field.kind === 'select' ? 'option' : 'missing') : undefined;
  if (field.maxLength !== undefined && [...text].length > field.maxLength) return 'too_long';
  switch (field.kind) {
    case 'id_number':
      return ID_NUMBER.test(text) ? undefined : 'id_number';
    case 'phone':
      return PHONE.test(text.replace(/[\s.-]/g, '')) ? undefined : 'phone';
    case 'date':
      return isRealDate(text) ? undefined : 'date';
    case 'number':
      return /^\d+$/.test(text) ? undefined : 'number';
    case 'select':
      return (field.options ?? []).some((option) => option.value === text) ? undefined : 'option';
    default:
      return undefined;
  }
}

/** A `YYYY-MM-DD` that names a day of the calendar (Date would roll 30 February over). */
export function isRealDate(text: string): boolean {
  if (!DATE.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}
