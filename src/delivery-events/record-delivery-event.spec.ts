import { randomBytes } from 'node:crypto';
import { Clock } from '../common/clock';
import { RedisVerificationStore } from '../issuance/redis-verification.store';
import { VerificationRecord } from '../core/verification';
import { VerificationKeys } from '../issuance/verification-keys';
import { Outbox } from '../outbox/outbox';
import { RedisOutboxStore } from '../outbox/redis-outbox.store';
import { createEmbeddedRedis } from '../redis/embedded-redis';
import { RecordingEvents } from '../../test/support/recording-events';
import { DeliveryEvent } from './delivery-status';
import { RecordDeliveryEvent } from './record-delivery-event';
import { VOICE_FALLBACK_JOB } from './voice-fallback';

describe(RecordDeliveryEvent.name, () => {
  const keys = new VerificationKeys(randomBytes(32));
  const now = Date.now();
  const clock: Clock = { now: () => now };
  let store: RedisVerificationStore;
  let jobs: RedisOutboxStore;
  let events: RecordingEvents;

  beforeEach(() => {
    store = new RedisVerificationStore(createEmbeddedRedis('otp:'), keys, {
      maxFailedChecksPerNumber: 10,
      failedChecksWindowMs: 1,
      retentionMs: 60_000,
      resendCooldownMs: 0,
      maxSends: 5,
    });
    jobs = new RedisOutboxStore(createEmbeddedRedis('otp:'));
    events = new RecordingEvents();
  });

  function use(autoVoiceFallback = true, at = now) {
    const outbox = new Outbox(jobs, clock, {
      pollMs: 1000,
      retryBaseMs: 1000,
      maxAttempts: 1,
      batchSize: 10,
      leaseMs: 1000,
    });
    return new RecordDeliveryEvent(store, outbox, { now: () => at }, { autoVoiceFallback }, events);
  }

  async function verification(fields: Partial<VerificationRecord> = {}): Promise<VerificationRecord> {
    const record: VerificationRecord = {
      id: keys.newId('+12065550100'),
      clientId: 'acme',
      to: '+12065550100',
      country: 'US',
      purpose: 'login',
      channel: 'auto',
      status: 'pending',
      locale: 'en',
      createdAt: now,
      expiresAt: now + 600_000,
      attempts: 0,
      failures: 0,
      maxAttempts: 5,
      codeVersion: 1,
      messageId: 'sms-1',
      sends: [{ channel: 'sms', messageId: 'sms-1', sentAt: new Date(now).toISOString() }],
      sendCount: 1,
      lastSendAt: now,
      ...fields,
    };
    await store.create(record, 'hash', now);
    return record;
  }

  const event = (record: VerificationRecord, fields: Partial<DeliveryEvent> = {}): DeliveryEvent => ({
    eventType: 'TEXT_UNREACHABLE',
    status: 'failed',
    eventTimestamp: now,
    isFinal: true,
    messageId: record.messageId,
    context: { verificationId: record.id },
    ...fields,
  });

  const fallbacks = async () =>
    (await jobs.claim(now, 100, 1000)).filter((j) => j.type === VOICE_FALLBACK_JOB);

  it('queues one automatic call for the unreachable SMS carrying the current code', async () => {
    const record = await verification();
    await expect(use().execute(event(record))).resolves.toBe('recorded');
    await expect(use().execute(event(record, { eventTimestamp: now + 1 }))).resolves.toBe('recorded');
    expect(await fallbacks()).toEqual([
      expect.objectContaining({ payload: { verificationId: record.id, clientId: 'acme' } }),
    ]);
  });

  it.each<[string, Partial<VerificationRecord>, Partial<DeliveryEvent>, boolean?, number?]>([
    ['the fallback is turned off', {}, {}, false],
    ['the channel was chosen (sms)', { channel: 'sms' }, {}],
    ['SMS Protect blocked it', {}, { eventType: 'TEXT_PROTECT_BLOCKED', status: 'blocked' }],
    ['the number is invalid', {}, { eventType: 'TEXT_INVALID' }],
    ['the verification is no longer pending', { status: 'approved' }, {}],
    ['the verification expired', { expiresAt: now + 1 }, {}, true, now + 1],
    ['the fallback was used', { fallbackAt: now - 1 }, {}],
  ])('does not call when %s', async (_, fields, eventFields, enabled = true, at = now) => {
    const record = await verification(fields);
    await use(enabled, at).execute(event(record, eventFields));
    expect(await fallbacks()).toEqual([]);
  });

  it('does not call for an older SMS once a newer code went out', async () => {
    const record = await verification({
      messageId: 'sms-2',
      sends: [
        { channel: 'sms', messageId: 'sms-1', sentAt: new Date(now).toISOString() },
        { channel: 'sms', messageId: 'sms-2', sentAt: new Date(now).toISOString() },
      ],
    });
    await use().execute(event(record, { messageId: 'sms-1' }));
    expect(await fallbacks()).toEqual([]);
  });

  it('finds the verification by message id without Context, and answers unknown for a stranger', async () => {
    const record = await verification();
    await expect(
      use().execute(event(record, { context: {}, status: 'delivered', eventType: 'TEXT_DELIVERED' })),
    ).resolves.toBe('recorded');
    await expect(use().execute(event(record, { context: {}, messageId: 'other' }))).resolves.toBe('unknown');
  });
});
