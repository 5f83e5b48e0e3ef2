// Table-driven checks of the small rules the forms rely on.

import { describe, expect, it } from 'vitest';
import type { FormField } from '../src/lib/backend/types';
import { checkField } from '../src/lib/form';
import { prefillValue } from '../src/screens/apply/flow';
import { fold } from '../src/lib/text';
import * as fixtures from './fixtures';

const field = (kind: FormField['kind'], extra: Partial<FormField> = {}): FormField => ({
  id: 'f',
  label: { vi: 'Ô', en: 'Field' },
  kind,
  required: true,
  ...extra,
});

describe('checkField', () => {
  it.each([
    [field('text'), '', 'missing'],
    [field('text', { required: false }), '  ', undefined],
    [field('text', { maxLength: 3 }), 'Đà Nẵng', 'too_long'],
    [field('text', { maxLength: 7 }), 'Đà Nẵng', undefined],
    [field('id_number'), '04809000123', 'id_number'],
    [field('id_number'), '048090001234', undefined],
    [field('phone'), '0905 123 456', undefined],
    [field('phone'), '+84905123456', undefined],
    [field('phone'), '12345', 'phone'],
    [field('date'), '2026-02-30x', 'date'],
    [field('date'), '2026-02-28', undefined],
    [field('date'), '2026-02-30', 'date'],
    [field('date'), '2028-02-29', undefined],
    [field('number'), '12a', 'number'],
    [field('select', { options: [{ value: 'a', label: { vi: 'A', en: 'A' } }] }), '', 'option'],
    [field('select', { options: [{ value: 'a', label: { vi: 'A', en: 'A' } }] }), 'b', 'option'],
    [field('select', { options: [{ value: 'a', label: { vi: 'A', en: 'A' } }] }), 'a', undefined],
  ] as const)('%o with %j → %s', (formField, value, problem) => {
    expect(checkField(formField, value)).toBe(problem);
  });
});

describe('prefillValue', () => {
  it.each([
    ['profile.fullName', 'Nguyễn Thị Lan'],
    ['profile.birthDate', '1990-05-12'],
    ['profile.idNumber', '048090001234'],
    ['profile.phone', '+84905123456'],
    ['profile.address', '12 Lê Lợi'],
    ['document.id_card.number', '048090001234'],
    ['document.passport.number', undefined],
    ['profile.unknown', undefined],
  ])('%s → %s', (source, expected) => {
    expect(prefillValue(field('text', { prefill: source }), fixtures.profile, [fixtures.walletEntry.document])).toBe(expected);
  });
});

describe('fold', () => {
  it.each([
    ['Cấp đổi thẻ căn cước', 'cap doi the can cuoc'],
    ['ĐÀ NẴNG', 'da nang'],
    ['Hòa Cường Bắc', 'hoa cuong bac'],
  ])('%s → %s', (text, folded) => {
    expect(fold(text)).toBe(folded);
  });
});
