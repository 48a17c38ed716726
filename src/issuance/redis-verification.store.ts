import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { LuaScripts } from '../redis/lua-scripts';
import {
  ApproveOutcome,
  CancelOutcome,
  ClaimOutcome,
  CommitOutcome,
  CreateOutcome,
  DeliveryOutcome,
  NewCode,
  RecordedAnswer,
  RejectOutcome,
  ReserveOutcome,
  ResendOptions,
  StorePolicy,
  VerificationRef,
  VerificationStore,
} from './verification-store';
import { VerificationKeys } from './verification-keys';
import { DeliveryReport, StoredStatus, VerificationRecord, VerificationStatus } from '../core/verification';
import { storeCall } from '../redis/store-errors';

type Reply = string[];

/** Concurrent starts for one number each move its pending index; a start rereads it at most this often. */
const MAX_CREATE_ATTEMPTS = 10;
type ScriptName =
  | 'create'
  | 'reserve-attempt'
  | 'approve'
  | 'reject'
  | 'claim-resend'
  | 'release-resend'
  | 'commit-resend'
  | 'cancel'
  | 'record-delivery';
const SCRIPT_KEYS: Record<ScriptName, number> = {
  create: 7,
  'reserve-attempt': 3,
  approve: 4,
  reject: 5,
  'claim-resend': 1,
  'release-resend': 1,
  'commit-resend': 5,
  cancel: 3,
  'record-delivery': 1,
};

/**
 * The record as hash fields. `sends` is a JSON array of the send attempts without their delivery reports; each
 * send is indexed by its message id (`send:<messageId>`), and its report lives in `delivery:<i>` with its finality
 * and time beside it, so the scripts update one send without a JSON library.
 */
function toFields(record: VerificationRecord): string[] {
  const fields: Record<string, string | number | undefined> = {
    ...record,
    sends: JSON.stringify(record.sends.map(({ delivery: _delivery, ...send }) => send)),
    sendsLength: record.sends.length,
    context: record.context && JSON.stringify(record.context),
  };
  record.sends.forEach((send, i) => {
    fields[`send:${send.messageId}`] = i;
    if (send.delivery) Object.assign(fields, deliveryFields(i, send.delivery));
  });
  return Object.entries(fields).flatMap(([k, v]) => (v === undefined ? [] : [k, String(v)]));
}

function deliveryFields(i: number, report: DeliveryReport): Record<string, string> {
  return {
    [`delivery:${i}`]: JSON.stringify(report),
    [`deliveryFinal:${i}`]: report.final ? '1' : '0',
    [`deliveryAt:${i}`]: report.at,
  };
}

function sendsOf(h: Record<string, string>): VerificationRecord['sends'] {
  const sends = JSON.parse(h.sends) as VerificationRecord['sends'];
  return sends.map((send, i) => {
    const delivery = h[`delivery:${i}`];
    return delivery === undefined ? send : { ...send, delivery: JSON.parse(delivery) as DeliveryReport };
  });
}

function fromFields(id: string, h: Record<string, string>): VerificationRecord {
  return {
    id,
    clientId: h.clientId,
    to: h.to,
    country: h.country,
    purpose: h.purpose,
    channel: h.channel as VerificationRecord['channel'],
    status: h.status as StoredStatus,
    locale: h.locale,
    templateId: h.templateId,
    voiceId: h.voiceId,
    codeLength: h.codeLength === undefined ? undefined : Number(h.codeLength),
    context: h.context === undefined ? undefined : (JSON.parse(h.context) as Record<string, string>),
    createdAt: Number(h.createdAt),
    expiresAt: Number(h.expiresAt),
    finishedAt: h.finishedAt === undefined ? undefined : Number(h.finishedAt),
    attempts: Number(h.attempts),
    failures: Number(h.failures),
    maxAttempts: Number(h.maxAttempts),
    codeVersion: Number(h.codeVersion),
    messageId: h.messageId,
    sends: sendsOf(h),
    sendCount: Number(h.sendCount),
    lastSendAt: Number(h.lastSendAt),
    fallbackAt: h.fallbackAt === undefined ? undefined : Number(h.fallbackAt),
  };
}

export class RedisVerificationStore extends VerificationStore {
  private readonly logger = new Logger(RedisVerificationStore.name);
  private readonly scripts: LuaScripts<ScriptName>;

  constructor(
    private readonly redis: Redis,
    private readonly keys: VerificationKeys,
    private readonly policy: StorePolicy,
  ) {
    super();
    this.scripts = new LuaScripts(redis, 'otp', join(__dirname, 'lua'), SCRIPT_KEYS, { library: 'lib' });
  }

  private run(name: ScriptName, keys: string[], args: (string | number)[], outcome?: string): Promise<Reply> {
    return this.scripts.run<Reply>(name, keys, args, outcome);
  }

  /** The idempotency key and its ARGV for a script that may record an answer; without one, the record's key. */
  private answerArgs(ref: VerificationRef, answer?: RecordedAnswer): [string, (string | number)[]] {
    if (!answer) return [this.keys.record(ref.id), ['', '', 0]];
    return [answer.key, [answer.held, answer.entry, answer.ttlMs]];
  }

