import { createHash, randomBytes, randomInt } from 'node:crypto';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { LuaScripts } from '../redis/lua-scripts';
import { ClaimedJob, DEFAULT_DEDUP_TTL_MS, EnqueueOutcome, NewJob, OutboxStore } from './outbox-store';
import { storeCall } from '../redis/store-errors';

/** Reads of due ids per claim: a claim that keeps losing races to other workers gives up after this many. */
const MAX_CLAIM_ROUNDS = 10;

type ScriptName = 'enqueue' | 'claim' | 'complete' | 'reschedule';
const SCRIPT_KEYS: Record<ScriptName, number> = { enqueue: 3, claim: 2, complete: 2, reschedule: 2 };

/**
 * One hash tag of the outbox: its due set, its job hashes and its dedup keys share one cluster slot, so each script
 * touches one slot. A job's id names its shard (`<shard>.<hex>`), so completing or rescheduling it needs nothing
 * else. `{outbox}` is the single tag of the layout before shards: its jobs (ids without a shard) are still claimed,
 * and no new job goes there.
 */
class Shard {
  private constructor(private readonly tag: string) {}

  static numbered(n: number): Shard {
    return new Shard(`outbox:${n}`);
  }

  static readonly legacy = new Shard('outbox');

  static ofJob(id: string): Shard {
    const dot = id.indexOf('.');
    return dot < 0 ? Shard.legacy : Shard.numbered(Number(id.slice(0, dot)));
  }

  get due(): string {
    return `ob:{${this.tag}}:due`;
  }

  job(id: string): string {
    return `ob:{${this.tag}}:j:${id}`;
  }

  dedup(key: string): string {
    return `ob:{${this.tag}}:d:${key}`;
  }
}

/**
 * The outbox on Redis, spread over `shards` hash tags (OUTBOX_SHARDS) so that no one cluster slot carries all of it
 * and a slot that is migrating or down stalls only its share of the jobs. A job with a dedup key goes to the shard
 * its key hashes to (so a repeat meets the first), any other to a random one. Claiming is two steps: read the due
 * ids of every shard, then lease each with a script given that job's keys (atomic per job, so each is leased once
 * however many workers saw it due). Each claim starts at the next shard in turn, so a small batch limit still
 * reaches every shard.
 */
export class RedisOutboxStore extends OutboxStore {
  private readonly logger = new Logger('Outbox');
  private readonly scripts: LuaScripts<ScriptName>;
  private readonly shards: Shard[];
  private next = 0;

  constructor(
    private readonly redis: Redis,
    private readonly shardCount = 16,
  ) {
    super();
    this.scripts = new LuaScripts(redis, 'outbox', join(__dirname, 'lua'), SCRIPT_KEYS);
    this.shards = [...Array.from({ length: shardCount }, (_, n) => Shard.numbered(n)), Shard.legacy];
  }

  private run<T>(name: ScriptName, keys: string[], args: (string | number)[]): Promise<T> {
    return this.scripts.run<T>(name, keys, args);
  }

  private shardFor(dedupKey: string | undefined): number {
    if (dedupKey === undefined) return randomInt(this.shardCount);
    return createHash('sha256').update(dedupKey).digest().readUInt32BE(0) % this.shardCount;
  }

  async enqueue(job: NewJob, now: number): Promise<EnqueueOutcome> {
    const n = this.shardFor(job.dedupKey);
    const shard = Shard.numbered(n);
    const id = `${n}.${randomBytes(12).toString('hex')}`;
    const reply = await this.run<string[]>(
      'enqueue',
      [shard.due, shard.job(id), job.dedupKey === undefined ? shard.job(id) : shard.dedup(job.dedupKey)],
      [
        id,
        job.type,
        JSON.stringify(job.payload ?? null),
        job.runAt ?? now,
        job.dedupTtlMs ?? DEFAULT_DEDUP_TTL_MS,
        job.dedupKey === undefined ? '0' : '1',
        now,
      ],
    );
    return reply[0] === 'enqueued' ? { kind: 'enqueued', id } : { kind: 'duplicate' };
  }

  /**
   * Up to `limit` due jobs, taken from the shards in turn. Jobs another worker leased between the read and the lease
   * are no longer due, so a claim that lost some reads again, until it has `limit` or nothing is due. A shard that
   * fails (down, migrating) is skipped and logged; the claim fails only when no shard answers.
   */
  async claim(now: number, limit: number, leaseMs: number): Promise<ClaimedJob[]> {
    const start = this.next;
    this.next = (this.next + 1) % this.shards.length;
    const order = this.shards.map((_, i) => this.shards[(start + i) % this.shards.length]);
    const lease = randomBytes(12).toString('hex');
    const jobs: ClaimedJob[] = [];
    for (let round = 0; round < MAX_CLAIM_ROUNDS && jobs.length < limit; round++) {
      const due = await this.dueIds(order, now, limit - jobs.length);
      if (due.length === 0) break;
      const leased = await Promise.allSettled(
        due.map(({ shard, id }) =>
          this.run<string[]>('claim', [shard.due, shard.job(id)], [id, now, leaseMs, lease]),
        ),
      );
      leased.forEach((r, i) => {
        if (r.status !== 'fulfilled' || r.value.length === 0) return;
        const [type, payload, attempts] = r.value;
        jobs.push({
          id: due[i].id,
          type,
          payload: JSON.parse(payload) as unknown,
          attempts: Number(attempts),
          lease,
        });
      });
    }
    return jobs;
  }

  /** Up to `limit` due ids, one shard after the other in `order` and round-robin among them. */
  private async dueIds(order: Shard[], now: number, limit: number): Promise<{ shard: Shard; id: string }[]> {
    const seen = await Promise.allSettled(
      order.map((shard) => storeCall(this.redis.zrangebyscore(shard.due, '-inf', now, 'LIMIT', 0, limit))),
    );
    const failures = seen.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failures.length === seen.length) throw failures[0].reason;
    if (failures.length > 0) {
      this.logger.warn(
        { shards: failures.length, err: describe(failures[0].reason) },
        'Outbox shards unavailable; claiming from the others',
      );
    }
    const due: { shard: Shard; id: string }[] = [];
    for (let i = 0; due.length < limit; i++) {
      const before = due.length;
      seen.forEach((r, s) => {
        if (r.status === 'fulfilled' && i < r.value.length && due.length < limit) {
          due.push({ shard: order[s], id: r.value[i] });
        }
      });
      if (due.length === before) break;
    }
    return due;
  }

  async complete(job: ClaimedJob): Promise<boolean> {
    const shard = Shard.ofJob(job.id);
    return (await this.run<number>('complete', [shard.due, shard.job(job.id)], [job.id, job.lease])) === 1;
  }

  async reschedule(job: ClaimedJob, runAt: number, reason: string): Promise<boolean> {
    const shard = Shard.ofJob(job.id);
    const reply = await this.run<number>(
      'reschedule',
      [shard.due, shard.job(job.id)],
      [job.id, job.lease, runAt, reason.slice(0, 500)],
    );
    return reply === 1;
  }

  async depth(): Promise<number> {
    return this.sum((shard) => storeCall(this.redis.zcard(shard.due)));
  }

  dueBefore(until: number): Promise<number> {
    return this.sum((shard) => storeCall(this.redis.zcount(shard.due, '-inf', `(${until}`)));
  }

  private async sum(count: (shard: Shard) => Promise<number>): Promise<number> {
    const counts = await Promise.all(this.shards.map(count));
    return counts.reduce((a, b) => a + b, 0);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
