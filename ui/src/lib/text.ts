// Text helpers for matching what people type: many type Vietnamese without diacritics.

/** Lower case without diacritics; `đ` becomes `d`. */
export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'd')
    .toLowerCase();
}

export const ID_NUMBER = /^\d{12}$/;
export const OTP = /^\d{6}$/;
/** A Vietnamese phone number: `+84` or `0`, then 9 or 10 digits. */
export const PHONE = /^(\+84|0)\d{9,10}$/;
export const DATE = /^\d{4}-\d{2}-\d{2}$/;
