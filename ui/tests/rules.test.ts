// Table-driven checks of the UI's own small helpers. The field rules (phone, ID number, dates,
// a procedure's form) are the core's, asked over IPC: the UI has no copy of them to test.

import { describe, expect, it } from 'vitest';
import { fold } from '../src/lib/text';

describe('fold', () => {
  it.each([
    ['Cấp đổi thẻ căn cước', 'cap doi the can cuoc'],
    ['ĐÀ NẴNG', 'da nang'],
    ['Hòa Cường Bắc', 'hoa cuong bac'],
  ])('%s → %s', (text, folded) => {
    expect(fold(text)).toBe(folded);
  });
});