  /**
   * Two steps, as a script may touch only the keys it is given: which verification is pending for the number
   * (`previous`, as the start read it before its send, or read here), then the script with that one's keys, which
   * also records the start's answer under its Idempotency-Key. The script refuses if the index changed in between (a
   * concurrent start for the number), and the read is done again.
   */
  async create(
    record: VerificationRecord,
    codeHash: string,
    now: number,
    answer?: RecordedAnswer,
    previous?: string | null,
  ): Promise<CreateOutcome> {
    const { id, clientId, purpose, to } = record;
    const index = this.keys.pending(clientId, purpose, to);
    const codeTtl = record.expiresAt - now;
    if (codeTtl <= 0) throw new RangeError('a verification must expire in the future');
    const fields = toFields(record);
    const [answerKey, answerArgv] = this.answerArgs(record, answer);
    let known = previous;
    for (let attempt = 0; attempt < MAX_CREATE_ATTEMPTS; attempt++) {
      const current = known !== undefined ? (known ?? '') : ((await storeCall(this.redis.get(index))) ?? '');
      known = undefined;
      // Only an id of this number's tag names keys of this slot; anything else is overwritten, not finished.
      const replaces =
        VerificationKeys.isId(current) && current.slice(2, 6) === id.slice(2, 6) ? current : id;
      const reply = await this.run(
        'create',
        [
          this.keys.record(id),
          this.keys.codeHash(id),
          index,
          this.keys.record(replaces),
          this.keys.codeHash(replaces),
          this.keys.messageIndex(to, record.messageId),
          answerKey,
        ],
        [
          id,
          current,
          codeHash,
          codeTtl,
          codeTtl + this.policy.retentionMs,
          now,
          this.policy.retentionMs,
          ...answerArgv,
          ...fields,
        ],
        'the verification',
      );
      if (reply[0] !== 'created') continue;
      // The verification (and its answer) are stored: the lookup by message id alone never fails the start.
      await this.writeLookup(record.messageId, id, codeTtl + this.policy.retentionMs);
      return { kind: 'created', replacedId: reply[1] || undefined };
    }
    throw new Error(
      `the pending verification of a number changed ${MAX_CREATE_ATTEMPTS} times during one start`,
    );
  }

  async get(id: string): Promise<VerificationRecord | null> {
    if (!VerificationKeys.isId(id)) return null;
    const h = await storeCall(this.redis.hgetall(this.keys.record(id)));
    return h.clientId === undefined ? null : fromFields(id, h);
  }

  async latestPendingId(clientId: string, purpose: string, to: string): Promise<string | null> {
    return storeCall(this.redis.get(this.keys.pending(clientId, purpose, to)));
  }

  async reserveAttempt(ref: VerificationRef, now: number): Promise<ReserveOutcome> {
    const r = await this.run(
      'reserve-attempt',
      [this.keys.record(ref.id), this.keys.codeHash(ref.id), this.keys.failedChecks(ref.clientId, ref.to)],
      [ref.clientId, now, this.policy.maxFailedChecksPerNumber],
    );
    switch (r[0]) {
      case 'reserved':
        return {
          kind: 'reserved',
          hash: r[1],
          codeVersion: Number(r[2]),
          messageId: r[3],
          attemptsRemaining: Number(r[4]),
        };
      case 'finished':
        return { kind: 'finished', status: r[1] as VerificationStatus };
      case 'locked':
        return { kind: 'locked', attemptsRemaining: Number(r[1]) };
      case 'exhausted':
        return { kind: 'exhausted' };
      default:
        return { kind: 'not_found' };
    }
  }

  async approve(
    ref: VerificationRef,
    codeVersion: number,
    now: number,
    answer?: RecordedAnswer,
  ): Promise<ApproveOutcome> {
    const [answerKey, answerArgv] = this.answerArgs(ref, answer);
    const r = await this.run(
      'approve',
      [...this.lifecycleKeys(ref), answerKey],
      [ref.id, codeVersion, now, this.policy.retentionMs, ...answerArgv],
      'the approval',
    );
    return r[0] === 'approved' ? { kind: 'approved', messageId: r[1] } : { kind: 'stale' };
  }

  async reject(ref: VerificationRef, now: number, answer?: RecordedAnswer): Promise<RejectOutcome> {
    const [record, codeHash, index] = this.lifecycleKeys(ref);
    const [answerKey, answerArgv] = this.answerArgs(ref, answer);
    const r = await this.run(
      'reject',
      [record, codeHash, this.keys.failedChecks(ref.clientId, ref.to), index, answerKey],
      [ref.id, now, this.policy.retentionMs, this.policy.failedChecksWindowMs, ...answerArgv],
      'the check',
    );
    return {
      kind: 'rejected',
      status: r[1] as VerificationStatus,
      attemptsRemaining: Number(r[2]),
      ended: r[3] === '1',
    };
  }

