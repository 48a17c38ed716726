import {
  ApproveOutcome,
  CancelOutcome,
  ClaimOutcome,
  CommitOutcome,
  CreateOutcome,
  DeliveryOutcome,
  NewCode,
  RejectOutcome,
  ReserveOutcome,
  ResendOptions,
  StorePolicy,
  VerificationRef,
  VerificationStore,
} from './verification-store';
import { DeliveryReport, StoredStatus, VerificationRecord, VerificationStatus } from './verification';

const SWEEP_INTERVAL_MS = 30_000;

/** A map whose entries expire like Redis keys: a TTL in ms, kept across updates, removed lazily or by `sweep`. */
class ExpiringMap<V> {
  private readonly entries = new Map<string, { value: V; deadline: number }>();

  constructor(private readonly clock: () => number) {}

  get(key: string): V | undefined {
    return this.live(key)?.value;
  }

  /** SET ... PX ttl */
  set(key: string, value: V, ttlMs: number): void {
    this.entries.set(key, { value, deadline: this.clock() + ttlMs });
  }

  /** Overwrites the value and keeps the TTL, as INCR does. */
  replace(key: string, value: V): void {
    const entry = this.live(key);
    if (entry) entry.value = value;
  }

  /** PEXPIRE: a TTL that is not positive deletes the entry. */
  expire(key: string, ttlMs: number): void {
    const entry = this.live(key);
    if (!entry) return;
    if (ttlMs > 0) entry.deadline = this.clock() + ttlMs;
    else this.entries.delete(key);
  }

  /** DEL: whether a live entry was there. */
  delete(key: string): boolean {
    return this.live(key) !== undefined && this.entries.delete(key);
  }

  sweep(): void {
    const now = this.clock();
    for (const [key, entry] of this.entries) if (entry.deadline <= now) this.entries.delete(key);
  }

  private live(key: string): { value: V; deadline: number } | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.deadline <= this.clock()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }
}

/**
 * The verification store in process memory, for running without Redis. Each method mirrors its Lua script step for
 * step and runs without awaiting, so on Node's single thread it is as atomic as the script; keys expire as their
 * Redis twins do. Records are copied in and out: a caller cannot change stored state behind the store's back.
 */
