import { join } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { LuaScripts } from '../redis/lua-scripts';
import { REDIS_CLIENT } from '../redis/redis.module';

/** Attempts of an update that keeps meeting concurrent updates of the same service. */
const UPDATE_ATTEMPTS = 5;

/** A Twilio Verify Service as we keep it: its SID scopes its verifications (our `purpose`) and its settings. */
export interface VerifyService {
  sid: string;
  friendlyName: string;
  /** Digits of its codes; absent: OTP_CODE_LENGTH. */
  codeLength?: number;
  createdAt: number;
  updatedAt: number;
}

/**
 * The Services of each API client, one Redis hash per client (`twilio:services:<clientId>`, field = SID, value =
 * JSON). Every operation is one Redis command or one Lua script (the compare-and-set of an update), so it is atomic on
 * Redis, on Redis Cluster (one key) and on the embedded store alike. Key names hold the client's name and nothing
 * about any number.
 */
@Injectable()
export class VerifyServiceStore {
  private readonly scripts: LuaScripts<'replace-service'>;

  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis) {
    this.scripts = new LuaScripts(redis, 'otp:twilio', join(__dirname, 'lua'), { 'replace-service': 1 });
  }

  /** False when the SID exists already (never overwrites). */
  async create(clientId: string, service: VerifyService): Promise<boolean> {
    return (await this.redis.hsetnx(key(clientId), service.sid, JSON.stringify(service))) === 1;
  }

  async get(clientId: string, sid: string): Promise<VerifyService | null> {
    const raw = await this.redis.hget(key(clientId), sid);
    return raw === null ? null : (JSON.parse(raw) as VerifyService);
  }

  /** Oldest first, as Twilio lists them; ties by SID so pages are stable. */
  async list(clientId: string): Promise<VerifyService[]> {
    const all = Object.values(await this.redis.hgetall(key(clientId))).map(
      (raw) => JSON.parse(raw) as VerifyService,
    );
    return all.sort((a, b) => a.createdAt - b.createdAt || a.sid.localeCompare(b.sid));
  }

  /** Applies `change` to the service as stored; null when there is no such service. */
  async update(
    clientId: string,
    sid: string,
    change: (service: VerifyService) => VerifyService,
  ): Promise<VerifyService | null> {
    for (let attempt = 0; attempt < UPDATE_ATTEMPTS; attempt++) {
      const raw = await this.redis.hget(key(clientId), sid);
      if (raw === null) return null;
      const updated = change(JSON.parse(raw) as VerifyService);
      const outcome = await this.scripts.run<number>(
        'replace-service',
        [key(clientId)],
        [sid, raw, JSON.stringify(updated)],
      );
      if (outcome === 1) return updated;
      if (outcome === 0) return null;
    }
    throw new Error(`service ${sid} kept changing during an update`);
  }

  /** False when there was no such service. */
  async delete(clientId: string, sid: string): Promise<boolean> {
    return (await this.redis.hdel(key(clientId), sid)) === 1;
  }
}

function key(clientId: string): string {
  return `twilio:services:${clientId}`;
}
