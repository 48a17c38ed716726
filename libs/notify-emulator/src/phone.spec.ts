import { countryOf, E164 } from './phone';

describe('E164', () => {
  it.each(['+12065550100', '+447700900123', '+819012345678'])('accepts %p', (n) =>
    expect(E164.test(n)).toBe(true),
  );
  it.each(['12065550100', '+02065550100', '+1 206 555 0100', '+1', '+12345678901234567890', ''])(
    'rejects %p',
    (n) => expect(E164.test(n)).toBe(false),
  );
});

describe(countryOf.name, () => {
  it.each([
    ['+12065550100', 'US'],
    ['+14165550100', 'CA'],
    ['+447700900123', 'GB'],
    ['+4915112345678', 'DE'],
    ['+33612345678', 'FR'],
    ['+525512345678', 'MX'],
    ['+819012345678', 'JP'],
    ['+8613800138000', 'CN'],
  ])('places %p in %p', (number, country) => expect(countryOf(number)).toBe(country));

  it('gives up on a calling code that is not assigned', () => {
    expect(countryOf('+99912345678')).toBeUndefined();
  });
});
