import { channelForSend, spaceDigitsForSpeech } from './channel-policy';
import { maskPhoneNumber } from '../common/redaction';
import { parsePhoneNumber } from '../core/phone-number';

describe('dispatch policy', () => {
  it('spaces digits for text-to-speech, leading zeros kept', () => {
    expect(spaceDigitsForSpeech('123456')).toBe('1. 2. 3. 4. 5. 6');
    expect(spaceDigitsForSpeech('0071')).toBe('0. 0. 7. 1');
  });

  it('sends auto by SMS first and by voice on a resend, unless fallback is off', () => {
    expect(channelForSend('auto', 0, true)).toBe('sms');
    expect(channelForSend('auto', 1, true)).toBe('voice');
    expect(channelForSend('auto', 3, false)).toBe('sms');
    expect(channelForSend('voice', 0, true)).toBe('voice');
    expect(channelForSend('sms', 2, true)).toBe('sms');
  });

  it('normalises numbers to E.164 with their country', () => {
    expect(parsePhoneNumber('+1 (206) 555-0100')).toEqual({
      e164: '+12065550100',
      country: 'US',
      callingCode: '1',
      nationalNumber: '2065550100',
    });
    expect(parsePhoneNumber('+44 20 7183 8750')).toMatchObject({ e164: '+442071838750', country: 'GB' });
  });

  // send-notify-text-message.html: DestinationPhoneNumber is 1-20 characters of \+?[1-9][0-9]{1,18}.
  it.each([
    '+1 (206) 555-0100',
    '+44 20 7183 8750',
    '+49 1512 3456789',
    '+86 138 0013 8000',
    '+61 4 1234 5678',
  ])(
    'gives Notify %p in a form its DestinationPhoneNumber pattern accepts (send-notify-text-message)',
    (input) => {
      const { e164 } = parsePhoneNumber(input);
      expect(e164).toMatch(/^\+?[1-9][0-9]{1,18}$/);
      expect(e164.length).toBeLessThanOrEqual(20);
    },
  );

  it.each(['12065550100', '+1206555010', '+999123', 'call me', '+١٢٠٦٥٥٥٠١٠٠'])('refuses %p', (input) => {
    expect(() => parsePhoneNumber(input)).toThrow(expect.objectContaining({ code: 'invalid_phone_number' }));
  });

  it('masks numbers for logs', () => {
    expect(maskPhoneNumber('+12065550100')).toBe('+1206*****00');
    expect(maskPhoneNumber('+4915112345678')).not.toContain('112345');
  });
});
