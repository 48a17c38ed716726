import { VerificationRecord } from '../core/verification';
import { checkView, twilioDate, twilioStatus, verificationView } from './twilio-views';
import { toVerificationSid } from './twilio-sids';

const links = { origin: 'http://127.0.0.1:3000', accountSid: `AC${'0'.repeat(32)}` };
const record: VerificationRecord = {
  id: `VE${'a'.repeat(28)}`,
  clientId: 'acme',
  to: '+12065550100',
  country: 'US',
  purpose: `VA${'b'.repeat(32)}`,
  channel: 'sms',
  status: 'pending',
  createdAt: Date.parse('2025-06-15T12:00:00.123Z'),
  expiresAt: Date.parse('2025-06-15T12:10:00Z'),
  attempts: 0,
  failures: 0,
  maxAttempts: 5,
  codeVersion: 2,
  messageId: 'm-2',
  sends: [
    { channel: 'sms', messageId: 'm-1', sentAt: '2025-06-15T12:00:00.123Z' },
    { channel: 'voice', messageId: 'm-2', sentAt: '2025-06-15T12:01:00.000Z' },
  ],
  sendCount: 2,
  lastSendAt: Date.parse('2025-06-15T12:01:00Z'),
};

describe('Twilio views', () => {
  it("uses Twilio's statuses: failed is max_attempts_reached", () => {
    expect(twilioStatus('failed')).toBe('max_attempts_reached');
    expect(['pending', 'approved', 'canceled', 'expired'].map((s) => twilioStatus(s as 'pending'))).toEqual([
      'pending',
      'approved',
      'canceled',
      'expired',
    ]);
  });

  it('writes dates as Twilio does, UTC to the second', () => {
    expect(twilioDate(Date.parse('2015-07-30T20:00:00.999Z'))).toBe('2015-07-30T20:00:00Z');
  });

  it("shapes a verification as Twilio's VerificationResource: the current channel, every send, call for voice", () => {
    const view = verificationView(record, 'pending', links);
    expect(view).toMatchObject({
      sid: toVerificationSid(record.id),
      service_sid: record.purpose,
      account_sid: links.accountSid,
      to: '+12065550100',
      channel: 'call',
      status: 'pending',
      valid: false,
      date_created: '2025-06-15T12:00:00Z',
      date_updated: '2025-06-15T12:01:00Z',
      url: `${links.origin}/v2/Services/${record.purpose}/Verifications/${toVerificationSid(record.id)}`,
    });
    expect(view.send_code_attempts.map((a) => [a.channel, a.time])).toEqual([
      ['sms', '2025-06-15T12:00:00Z'],
      ['call', '2025-06-15T12:01:00Z'],
    ]);
    expect(JSON.stringify(view)).not.toContain('m-1');
  });

  it('answers a check by number that did not approve without naming any verification', () => {
    const view = checkView(record.purpose, { status: 'pending', to: '+12065550100', at: 0 }, links);
    expect(view).toMatchObject({
      sid: null,
      channel: null,
      status: 'pending',
      valid: false,
      date_created: null,
    });
  });
});
