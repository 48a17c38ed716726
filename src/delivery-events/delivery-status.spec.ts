import { NOTIFY_EVENT_TYPE_NAMES as DELIVERY_EVENT_TYPES } from '@app/notify';
import { DELIVERY_STATUS, parseDeliveryEvent, warrantsVoiceFallback } from './delivery-status';

describe(parseDeliveryEvent.name, () => {
  const record = {
    eventType: 'TEXT_DELIVERED',
    eventVersion: '1.0',
    eventTimestamp: 1_750_000_000_000,
    isFinal: true,
    messageId: 'm-1',
    messageStatusDescription: 'Message has been delivered',
    context: { verificationId: 'VE1234', tenant: 'x', bad: 5 },
  };

  it('maps every TEXT_* and VOICE_* type Notify documents, and nothing else', () => {
    expect(Object.keys(DELIVERY_STATUS).sort()).toEqual([...DELIVERY_EVENT_TYPES].sort());
    expect(
      Object.entries(DELIVERY_STATUS)
        .filter(([, s]) => s === 'delivered')
        .map(([t]) => t),
      // TEXT_SUCCESSFUL is final and interchangeable with TEXT_DELIVERED (configuration-sets-event-types.html).
    ).toEqual(['TEXT_SUCCESSFUL', 'TEXT_DELIVERED', 'VOICE_COMPLETED']);
    expect(
      Object.entries(DELIVERY_STATUS)
        .filter(([, s]) => s === 'blocked')
        .map(([t]) => t),
    ).toEqual(['TEXT_BLOCKED', 'TEXT_CARRIER_BLOCKED', 'TEXT_PROTECT_BLOCKED', 'TEXT_SPAM']);
  });

  it('reads the fields that matter, and keeps only string Context values', () => {
    expect(parseDeliveryEvent(record)).toEqual({
      kind: 'event',
      event: {
        eventType: 'TEXT_DELIVERED',
        status: 'delivered',
        eventTimestamp: 1_750_000_000_000,
        isFinal: true,
        messageId: 'm-1',
        description: 'Message has been delivered',
        context: { verificationId: 'VE1234', tenant: 'x' },
      },
    });
  });

  it('judges finality by status when isFinal is missing', () => {
    const withoutFinal: Partial<typeof record> = { ...record };
    delete withoutFinal.isFinal;
    const pending = parseDeliveryEvent({ ...withoutFinal, eventType: 'TEXT_QUEUED' });
    const failed = parseDeliveryEvent({ ...withoutFinal, eventType: 'TEXT_UNKNOWN' });
    expect(pending.kind === 'event' && pending.event.isFinal).toBe(false);
    expect(failed.kind === 'event' && failed.event.isFinal).toBe(true);
  });

  it.each([
    ['not an object', 'x'],
    ['no eventType', { ...record, eventType: undefined }],
    ['an eventType of another service', { ...record, eventType: 'EMAIL_DELIVERED' }],
    ['no messageId', { ...record, messageId: '' }],
    ['no timestamp', { ...record, eventTimestamp: 'soon' }],
  ])('refuses %s', (_, input) => {
    expect(parseDeliveryEvent(input).kind).toBe('invalid');
  });

  it('acknowledges a well-formed event of a type it does not know', () => {
    expect(parseDeliveryEvent({ ...record, eventType: 'TEXT_SOMETHING_NEW' })).toEqual({
      kind: 'unknown_type',
      eventType: 'TEXT_SOMETHING_NEW',
    });
  });

  it('calls after unreachable, expired and unknown SMS failures only', () => {
    const cured = DELIVERY_EVENT_TYPES.filter(warrantsVoiceFallback).sort();
    expect(cured).toEqual([
      'TEXT_CARRIER_UNREACHABLE',
      'TEXT_TTL_EXPIRED',
      'TEXT_UNKNOWN',
      'TEXT_UNREACHABLE',
    ]);
  });
});
