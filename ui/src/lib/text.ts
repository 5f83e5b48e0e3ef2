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

/** The shape of the portal's one-time codes, so a code mistyped is not sent (each wrong code
 * counts against the sign-in's attempt limit). */
export const OTP = /^\d{6}$/;
