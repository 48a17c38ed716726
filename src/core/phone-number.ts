import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { InvalidPhoneNumber } from '../common/domain-error';

/** A destination parsed once, at the edge of a use case; everything after it reads these fields. */
export interface PhoneNumber {
  e164: string;
  /** ISO 3166 alpha-2 */
  country: string;
  /** The country calling code, without `+` (e.g. `1`). */
  callingCode: string;
  /** The national significant number (digits after the calling code). */
  nationalNumber: string;
}

/** Parses what the caller sent into E.164 with the full metadata set, so impossible numbers never reach Notify. */
export function parsePhoneNumber(input: string): PhoneNumber {
  const trimmed = input.trim();
  // libphonenumber would also read other scripts' digits; we accept only what an E.164 number is written with.
  if (!/^\+[0-9 ().-]{2,30}$/.test(trimmed)) {
    throw new InvalidPhoneNumber(
      'The number must be in international form: + then the country code and ASCII digits.',
    );
  }
  const parsed = parsePhoneNumberFromString(trimmed);
  if (!parsed || !parsed.isValid() || !parsed.country) throw new InvalidPhoneNumber();
  return {
    e164: parsed.number,
    country: parsed.country,
    callingCode: parsed.countryCallingCode,
    nationalNumber: parsed.nationalNumber,
  };
}
