/** `+12065550100` -> `+1206*****00`: enough to tell numbers apart in logs, not enough to call one. */
export function maskPhoneNumber(e164: string): string {
  if (e164.length <= 7) return '*'.repeat(e164.length);
  return e164.slice(0, 5) + '*'.repeat(e164.length - 7) + e164.slice(-2);
}

/** Masks every phone-number-like run (`+` or `%2B`, then 7 to 15 digits) inside free text such as a URL. */
export function maskPhoneNumbersIn(text: string): string {
  return text.replace(/(\+|%2B)(\d{7,15})/gi, (_, plus: string, digits: string) =>
    maskPhoneNumber('+' + digits).replace(/^\+/, plus),
  );
}
