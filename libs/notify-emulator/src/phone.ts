import { parsePhoneNumberFromString } from 'libphonenumber-js';

/**
 * Strict E.164. The SDK's model pattern (`\+?[1-9][0-9]{1,18}`) lets the '+' go missing, but Notify documents
 * E.164 and a number without its '+' is ambiguous, so the emulator refuses it.
 */
export const E164 = /^\+[1-9][0-9]{1,18}$/;

/**
 * The ISO 3166-1 alpha-2 country of an E.164 number. Numbers that share a calling code are told apart by their
 * leading digits (+1 416... is CA); a number libphonenumber cannot place precisely, such as a fictional
 * +44 7700 900xxx, gets the main country of its calling code. undefined when the calling code is not assigned.
 */
export function countryOf(e164: string): string | undefined {
  const parsed = parsePhoneNumberFromString(e164);
  if (!parsed) return undefined;
  return parsed.country ?? parsed.getPossibleCountries()[0];
}
