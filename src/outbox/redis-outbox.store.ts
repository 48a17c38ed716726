import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import Redis from 'ioredis';
import { LuaScripts } from '../redis/lua-scripts';
import { ClaimedJob, DEFAULT_DEDUP_TTL_MS, EnqueueOutcome, NewJob, OutboxStore } from './outbox-store';
import { storeCall } from '../redis/store-errors';

type ScriptName = 'enqueue' | 'claim' | 'complete' | 'reschedule';
const SCRIPT_KEYS: Record<ScriptName, number> = { enqueue: 3, claim: 1, complete: 2, reschedule: 2 };

/** Every outbox key carries the hash tag `{outbox}`: one cluster slot, so the scripts may derive job keys. */
const DUE = 'ob:{outbox}:due';
const jobKey = (id: string) => `ob:{outbox}:j:${id}`;
const dedupKey = (key: string) => `ob:{outbox}:d:${key}`;

export class RedisOutboxStore extends OutboxStore {
  private readonly scripts: LuaScripts<ScriptName>;

  constructor(private readonly redis: Redis) {
    super();
    this.scripts = new LuaScripts(redis, 'outbox', join(__dirname, 'lua'), SCRIPT_KEYS);
  }

  private run<T>(name: ScriptName, keys: string[], args: (string | number)[]): Promise<T> {
    return this.scripts.run<T>(name, keys, args);
  }

  async enqueue(job: NewJob, now: number): Promise<EnqueueOutcome> {
    const id = randomBytes(12).toString('hex');
    const reply = await this.run<string[]>(
      'enqueue',
      [DUE, jobKey(id), job.dedupKey === undefined ? jobKey(id) : dedupKey(job.dedupKey)],
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

  async claim(now: number, limit: number, leaseMs: number): Promise<ClaimedJob[]> {
    const lease = randomBytes(12).toString('hex');
    const flat = await this.run<string[]>('claim', [DUE], [now, limit, leaseMs, lease]);
    const jobs: ClaimedJob[] = [];
    for (let i = 0; i < flat.length; i += 4) {
      jobs.push({
        id: flat[i],
        type: flat[i + 1],
        payload: JSON.parse(flat[i + 2]) as unknown,
        attempts: Number(flat[i + 3]),
        lease,
      });
    }
    return jobs;
  }

  async complete(job: ClaimedJob): Promise<boolean> {
    return (await this.run<number>('complete', [DUE, jobKey(job.id)], [job.id, job.lease])) === 1;
  }

  async reschedule(job: ClaimedJob, runAt: number, reason: string): Promise<boolean> {
    const reply = await this.run<number>(
      'reschedule',
      [DUE, jobKey(job.id)],
      [job.id, job.lease, runAt, reason.slice(0, 500)],
    );
    return reply === 1;
  }

  depth(): Promise<number> {
    return storeCall(this.redis.zcard(DUE));
  }

  dueBefore(until: number): Promise<number> {
    return storeCall(this.redis.zcount(DUE, '-inf', `(${until}`));
  }
}
