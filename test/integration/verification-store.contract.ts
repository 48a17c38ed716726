import Redis from 'ioredis';
import { DeliveryStatus, VerificationRecord } from '../../src/core/verification';
import { VerificationKeys } from '../../src/issuance/verification-keys';
import { RecordedAnswer, StorePolicy, VerificationStore } from '../../src/issuance/verification-store';

export interface StoreUnderTest {
  store: VerificationStore;
  keys: VerificationKeys;
  /** The connection under the store, for what a test must do beside it (e.g. idempotency keys). */
  redis: Redis;
  cleanup: () => Promise<void>;
}

/** Limits most tests run under; a test that is about one limit sets it small and says so. */
const POLICY: StorePolicy = {
  maxFailedChecksPerNumber: 10,
  failedChecksWindowMs: 60_000,
  retentionMs: 60_000,
  resendCooldownMs: 30_000,
  maxSends: 3,
};

let numbers = 0;
/** A number of its own for every verification group, so failed-check counters never leak between tests. */
export function freshNumber(): string {
  numbers += 1;
  return `+1206555${String(numbers).padStart(4, '0')}`;
}

/** A pending verification whose first code was just sent. */
export function pendingRecord(
  keys: VerificationKeys,
  fields: Partial<VerificationRecord> = {},
): VerificationRecord {
  const to = fields.to ?? freshNumber();
  const now = Date.now();
  return {
    id: keys.newId(to),
    clientId: 'acme',
    to,
    country: 'US',
    purpose: 'login',
    channel: 'sms',
    status: 'pending',
    locale: 'en',
    createdAt: now,
    expiresAt: now + 60_000,
    attempts: 0,
    failures: 0,
    maxAttempts: 5,
    codeVersion: 1,
    messageId: 'msg-1',
    sends: [],
    sendCount: 1,
    lastSendAt: now,
    ...fields,
  };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function tally(kinds: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of kinds) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

/**
 * The behaviour every VerificationStore must show, run unchanged against each implementation. TTLs are real and short
 * because Redis expires keys by the wall clock.
 */
export function verificationStoreContract(
  name: string,
  factory: (policy: StorePolicy) => Promise<StoreUnderTest>,
): void {
  describe(`${name} (VerificationStore contract)`, () => {
    const opened: StoreUnderTest[] = [];

    async function open(policy: Partial<StorePolicy> = {}): Promise<StoreUnderTest> {
      const subject = await factory({ ...POLICY, ...policy });
      opened.push(subject);
      return subject;
    }

    async function started(
      subject: StoreUnderTest,
      fields: Partial<VerificationRecord> = {},
      hash = 'hash-1',
    ): Promise<VerificationRecord> {
      const record = pendingRecord(subject.keys, fields);
      await subject.store.create(record, hash, record.createdAt);
      return record;
    }

    afterEach(async () => {
      await Promise.all(opened.splice(0).map((subject) => subject.cleanup()));
    });

    describe('create and get', () => {
      it('gives back the record it stored, and nothing for an unknown id', async () => {
        const subject = await open();
        const record = await started(subject, {
          templateId: 'tpl-1',
          voiceId: 'Joanna',
          channel: 'auto',
          sends: [{ channel: 'sms', messageId: 'msg-1', sentAt: new Date().toISOString() }],
        });

        expect(await subject.store.get(record.id)).toEqual(record);
        expect(await subject.store.get(subject.keys.newId(record.to))).toBeNull();
        expect(await subject.store.latestPendingId('acme', 'login', record.to)).toBe(record.id);
      });

      it('keeps its own copy: changing a record given or received changes nothing stored', async () => {
        const subject = await open();
        const record = await started(subject, {
          sends: [{ channel: 'sms', messageId: 'msg-1', sentAt: new Date().toISOString() }],
        });
        const expected = structuredClone(record);

        record.status = 'approved';
        record.sends.push({ channel: 'voice', messageId: 'msg-x', sentAt: new Date().toISOString() });
        const read = (await subject.store.get(record.id))!;
        read.attempts = 99;
        read.sends[0].messageId = 'changed';

        expect(await subject.store.get(record.id)).toEqual(expected);
      });

      it('replaces the pending verification of the same client, purpose and number, canceling it', async () => {
        const subject = await open();
        const first = await started(subject);
        const second = pendingRecord(subject.keys, { to: first.to });

        const outcome = await subject.store.create(second, 'hash-2', second.createdAt);

        expect(outcome).toEqual({ kind: 'created', replacedId: first.id });
        expect(await subject.store.latestPendingId('acme', 'login', first.to)).toBe(second.id);
        expect(await subject.store.get(first.id)).toMatchObject({
          status: 'canceled',
          finishedAt: second.createdAt,
        });
        expect(await subject.store.reserveAttempt(first, Date.now())).toEqual({
          kind: 'finished',
          status: 'canceled',
        });
        expect(await subject.store.reserveAttempt(second, Date.now())).toMatchObject({
          kind: 'reserved',
          hash: 'hash-2',
        });
      });

      it('leaves alone the pending verifications of another purpose or another client', async () => {
        const subject = await open();
        const login = await started(subject);
        const signup = pendingRecord(subject.keys, { to: login.to, purpose: 'signup' });
        const otherClient = pendingRecord(subject.keys, { to: login.to, clientId: 'globex' });

        expect(await subject.store.create(signup, 'hash-2', signup.createdAt)).toEqual({ kind: 'created' });
        expect(await subject.store.create(otherClient, 'hash-3', otherClient.createdAt)).toEqual({
          kind: 'created',
        });

        for (const record of [login, signup, otherClient]) {
          expect(await subject.store.get(record.id)).toMatchObject({ status: 'pending' });
          expect(await subject.store.latestPendingId(record.clientId, record.purpose, record.to)).toBe(
            record.id,
          );
        }
      });

      it('keeps exactly one pending verification when creates for one number race', async () => {
        const subject = await open();
        const to = freshNumber();
        const records = Array.from({ length: 4 }, () => pendingRecord(subject.keys, { to }));

        await Promise.all(records.map((record) => subject.store.create(record, 'hash', record.createdAt)));

        const statuses = await Promise.all(
          records.map(async (record) => (await subject.store.get(record.id))!.status),
        );
        expect(tally(statuses)).toEqual({ pending: 1, canceled: 3 });
        const pending = records[statuses.indexOf('pending')];
        expect(await subject.store.latestPendingId('acme', 'login', to)).toBe(pending.id);
      });
    });

    describe('checking a code', () => {
      it('approves once, then answers stale and finished', async () => {
        const subject = await open();
        const record = await started(subject, { messageId: 'msg-7' });

        const reserved = await subject.store.reserveAttempt(record, Date.now());
        expect(reserved).toEqual({
          kind: 'reserved',
          hash: 'hash-1',
          codeVersion: 1,
          messageId: 'msg-7',
          attemptsRemaining: 4,
        });
        const now = Date.now();
        expect(await subject.store.approve(record, 1, now)).toEqual({ kind: 'approved', messageId: 'msg-7' });
        expect(await subject.store.approve(record, 1, Date.now())).toEqual({ kind: 'stale' });

        expect(await subject.store.get(record.id)).toMatchObject({
          status: 'approved',
          finishedAt: now,
          attempts: 1,
        });
        expect(await subject.store.latestPendingId('acme', 'login', record.to)).toBeNull();
        expect(await subject.store.reserveAttempt(record, Date.now())).toEqual({
          kind: 'finished',
          status: 'approved',
        });
      });

      it('refuses to approve a code that a resend replaced', async () => {
        const subject = await open({ resendCooldownMs: 0 });
        const record = await started(subject);
        const reserved = await subject.store.reserveAttempt(record, Date.now());
        expect(reserved).toMatchObject({ kind: 'reserved', codeVersion: 1 });

        const now = Date.now();
        await subject.store.commitResend(
          record,
          { hash: 'hash-2', messageId: 'msg-2', channel: 'sms', sentAt: now, expiresAt: now + 60_000 },
          now,
        );

        expect(await subject.store.approve(record, 1, Date.now())).toEqual({ kind: 'stale' });
        expect(await subject.store.get(record.id)).toMatchObject({ status: 'pending' });
        expect(await subject.store.approve(record, 2, Date.now())).toEqual({
          kind: 'approved',
          messageId: 'msg-2',
        });
      });

      it('counts wrong codes and fails the verification at maxAttempts, deleting its code', async () => {
        const subject = await open();
        const record = await started(subject, { maxAttempts: 3 });

        const outcomes = [];
        for (let i = 0; i < 3; i++) {
          expect(await subject.store.reserveAttempt(record, Date.now())).toMatchObject({ kind: 'reserved' });
          outcomes.push(await subject.store.reject(record, Date.now()));
        }

        expect(outcomes).toEqual([
          { kind: 'rejected', status: 'pending', attemptsRemaining: 2, ended: false },
          { kind: 'rejected', status: 'pending', attemptsRemaining: 1, ended: false },
          { kind: 'rejected', status: 'failed', attemptsRemaining: 0, ended: true },
        ]);
        expect(await subject.store.get(record.id)).toMatchObject({
          status: 'failed',
          failures: 3,
          attempts: 3,
        });
        expect(await subject.store.reserveAttempt(record, Date.now())).toEqual({
          kind: 'finished',
          status: 'failed',
        });
        expect(await subject.store.approve(record, 1, Date.now())).toEqual({ kind: 'stale' });
        expect(await subject.store.latestPendingId('acme', 'login', record.to)).toBeNull();
        expect(await subject.store.failedChecks(record.clientId, record.to)).toBe(3);
      });

      it('says of exactly one wrong code that it ended the verification, however they race', async () => {
        const subject = await open();
        const record = await started(subject, { maxAttempts: 3 });
        for (let i = 0; i < 3; i++) {
          expect(await subject.store.reserveAttempt(record, Date.now())).toMatchObject({ kind: 'reserved' });
        }

        const racing = await Promise.all([0, 1, 2].map(() => subject.store.reject(record, Date.now())));
        expect(racing.filter((outcome) => outcome.ended)).toEqual([
          { kind: 'rejected', status: 'failed', attemptsRemaining: 0, ended: true },
        ]);
        // A rejection that reaches a verification which has already failed does not end it again.
        expect(await subject.store.reject(record, Date.now())).toMatchObject({
          status: 'failed',
          ended: false,
        });
        expect(await subject.store.get(record.id)).toMatchObject({ status: 'failed' });
      });

      it('hands out at most maxAttempts reservations, yet lets a reserved right code through', async () => {
        const subject = await open();
        const record = await started(subject);

        const remaining = [];
        for (let i = 0; i < 5; i++) {
          const outcome = await subject.store.reserveAttempt(record, Date.now());
          remaining.push(outcome.kind === 'reserved' ? outcome.attemptsRemaining : outcome.kind);
        }

        expect(remaining).toEqual([4, 3, 2, 1, 0]);
        expect(await subject.store.reserveAttempt(record, Date.now())).toEqual({ kind: 'exhausted' });
        expect(await subject.store.get(record.id)).toMatchObject({ status: 'pending', attempts: 5 });
        expect(await subject.store.approve(record, 1, Date.now())).toMatchObject({ kind: 'approved' });
      });

      it('locks a number whose failed checks across verifications spent its budget, new code or not', async () => {
        const subject = await open({ maxFailedChecksPerNumber: 4 });
        const to = freshNumber();
        const login = await started(subject, { to });
        const signup = await started(subject, { to, purpose: 'signup' });
        for (const record of [login, login, signup, signup]) {
          expect(await subject.store.reserveAttempt(record, Date.now())).toMatchObject({ kind: 'reserved' });
          await subject.store.reject(record, Date.now());
        }
        expect(await subject.store.failedChecks('acme', to)).toBe(4);

        const fresh = await started(subject, { to, purpose: 'payment' });
        expect(await subject.store.reserveAttempt(fresh, Date.now())).toEqual({
          kind: 'locked',
          attemptsRemaining: 5,
        });
        expect(await subject.store.reserveAttempt(login, Date.now())).toEqual({
          kind: 'locked',
          attemptsRemaining: 3,
        });

        const now = Date.now();
        const code = {
          hash: 'hash-2',
          messageId: 'msg-2',
          channel: 'sms' as const,
          sentAt: now,
          expiresAt: now + 60_000,
        };
        expect(await subject.store.commitResend(fresh, code, now)).toEqual({ kind: 'committed' });
        expect(await subject.store.reserveAttempt(fresh, Date.now())).toMatchObject({ kind: 'locked' });
        expect(await subject.store.get(fresh.id)).toMatchObject({ attempts: 0 });

        const elsewhere = await started(subject);
        expect(await subject.store.reserveAttempt(elsewhere, Date.now())).toMatchObject({ kind: 'reserved' });
        // The budget is the client's: another API client's verification for the same number is not locked.
        const otherClient = await started(subject, { to, clientId: 'globex' });
        expect(await subject.store.reserveAttempt(otherClient, Date.now())).toMatchObject({
          kind: 'reserved',
        });
      });

      it('counts a wrong code against the number even when its verification is gone', async () => {
        const subject = await open();
        const gone = pendingRecord(subject.keys);

        expect(await subject.store.reject(gone, Date.now())).toEqual({
          kind: 'rejected',
          status: 'expired',
          attemptsRemaining: 0,
          ended: false,
        });
        expect(await subject.store.failedChecks(gone.clientId, gone.to)).toBe(1);
      });
    });

    describe('answers recorded under an Idempotency-Key in the same step', () => {
      /**
       * A key held by a request, as Idempotency.begin leaves it (with the hash tag of the verification's number, so
       * the step stays in one cluster slot), and the answer its step is to record.
       */
      async function held(
        subject: StoreUnderTest,
        name: string,
        entry: string,
        to: string,
      ): Promise<RecordedAnswer> {
        const key = `idem:{${subject.keys.tagOf(to)}}:acme:${name}`;
        const pending = JSON.stringify({ fingerprint: 'f', token: name, state: 'pending' });
        await subject.redis.set(key, pending, 'PX', 60_000);
        return { key, held: pending, ttlMs: 60_000, entry };
      }

      it("records the approval with it, and never over another holder's entry", async () => {
        const subject = await open();
        const record = await started(subject, { messageId: 'msg-a' });
        const answer = await held(subject, 'approve', '{"state":"done","body":{"valid":true}}', record.to);
        await subject.store.reserveAttempt(record, Date.now());
        expect(await subject.store.approve(record, 1, Date.now(), answer)).toEqual({
          kind: 'approved',
          messageId: 'msg-a',
        });
        expect(await subject.redis.get(answer.key)).toBe(answer.entry);

        const other = await started(subject);
        const taken = `idem:{${subject.keys.tagOf(other.to)}}:acme:taken`;
        await subject.redis.set(taken, 'someone else');
        await subject.store.reserveAttempt(other, Date.now());
        await subject.store.approve(other, 1, Date.now(), { ...answer, key: taken });
        expect(await subject.redis.get(taken)).toBe('someone else');
      });

      it('records a rejection with the status and attempts its script decided', async () => {
        const subject = await open();
        const record = await started(subject, { maxAttempts: 2 });
        const template = '{"body":{"status":"__STATUS__","attemptsRemaining":"__REMAINING__"}}';
        const first = await held(subject, 'reject-1', template, record.to);
        await subject.store.reserveAttempt(record, Date.now());
        await subject.store.reject(record, Date.now(), first);
        expect(JSON.parse((await subject.redis.get(first.key)) ?? '')).toEqual({
          body: { status: 'pending', attemptsRemaining: 1 },
        });
        const second = await held(subject, 'reject-2', template, record.to);
        await subject.store.reserveAttempt(record, Date.now());
        await subject.store.reject(record, Date.now(), second);
        expect(JSON.parse((await subject.redis.get(second.key)) ?? '')).toEqual({
          body: { status: 'failed', attemptsRemaining: 0 },
        });
      });

      it('records a start with its creation, replacing the pending verification read before the send', async () => {
        const subject = await open();
        const first = await started(subject);
        const second = pendingRecord(subject.keys, { to: first.to });
        const answer = await held(subject, 'start', '{"status":201}', first.to);
        const previous = await subject.store.latestPendingId('acme', 'login', first.to);
        const outcome = await subject.store.create(second, 'hash-2', second.createdAt, answer, previous);
        expect(outcome).toEqual({ kind: 'created', replacedId: first.id });
        expect(await subject.redis.get(answer.key)).toBe('{"status":201}');
        expect(await subject.store.get(first.id)).toMatchObject({ status: 'canceled' });
        expect(await subject.store.latestPendingId('acme', 'login', first.to)).toBe(second.id);
      });

      it('replaces the one that is pending when another start came between the read and the commit', async () => {
        const subject = await open();
        const first = await started(subject);
        const read = await subject.store.latestPendingId('acme', 'login', first.to);
        const between = await started(subject, { to: first.to });
        const third = pendingRecord(subject.keys, { to: first.to });
        const answer = await held(subject, 'start-3', '{"status":201}', first.to);
        const outcome = await subject.store.create(third, 'hash-3', third.createdAt, answer, read);
        expect(outcome).toEqual({ kind: 'created', replacedId: between.id });
        expect(await subject.store.latestPendingId('acme', 'login', first.to)).toBe(third.id);
        expect(await subject.store.get(between.id)).toMatchObject({ status: 'canceled' });
      });
    });

    describe('resending', () => {
      it('waits for the cooldown and answers when to retry', async () => {
        const subject = await open({ resendCooldownMs: 30_000 });
        const record = await started(subject);
        const sent = record.lastSendAt;

        expect(await subject.store.claimResend(record, sent)).toEqual({
          kind: 'cooldown',
          retryAfterMs: 30_000,
        });
        expect(await subject.store.claimResend(record, sent + 10_000)).toEqual({
          kind: 'cooldown',
          retryAfterMs: 20_000,
        });
        expect(await subject.store.claimResend(record, sent + 30_000)).toEqual({
          kind: 'claimed',
          sendIndex: 1,
          claimedAt: sent + 30_000,
          previousSendAt: sent,
        });
        expect(await subject.store.claimResend(record, sent + 30_001)).toEqual({
          kind: 'cooldown',
          retryAfterMs: 29_999,
        });
        expect(await subject.store.get(record.id)).toMatchObject({ sendCount: 2, lastSendAt: sent + 30_000 });
      });

      it('stops at maxSends', async () => {
        const subject = await open({ resendCooldownMs: 0, maxSends: 2 });
        const record = await started(subject);

        expect(await subject.store.claimResend(record, Date.now() + 1)).toMatchObject({
          kind: 'claimed',
          sendIndex: 1,
        });
        expect(await subject.store.claimResend(record, Date.now() + 2)).toEqual({ kind: 'max_sends' });
      });

      it('gives a released claim back, unless a later claim took its place', async () => {
        const subject = await open({ resendCooldownMs: 1_000, maxSends: 5 });
        const record = await started(subject);
        const sent = record.lastSendAt;

        const first = await subject.store.claimResend(record, sent + 1_000);
        if (first.kind !== 'claimed') throw new Error(`expected a claim, got ${first.kind}`);
        await subject.store.releaseResend(record, first);
        expect(await subject.store.get(record.id)).toMatchObject({ sendCount: 1, lastSendAt: sent });
        expect(await subject.store.claimResend(record, sent + 1_000)).toMatchObject({
          kind: 'claimed',
          sendIndex: 1,
        });

        const later = await subject.store.claimResend(record, sent + 2_000);
        expect(later).toMatchObject({ kind: 'claimed', sendIndex: 2 });
        await subject.store.releaseResend(record, first);
        expect(await subject.store.get(record.id)).toMatchObject({ sendCount: 3, lastSendAt: sent + 2_000 });
      });

      it('installs the new code: hash, next code version, the send appended, a later expiry', async () => {
        const subject = await open({ resendCooldownMs: 0 });
        const record = await started(subject, {
          sends: [{ channel: 'sms', messageId: 'msg-1', sentAt: new Date().toISOString() }],
        });
        const claim = await subject.store.claimResend(record, Date.now() + 1);
        if (claim.kind !== 'claimed') throw new Error(`expected a claim, got ${claim.kind}`);

        const now = Date.now();
        const code = {
          hash: 'hash-2',
          messageId: 'msg-2',
          channel: 'voice' as const,
          sentAt: now,
          expiresAt: now + 90_000,
        };
        expect(await subject.store.commitResend(record, code, now)).toEqual({ kind: 'committed' });

        expect(await subject.store.get(record.id)).toEqual({
          ...record,
          codeVersion: 2,
          messageId: 'msg-2',
          expiresAt: now + 90_000,
          sends: [
            ...record.sends,
            { channel: 'voice', messageId: 'msg-2', sentAt: new Date(now).toISOString() },
          ],
          sendCount: 2,
          lastSendAt: claim.claimedAt,
        });
        expect(await subject.store.reserveAttempt(record, Date.now())).toEqual({
          kind: 'reserved',
          hash: 'hash-2',
          codeVersion: 2,
          messageId: 'msg-2',
          attemptsRemaining: 4,
        });
      });

      it('installs nothing once the verification finished or is gone', async () => {
        const subject = await open();
        const record = await started(subject);
        await subject.store.cancel(record, Date.now());
        const now = Date.now();
        const code = {
          hash: 'hash-2',
          messageId: 'msg-2',
          channel: 'sms' as const,
          sentAt: now,
          expiresAt: now + 60_000,
        };

        expect(await subject.store.commitResend(record, code, now)).toEqual({
          kind: 'finished',
          status: 'canceled',
        });
        expect(await subject.store.get(record.id)).toMatchObject({ codeVersion: 1, messageId: 'msg-1' });
        const gone = pendingRecord(subject.keys);
        expect(await subject.store.commitResend(gone, code, now)).toEqual({
          kind: 'finished',
          status: 'expired',
        });
        expect(await subject.store.get(gone.id)).toBeNull();
      });
    });

    describe('canceling', () => {
      it('cancels a pending verification once, and only for its own client', async () => {
        const subject = await open();
        const record = await started(subject);

        expect(await subject.store.cancel({ ...record, clientId: 'globex' }, Date.now())).toEqual({
          kind: 'not_found',
        });
        expect(await subject.store.get(record.id)).toMatchObject({ status: 'pending' });

        const now = Date.now();
        expect(await subject.store.cancel(record, now)).toEqual({ kind: 'canceled' });
        expect(await subject.store.get(record.id)).toMatchObject({ status: 'canceled', finishedAt: now });
        expect(await subject.store.latestPendingId('acme', 'login', record.to)).toBeNull();
        expect(await subject.store.cancel(record, Date.now())).toEqual({
          kind: 'finished',
          status: 'canceled',
        });
        expect(await subject.store.reserveAttempt(record, Date.now())).toEqual({
          kind: 'finished',
          status: 'canceled',
        });
        expect(await subject.store.claimResend(record, Date.now() + 60_000)).toEqual({
          kind: 'finished',
          status: 'canceled',
        });
      });
    });

    describe('another client or an unknown id', () => {
      it('answers not_found to a check, a resend and a cancel, and changes nothing', async () => {
        const subject = await open({ resendCooldownMs: 0 });
        const record = await started(subject);
        const foreign = { ...record, clientId: 'globex' };
        const unknown = pendingRecord(subject.keys);

        for (const ref of [foreign, unknown]) {
          expect(await subject.store.reserveAttempt(ref, Date.now())).toEqual({ kind: 'not_found' });
          expect(await subject.store.claimResend(ref, Date.now() + 1)).toEqual({ kind: 'not_found' });
          expect(await subject.store.cancel(ref, Date.now())).toEqual({ kind: 'not_found' });
        }
        expect(await subject.store.get(record.id)).toEqual(record);
      });
    });

    describe('expiry', () => {
      it('is too late at expiresAt for a check, a resend, an approval and a cancel', async () => {
        const subject = await open({ resendCooldownMs: 0 });
        const record = await started(subject);
        const reserved = await subject.store.reserveAttempt(record, Date.now());
        expect(reserved).toMatchObject({ kind: 'reserved' });
        const at = record.expiresAt;

        expect(await subject.store.reserveAttempt(record, at)).toEqual({
          kind: 'finished',
          status: 'expired',
        });
        expect(await subject.store.claimResend(record, at)).toEqual({ kind: 'finished', status: 'expired' });
        expect(await subject.store.approve(record, 1, at)).toEqual({ kind: 'stale' });
        expect(await subject.store.cancel(record, at)).toEqual({ kind: 'finished', status: 'expired' });
        expect(await subject.store.reject(record, at)).toEqual({
          kind: 'rejected',
          status: 'expired',
          attemptsRemaining: 4,
          ended: false,
        });
        expect(await subject.store.get(record.id)).toMatchObject({ status: 'pending', attempts: 1 });
      });

      it('drops the code and the pending index at the code ttl, and the record after the retention', async () => {
        const subject = await open({ retentionMs: 400 });
        const record = await started(subject, { expiresAt: Date.now() + 200 });

        await sleep(300);
        expect(await subject.store.reserveAttempt(record, Date.now())).toEqual({
          kind: 'finished',
          status: 'expired',
        });
        expect(await subject.store.claimResend(record, Date.now())).toEqual({
          kind: 'finished',
          status: 'expired',
        });
        expect(await subject.store.cancel(record, Date.now())).toEqual({
          kind: 'finished',
          status: 'expired',
        });
        expect(await subject.store.latestPendingId('acme', 'login', record.to)).toBeNull();
        expect(await subject.store.get(record.id)).toMatchObject({ status: 'pending' });

        await sleep(400);
        expect(await subject.store.get(record.id)).toBeNull();
      });

      it('keeps a finished verification for the retention only', async () => {
        const subject = await open({ retentionMs: 200 });
        const record = await started(subject);
        await subject.store.reserveAttempt(record, Date.now());
        await subject.store.approve(record, 1, Date.now());
        expect(await subject.store.get(record.id)).toMatchObject({ status: 'approved' });

        await sleep(300);
        expect(await subject.store.get(record.id)).toBeNull();
      });

      it('gives a resent code a fresh lifetime', async () => {
        const subject = await open({ resendCooldownMs: 0, retentionMs: 60_000 });
        const record = await started(subject, { expiresAt: Date.now() + 200 });
        await sleep(100);
        const now = Date.now();
        const code = {
          hash: 'hash-2',
          messageId: 'msg-2',
          channel: 'sms' as const,
          sentAt: now,
          expiresAt: now + 500,
        };
        expect(await subject.store.commitResend(record, code, now)).toEqual({ kind: 'committed' });

        await sleep(250);
        expect(await subject.store.latestPendingId('acme', 'login', record.to)).toBe(record.id);
        expect(await subject.store.reserveAttempt(record, Date.now())).toMatchObject({
          kind: 'reserved',
          hash: 'hash-2',
        });
      });

      it('forgets failed checks when their window, opened by the first one, closes', async () => {
        const subject = await open({ failedChecksWindowMs: 300, maxFailedChecksPerNumber: 2 });
        const record = await started(subject);
        await subject.store.reserveAttempt(record, Date.now());
        await subject.store.reject(record, Date.now());
        await sleep(200);
        await subject.store.reserveAttempt(record, Date.now());
        await subject.store.reject(record, Date.now());
        expect(await subject.store.failedChecks(record.clientId, record.to)).toBe(2);
        expect(await subject.store.reserveAttempt(record, Date.now())).toMatchObject({ kind: 'locked' });

        await sleep(150);
        expect(await subject.store.failedChecks(record.clientId, record.to)).toBe(0);
        expect(await subject.store.reserveAttempt(record, Date.now())).toMatchObject({ kind: 'reserved' });
      });
    });

    describe('delivery reports', () => {
      const sentAt = new Date().toISOString();
      const at = (ms: number) => new Date(Date.parse('2025-06-01T12:00:00.000Z') + ms).toISOString();
      const report = (status: DeliveryStatus, eventType: string, ms: number, final: boolean) => ({
        status,
        eventType,
        at: at(ms),
        description: eventType.toLowerCase(),
        final,
      });

      async function twoSends(subject: StoreUnderTest): Promise<VerificationRecord> {
        return started(subject, {
          messageId: 'msg-2',
          sends: [
            { channel: 'sms', messageId: 'msg-1', sentAt },
            { channel: 'voice', messageId: 'msg-2', sentAt },
          ],
        });
      }

      it('keeps a report on the send attempt of its message, and says whether that message is the latest', async () => {
        const subject = await open();
        const record = await twoSends(subject);
        const failed = report('failed', 'TEXT_UNREACHABLE', 10, true);
        expect(await subject.store.recordDelivery(record.id, 'msg-1', failed)).toEqual({
          kind: 'recorded',
          sendIndex: 0,
          latest: false,
        });
        const ringing = report('pending', 'VOICE_RINGING', 20, false);
        expect(await subject.store.recordDelivery(record.id, 'msg-2', ringing)).toEqual({
          kind: 'recorded',
          sendIndex: 1,
          latest: true,
        });
        const read = (await subject.store.get(record.id))!;
        expect(read.sends.map((s) => s.delivery)).toEqual([failed, ringing]);
        expect({ ...read, sends: record.sends }).toEqual(record);
      });

      it('never lets a non-final report replace a final one, nor an older one a newer one', async () => {
        const subject = await open();
        const record = await twoSends(subject);
        const put = (r: ReturnType<typeof report>) => subject.store.recordDelivery(record.id, 'msg-1', r);

        expect((await put(report('pending', 'TEXT_SUCCESSFUL', 20, false))).kind).toBe('recorded');
        expect((await put(report('pending', 'TEXT_QUEUED', 10, false))).kind).toBe('stale');
        expect((await put(report('pending', 'TEXT_SUCCESSFUL', 20, false))).kind).toBe('stale');
        // A final report wins even when its timestamp is older.
        expect((await put(report('delivered', 'TEXT_DELIVERED', 15, true))).kind).toBe('recorded');
        expect((await put(report('pending', 'TEXT_SUCCESSFUL', 99, false))).kind).toBe('stale');
        expect((await put(report('failed', 'TEXT_UNKNOWN', 14, true))).kind).toBe('stale');
        expect((await put(report('failed', 'TEXT_UNKNOWN', 16, true))).kind).toBe('recorded');
        expect((await subject.store.get(record.id))!.sends[0].delivery).toEqual(
          report('failed', 'TEXT_UNKNOWN', 16, true),
        );
      });

      it('answers unknown for another message or verification, and finds a verification by message id', async () => {
        const subject = await open();
        const record = await twoSends(subject);
        const r = report('delivered', 'TEXT_DELIVERED', 1, true);
        expect(await subject.store.recordDelivery(record.id, 'msg-x', r)).toEqual({ kind: 'unknown' });
        const unknownId = subject.keys.newId(record.to);
        expect(await subject.store.recordDelivery(unknownId, 'msg-1', r)).toEqual({ kind: 'unknown' });
        expect(await subject.store.verificationIdFor('msg-2')).toBe(record.id);
        // The index in the record's own slot, written by the record's script, found when the event names the number.
        await subject.redis.del(subject.keys.messageLookup('msg-2'));
        expect(await subject.store.verificationIdFor('msg-2', record.to)).toBe(record.id);
        expect(await subject.store.verificationIdFor('msg-unknown')).toBeNull();
        expect(await subject.store.verificationIdFor('msg-unknown', record.to)).toBeNull();

        const now = Date.now();
        const code = {
          hash: 'h',
          messageId: 'msg-3',
          channel: 'voice' as const,
          sentAt: now,
          expiresAt: now + 60_000,
        };
        await subject.store.commitResend(record, code, now);
        expect(await subject.store.verificationIdFor('msg-3')).toBe(record.id);
      });

      it('records one of a concurrent burst of the same report, and finds the rest stale', async () => {
        const subject = await open();
        const record = await twoSends(subject);
        const outcomes = await Promise.all(
          Array.from({ length: 20 }, () =>
            subject.store.recordDelivery(record.id, 'msg-1', report('failed', 'TEXT_UNREACHABLE', 5, true)),
          ),
        );
        expect(outcomes.filter((o) => o.kind === 'recorded')).toHaveLength(1);
      });
    });

    describe('the automatic voice fallback', () => {
      it('skips the cooldown, keeps the send budget, and succeeds once per verification', async () => {
        const subject = await open({ maxSends: 3, resendCooldownMs: 30_000 });
        const record = await started(subject);
        const now = record.lastSendAt + 1;
        expect(await subject.store.claimResend(record, now)).toMatchObject({ kind: 'cooldown' });
        const claim = await subject.store.claimResend(record, now, { fallback: true });
        expect(claim).toMatchObject({ kind: 'claimed', sendIndex: 1 });
        expect((await subject.store.get(record.id))!.fallbackAt).toBe(now);
        expect(await subject.store.claimResend(record, now + 1, { fallback: true })).toEqual({
          kind: 'fallback_used',
        });
      });

      it('gives the mark back with a failed send, so a retry may call; concurrent claims take it once', async () => {
        const subject = await open({ maxSends: 5 });
        const record = await started(subject);
        const now = record.lastSendAt + 1;
        const claim = await subject.store.claimResend(record, now, { fallback: true });
        if (claim.kind !== 'claimed') throw new Error('expected a claim');
        await subject.store.releaseResend(record, claim, { fallback: true });
        expect((await subject.store.get(record.id))!.fallbackAt).toBeUndefined();

        const claims = await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            subject.store.claimResend(record, now + 10 + i, { fallback: true }),
          ),
        );
        expect(claims.filter((c) => c.kind === 'claimed')).toHaveLength(1);
      });

      it('respects the send budget', async () => {
        const subject = await open({ maxSends: 1 });
        const record = await started(subject);
        expect(await subject.store.claimResend(record, record.lastSendAt + 1, { fallback: true })).toEqual({
          kind: 'max_sends',
        });
      });
    });

    describe('concurrency', () => {
      it('approves exactly one of 50 concurrent checks of the right code', async () => {
        const subject = await open();
        const record = await started(subject, { maxAttempts: 50 });

        const kinds = await Promise.all(
          Array.from({ length: 50 }, async () => {
            const reserved = await subject.store.reserveAttempt(record, Date.now());
            if (reserved.kind !== 'reserved') return reserved.kind;
            return (await subject.store.approve(record, reserved.codeVersion, Date.now())).kind;
          }),
        );

        expect(kinds).toHaveLength(50);
        expect(tally(kinds).approved).toBe(1);
        expect(await subject.store.get(record.id)).toMatchObject({ status: 'approved' });
      });

      it('hands out exactly maxAttempts of 200 concurrent reservations', async () => {
        const subject = await open();
        const record = await started(subject, { maxAttempts: 5 });

        const outcomes = await Promise.all(
          Array.from({ length: 200 }, () => subject.store.reserveAttempt(record, Date.now())),
        );

        expect(tally(outcomes.map((o) => o.kind))).toEqual({ reserved: 5, exhausted: 195 });
        const remaining = outcomes.flatMap((o) => (o.kind === 'reserved' ? [o.attemptsRemaining] : []));
        expect(remaining.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4]);
        expect(await subject.store.get(record.id)).toMatchObject({ attempts: 5 });
      });
    });
  });
}