export class MemoryVerificationStore extends VerificationStore {
  private readonly records: ExpiringMap<VerificationRecord>;
  private readonly codeHashes: ExpiringMap<string>;
  private readonly pendingIds: ExpiringMap<string>;
  private readonly failedCounts: ExpiringMap<number>;
  private readonly messageIndex: ExpiringMap<string>;
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly policy: StorePolicy,
    now: () => number = Date.now,
  ) {
    super();
    this.records = new ExpiringMap(now);
    this.codeHashes = new ExpiringMap(now);
    this.pendingIds = new ExpiringMap(now);
    this.failedCounts = new ExpiringMap(now);
    this.messageIndex = new ExpiringMap(now);
    this.sweeper = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS).unref();
  }

  close(): void {
    clearInterval(this.sweeper);
  }

  async create(record: VerificationRecord, codeHash: string, now: number): Promise<CreateOutcome> {
    const codeTtl = positiveTtl(record.expiresAt - now);
    const index = pendingKey(record);
    const previous = this.pendingIds.get(index) ?? '';
    let replacedId: string | undefined;
    if (previous) {
      const prev = this.records.get(previous);
      if (prev?.status === 'pending' && prev.expiresAt > now) {
        this.finish(prev, 'canceled', now, record);
        replacedId = previous;
      }
    }
    this.records.set(record.id, structuredClone(record), codeTtl + this.policy.retentionMs);
    this.codeHashes.set(record.id, codeHash, codeTtl);
    this.pendingIds.set(index, record.id, codeTtl);
    this.messageIndex.set(record.messageId, record.id, codeTtl + this.policy.retentionMs);
    return { kind: 'created', replacedId };
  }

  async get(id: string): Promise<VerificationRecord | null> {
    const record = this.records.get(id);
    return record ? structuredClone(record) : null;
  }

  async latestPendingId(clientId: string, purpose: string, to: string): Promise<string | null> {
    return this.pendingIds.get(pendingKey({ clientId, purpose, to })) ?? null;
  }

  async reserveAttempt(ref: VerificationRef, now: number): Promise<ReserveOutcome> {
    const record = this.records.get(ref.id);
    if (!record || record.clientId !== ref.clientId) return { kind: 'not_found' };
    if (record.status !== 'pending') return { kind: 'finished', status: record.status };
    const hash = this.codeHashes.get(ref.id);
    if (now >= record.expiresAt || hash === undefined) return { kind: 'finished', status: 'expired' };
    if ((this.failedCounts.get(ref.to) ?? 0) >= this.policy.maxFailedChecksPerNumber) {
      return { kind: 'locked', attemptsRemaining: Math.max(0, record.maxAttempts - record.attempts) };
    }
    if (record.attempts >= record.maxAttempts) return { kind: 'exhausted' };
    record.attempts += 1;
    return {
      kind: 'reserved',
      hash,
      codeVersion: record.codeVersion,
      messageId: record.messageId,
      attemptsRemaining: record.maxAttempts - record.attempts,
    };
  }

  async approve(ref: VerificationRef, codeVersion: number, now: number): Promise<ApproveOutcome> {
    const record = this.records.get(ref.id);
    if (record?.status !== 'pending' || record.codeVersion !== codeVersion || now >= record.expiresAt) {
      return { kind: 'stale' };
    }
    if (!this.codeHashes.delete(ref.id)) return { kind: 'stale' };
    this.finish(record, 'approved', now, ref);
    return { kind: 'approved', messageId: record.messageId };
  }

  async reject(ref: VerificationRef, now: number): Promise<RejectOutcome> {
    const count = (this.failedCounts.get(ref.to) ?? 0) + 1;
    if (count === 1) this.failedCounts.set(ref.to, count, this.policy.failedChecksWindowMs);
    else this.failedCounts.replace(ref.to, count);
    const record = this.records.get(ref.id);
    if (!record) return { kind: 'rejected', status: 'expired', attemptsRemaining: 0, ended: false };
    record.failures += 1;
    let status: VerificationStatus = record.status;
    let ended = false;
    if (status === 'pending' && now >= record.expiresAt) {
      status = 'expired';
    } else if (status === 'pending' && record.failures >= record.maxAttempts) {
      status = 'failed';
      ended = true;
      this.finish(record, 'failed', now, ref);
    }
    const attemptsRemaining = Math.max(0, record.maxAttempts - record.attempts);
    return { kind: 'rejected', status, attemptsRemaining, ended };
  }

  async claimResend(ref: VerificationRef, now: number, options: ResendOptions = {}): Promise<ClaimOutcome> {
    const record = this.records.get(ref.id);
    if (!record || record.clientId !== ref.clientId) return { kind: 'not_found' };
    if (record.status !== 'pending') return { kind: 'finished', status: record.status };
    if (now >= record.expiresAt) return { kind: 'finished', status: 'expired' };
    if (options.fallback && record.fallbackAt !== undefined) return { kind: 'fallback_used' };
    if (record.sendCount >= this.policy.maxSends) return { kind: 'max_sends' };
    if (options.fallback) {
      record.fallbackAt = now;
    } else {
      const wait = record.lastSendAt + this.policy.resendCooldownMs - now;
      if (wait > 0) return { kind: 'cooldown', retryAfterMs: wait };
    }
    const claim = {
      kind: 'claimed',
      sendIndex: record.sendCount,
      claimedAt: now,
      previousSendAt: record.lastSendAt,
    } as const;
    record.lastSendAt = now;
    record.sendCount += 1;
    return claim;
  }

  async releaseResend(
    ref: VerificationRef,
    claim: { claimedAt: number; previousSendAt: number },
    options: ResendOptions = {},
  ): Promise<void> {
    const record = this.records.get(ref.id);
    if (record?.lastSendAt !== claim.claimedAt) return;
    record.lastSendAt = claim.previousSendAt;
    record.sendCount -= 1;
    if (options.fallback && record.fallbackAt === claim.claimedAt) delete record.fallbackAt;
  }

  async commitResend(ref: VerificationRef, code: NewCode, now: number): Promise<CommitOutcome> {
    const codeTtl = positiveTtl(code.expiresAt - now);
    const record = this.records.get(ref.id);
    if (!record) return { kind: 'finished', status: 'expired' };
    if (record.status !== 'pending') return { kind: 'finished', status: record.status };
    // Expired while the message was on its way: it must not come back to life beside a newer verification.
    if (now >= record.expiresAt) return { kind: 'finished', status: 'expired' };
    record.sends.push({
      channel: code.channel,
      messageId: code.messageId,
      sentAt: new Date(code.sentAt).toISOString(),
    });
    record.messageId = code.messageId;
    record.expiresAt = code.expiresAt;
    record.codeVersion += 1;
    this.codeHashes.set(ref.id, code.hash, codeTtl);
    this.records.expire(ref.id, codeTtl + this.policy.retentionMs);
    const index = pendingKey(ref);
    if (this.pendingIds.get(index) === ref.id) this.pendingIds.expire(index, codeTtl);
    this.messageIndex.set(code.messageId, ref.id, codeTtl + this.policy.retentionMs);
    return { kind: 'committed' };
  }

  async cancel(ref: VerificationRef, now: number): Promise<CancelOutcome> {
    const record = this.records.get(ref.id);
    if (!record || record.clientId !== ref.clientId) return { kind: 'not_found' };
    if (record.status !== 'pending') return { kind: 'finished', status: record.status };
    if (now >= record.expiresAt) return { kind: 'finished', status: 'expired' };
    this.finish(record, 'canceled', now, ref);
    return { kind: 'canceled' };
  }

  async failedChecks(to: string): Promise<number> {
    return this.failedCounts.get(to) ?? 0;
  }

  async forgetFailedChecks(to: string): Promise<void> {
    this.failedCounts.delete(to);
  }

  async recordDelivery(id: string, messageId: string, report: DeliveryReport): Promise<DeliveryOutcome> {
    const record = this.records.get(id);
    const sendIndex = record?.sends.findIndex((send) => send.messageId === messageId) ?? -1;
    if (!record || sendIndex < 0) return { kind: 'unknown' };
    const send = record.sends[sendIndex];
    const kept = send.delivery;
    if (kept?.final && !report.final) return { kind: 'stale' };
    if (kept && kept.final === report.final && kept.at >= report.at) return { kind: 'stale' };
    send.delivery = structuredClone(report);
    return { kind: 'recorded', sendIndex, latest: record.messageId === messageId };
  }

  async verificationIdFor(messageId: string): Promise<string | null> {
    return this.messageIndex.get(messageId) ?? null;
  }

  /**
   * The code stops working and the record stays for the retention. The pending index is the caller's (`ref`), as in
   * the scripts, which build that key from the request rather than from the record.
   */
  private finish(
    record: VerificationRecord,
    status: Exclude<StoredStatus, 'pending'>,
    now: number,
    ref: VerificationRef,
  ): void {
    record.status = status;
    record.finishedAt = now;
    this.codeHashes.delete(record.id);
    const index = pendingKey(ref);
    if (this.pendingIds.get(index) === record.id) this.pendingIds.delete(index);
    this.records.expire(record.id, this.policy.retentionMs);
  }

  private sweep(): void {
    for (const map of [
      this.records,
      this.codeHashes,
      this.pendingIds,
      this.failedCounts,
      this.messageIndex,
    ]) {
      map.sweep();
    }
  }
}

function pendingKey({ clientId, purpose, to }: Pick<VerificationRef, 'clientId' | 'purpose' | 'to'>): string {
  return JSON.stringify([clientId, purpose, to]);
}

/** Redis refuses `SET ... PX` with a TTL that is not positive; refuse it too, before anything changes. */
function positiveTtl(ttlMs: number): number {
  if (!(ttlMs > 0)) throw new RangeError('the code must expire after now');
  return ttlMs;
}
