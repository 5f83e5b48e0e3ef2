// Table-driven checks of the UI's own small helpers. The field rules (phone, ID number, dates,
// a procedure's form) are the core's, asked over IPC: the UI has no copy of them to test.

import { describe, expect, it } from 'vitest';
import type { FormField } from '../src/lib/backend/types';
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
