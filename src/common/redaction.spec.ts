import { maskPhoneNumber, maskPhoneNumbersIn } from './redaction';

describe('redaction', () => {
  it('masks a number, keeping its start and last two digits', () => {
    expect(maskPhoneNumber('+12065550100')).toBe('+1206*****00');
  });

  it('masks numbers inside URLs, encoded or not', () => {
    expect(maskPhoneNumbersIn('/sandbox/messages?to=%2B12065550100')).toBe(
      '/sandbox/messages?to=%2B1206*****00',
    );
    expect(maskPhoneNumbersIn('to=+442071838750&x=1')).toBe('to=+4420******50&x=1');
    expect(maskPhoneNumbersIn('/v1/verifications/VE1234')).toBe('/v1/verifications/VE1234');
  });
});
