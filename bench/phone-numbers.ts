import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

/** Area codes whose fictional 555 exchange libphonenumber's full metadata accepts as valid US numbers. */
const AREA_CODES = ['206', '212', '312', '415', '503', '617', '702', '713', '808', '907'];
const PER_AREA_CODE = 10_000;

/**
 * A fresh valid US number per call (+1 206 555 0000, +1 206 555 0001, ...). Notify, and so the emulator, accepts
 * 10 messages per destination a day: a load test that reused numbers would measure that quota, not the service.
 * 100,000 numbers before it wraps, far more than a run of a few seconds sends.
 */
export class DistinctNumbers {
  private counter = 0;

  take(): string {
    for (let skipped = 0; skipped < 100; skipped++) {
      const n = this.counter++ % (AREA_CODES.length * PER_AREA_CODE);
      const area = AREA_CODES[Math.floor(n / PER_AREA_CODE)];
      const candidate = `+1${area}555${String(n % PER_AREA_CODE).padStart(4, '0')}`;
      if (parsePhoneNumberFromString(candidate)?.isValid()) return candidate;
    }
    throw new Error('libphonenumber rejects the bench numbers: update AREA_CODES in bench/phone-numbers.ts');
  }
}