  async claimResend(ref: VerificationRef, now: number, options: ResendOptions = {}): Promise<ClaimOutcome> {
    const r = await this.run(
      'claim-resend',
      [this.keys.record(ref.id)],
      [ref.clientId, now, this.policy.resendCooldownMs, this.policy.maxSends, options.fallback ? '1' : '0'],
    );
    switch (r[0]) {
      case 'claimed':
        return { kind: 'claimed', sendIndex: Number(r[1]), claimedAt: now, previousSendAt: Number(r[2]) };
      case 'finished':
        return { kind: 'finished', status: r[1] as VerificationStatus };
      case 'cooldown':
        return { kind: 'cooldown', retryAfterMs: Number(r[1]) };
      case 'max_sends':
        return { kind: 'max_sends' };
      case 'fallback_used':
        return { kind: 'fallback_used' };
      default:
        return { kind: 'not_found' };
    }
  }

  async releaseResend(
    ref: VerificationRef,
    claim: { claimedAt: number; previousSendAt: number },
    options: ResendOptions = {},
  ): Promise<void> {
    await this.run(
      'release-resend',
      [this.keys.record(ref.id)],
      [claim.claimedAt, claim.previousSendAt, options.fallback ? '1' : '0'],
    );
  }

  async commitResend(
    ref: VerificationRef,
    code: NewCode,
    now: number,
    answer?: RecordedAnswer,
  ): Promise<CommitOutcome> {
    const send = {
      channel: code.channel,
      messageId: code.messageId,
      sentAt: new Date(code.sentAt).toISOString(),
    };
    const codeTtl = code.expiresAt - now;
    if (codeTtl <= 0) throw new RangeError('a code must expire in the future');
    const [answerKey, answerArgv] = this.answerArgs(ref, answer);
    const r = await this.run(
      'commit-resend',
      [...this.lifecycleKeys(ref), this.keys.messageIndex(ref.to, code.messageId), answerKey],
      [
        ref.id,
        code.hash,
        codeTtl,
        JSON.stringify(send),
        code.messageId,
        code.expiresAt,
        codeTtl + this.policy.retentionMs,
        now,
        ...answerArgv,
      ],
      'the new code',
    );
    if (r[0] !== 'committed') return { kind: 'finished', status: r[1] as VerificationStatus };
    await this.writeLookup(code.messageId, ref.id, codeTtl + this.policy.retentionMs);
    return { kind: 'committed' };
  }

  async cancel(ref: VerificationRef, now: number): Promise<CancelOutcome> {
    const r = await this.run('cancel', this.lifecycleKeys(ref), [
      ref.clientId,
      ref.id,
      now,
      this.policy.retentionMs,
    ]);
    if (r[0] === 'canceled') return { kind: 'canceled' };
    if (r[0] === 'finished') return { kind: 'finished', status: r[1] as VerificationStatus };
    return { kind: 'not_found' };
  }

  /** Record, code hash and pending index: the keys every state change of a verification touches. */
  private lifecycleKeys(ref: VerificationRef): [string, string, string] {
    return [
      this.keys.record(ref.id),
      this.keys.codeHash(ref.id),
      this.keys.pending(ref.clientId, ref.purpose, ref.to),
    ];
  }

  async failedChecks(clientId: string, to: string): Promise<number> {
    return Number((await storeCall(this.redis.get(this.keys.failedChecks(clientId, to)))) ?? 0);
  }

  async forgetFailedChecks(clientId: string, to: string): Promise<void> {
    await storeCall(this.redis.del(this.keys.failedChecks(clientId, to)));
  }

  async recordDelivery(id: string, messageId: string, report: DeliveryReport): Promise<DeliveryOutcome> {
    if (!VerificationKeys.isId(id)) return { kind: 'unknown' };
    const r = await this.run(
      'record-delivery',
      [this.keys.record(id)],
      [messageId, JSON.stringify(report), report.final ? '1' : '0', report.at],
    );
    if (r[0] === 'recorded') return { kind: 'recorded', sendIndex: Number(r[1]), latest: r[2] === '1' };
    return r[0] === 'stale' ? { kind: 'stale' } : { kind: 'unknown' };
  }

  async verificationIdFor(messageId: string, to?: string): Promise<string | null> {
    const inSlot =
      to === undefined ? null : await storeCall(this.redis.get(this.keys.messageIndex(to, messageId)));
    return inSlot ?? storeCall(this.redis.get(this.keys.messageLookup(messageId)));
  }

  /**
   * The message-id lookup of another slot, for events that name only the message id. Written after the record, and
   * never failing the send that went out: if it cannot be written, only such events of this message go unmatched.
   */
  private async writeLookup(messageId: string, id: string, ttlMs: number): Promise<void> {
    try {
      await this.redis.set(this.keys.messageLookup(messageId), id, 'PX', ttlMs);
    } catch (error) {
      this.logger.warn(
        { verificationId: id, err: error instanceof Error ? error.message : String(error) },
        'Message id lookup not written: delivery events naming only this message id will not find it',
      );
    }
  }
}
