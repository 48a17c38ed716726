import { createHash, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Redis from 'ioredis';
import { LuaScripts } from '../redis/lua-scripts';
import { IdempotencyInProgress, IdempotencyKeyReused, InvalidRequest } from '../common/domain-error';
import { storeCall, wasSentUnanswered } from '../redis/store-errors';

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
const RELEASE_TRIES = 20;
const RELEASE_EVERY_MS = 500;

/** A request's first answer, kept to be given again. */
export interface StoredAnswer {
  status: number;
  body: unknown;
}

/** What a key holds: a request in progress (`token` names its holder), or the answer it gave. */
export type IdempotencyEntry = { fingerprint: string; token: string } & (
  { state: 'pending' } | ({ state: 'done' } & StoredAnswer)
);

/** The storage under Idempotency: one entry per API client and key, set only if absent, settled only by its holder. */
export abstract class IdempotencyStore {
  /** Sets `entry` unless the key holds one; returns the entry already there, or null when this one was set. */
  abstract putIfAbsent(key: string, entry: IdempotencyEntry, ttlMs: number): Promise<IdempotencyEntry | null>;
  /** Replaces the holder's pending entry (`held`) with its answer (`answer`), or deletes it (null). */
  abstract settle(
    key: string,
    held: IdempotencyEntry,
    answer: IdempotencyEntry | null,
    ttlMs: number,
  ): Promise<void>;
  /** Sets `value` unless the key holds one; returns the value already there, or null when this one was set. */
  abstract claim(key: string, value: string, ttlMs: number): Promise<string | null>;
}

export class RedisIdempotencyStore extends IdempotencyStore {
  private readonly scripts: LuaScripts<'idempotency-settle'>;

  constructor(private readonly redis: Redis) {
    super();
    this.scripts = new LuaScripts(redis, 'otp:rl', join(__dirname, 'lua'), { 'idempotency-settle': 1 });
  }

  async claim(key: string, value: string, ttlMs: number): Promise<string | null> {
    for (;;) {
      if ((await storeCall(this.redis.set(key, value, 'PX', ttlMs, 'NX'))) === 'OK') return null;
      const existing = await storeCall(this.redis.get(key));
      if (existing !== null) return existing;
    }
  }

  async putIfAbsent(key: string, entry: IdempotencyEntry, ttlMs: number): Promise<IdempotencyEntry | null> {
    for (;;) {
      if ((await storeCall(this.redis.set(key, JSON.stringify(entry), 'PX', ttlMs, 'NX'))) === 'OK')
        return null;
      const existing = await storeCall(this.redis.get(key));
      if (existing !== null) return JSON.parse(existing) as IdempotencyEntry;
      // It expired between the two commands: try again.
    }
  }

  async settle(
    key: string,
    held: IdempotencyEntry,
    answer: IdempotencyEntry | null,
    ttlMs: number,
  ): Promise<void> {
    const answerJson = answer ? JSON.stringify(answer) : '';
    await this.scripts.run('idempotency-settle', [key], [JSON.stringify(held), answerJson, ttlMs]);
  }
}

export interface IdempotencySettings {
  /** How long an answer is given again: 24 h. */
  answerTtlMs: number;
  /** How long a request holds its key at most; past it (a crashed instance) a retry runs afresh. */
  holdMs: number;
  /** How long a concurrent request with the same key waits for the first one's answer before a 409. */
  waitMs: number;
  pollMs: number;
}

/** A held key, for the use case whose write records the answer (see IdempotentAnswer). */
export interface HeldKey {
  key: string;
  held: string;
  ttlMs: number;
  entry(status: number, body: unknown): string;
}

export type Begun =
  { kind: 'hold'; key: string; token: string; fingerprint: string } | ({ kind: 'replay' } & StoredAnswer);

/**
 * `Idempotency-Key` (IETF draft-ietf-httpapi-idempotency-key-header): the first request with a key holds it while it
 * runs, then stores its answer for 24 h; a repeat gets that answer again without a second send. A repeat with a
 * different body is 422. A repeat while the first still runs waits up to `waitMs` for its answer, then gets 409
 * (retry shortly). Only successful answers are kept: an error releases the key, so that a retry after a 429 or a 503
 * runs afresh. Keys are scoped per API client.
 */
export class Idempotency {
  constructor(
    private readonly store: IdempotencyStore,
    private readonly settings: IdempotencySettings,
  ) {}

  /**
   * `tag`: the hash tag of the verification's keys (from its id or number), so that a Lua step of the verification
   * can record the answer beside its own write in one slot. `number`, when the tag is the body's number (a start, a
   * check by number): a digest of it, kept beside the key under a name without the tag, so that the key reused with
   * another number (another tag, so another Redis key) is still refused as a reuse.
   */
  async begin(
    clientId: string,
    idempotencyKey: string,
    body: unknown,
    tag?: string,
    number?: string,
  ): Promise<Begun> {
    const digest = createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32);
    const key = tag === undefined ? `idem:${clientId}:${digest}` : `idem:{${tag}}:${clientId}:${digest}`;
    if (number !== undefined) {
      const first = await this.store.claim(
        `idem-to:${clientId}:${digest}`,
        number,
        this.settings.answerTtlMs,
      );
      if (first !== null && first !== number) throw new IdempotencyKeyReused();
    }
    const fingerprint = fingerprintOf(body);
    const token = randomUUID();
    const deadline = Date.now() + this.settings.waitMs;
    for (;;) {
      const existing = await this.store
        .putIfAbsent(key, pendingEntry(fingerprint, token), this.settings.holdMs)
        .catch((error: unknown) => {
          // The SET may land later, holding the key for no one: take it back behind it.
          if (wasSentUnanswered(error))
            void this.releaseEventually({ kind: 'hold', key, token, fingerprint });
          throw error;
        });
      if (!existing) return { kind: 'hold', key, token, fingerprint };
      if (existing.fingerprint !== fingerprint) throw new IdempotencyKeyReused();
      if (existing.state === 'done') return { kind: 'replay', status: existing.status, body: existing.body };
      if (Date.now() >= deadline) throw new IdempotencyInProgress();
      await sleep(this.settings.pollMs);
    }
  }

  /** The held key as a Lua step needs it to record the answer itself (the entry `complete` would store). */
  held(hold: Extract<Begun, { kind: 'hold' }>): HeldKey {
    return {
      key: hold.key,
      held: JSON.stringify(pendingEntry(hold.fingerprint, hold.token)),
      ttlMs: this.settings.answerTtlMs,
      entry: (status, body) =>
        JSON.stringify({
          state: 'done',
          fingerprint: hold.fingerprint,
          token: hold.token,
          status,
          body,
        } satisfies IdempotencyEntry),
    };
  }

  /** Stores the answer; a no-op when the request's Lua step recorded it already (the key no longer holds its entry). */
  async complete(hold: Extract<Begun, { kind: 'hold' }>, answer: StoredAnswer): Promise<void> {
    const entry: IdempotencyEntry = {
      state: 'done',
      fingerprint: hold.fingerprint,
      token: hold.token,
      ...answer,
    };
    await this.store.settle(
      hold.key,
      pendingEntry(hold.fingerprint, hold.token),
      entry,
      this.settings.answerTtlMs,
    );
  }

  async release(hold: Extract<Begun, { kind: 'hold' }>): Promise<void> {
    await this.store.settle(hold.key, pendingEntry(hold.fingerprint, hold.token), null, 0);
  }

  /**
   * Releases the key, retrying in the background until Redis takes it (at most RELEASE_TRIES × RELEASE_EVERY_MS),
   * so that a request whose store failed does not leave its key held for `holdMs`. Safe after a write whose outcome
   * is unknown: the release goes over the same connection after it, so Redis runs it after that write (or after the
   * write was lost with the connection), and it deletes only this request's pending entry. A write that landed with
   * its answer has replaced that entry, and the release changes nothing; a write that never ran leaves the key free,
   * and a retry runs afresh. `first`: the first attempt is awaited (a retry right after the answer then runs afresh).
   */
  async releaseEventually(hold: Extract<Begun, { kind: 'hold' }>, first = false): Promise<void> {
    const attempt = () =>
      this.release(hold).then(
        () => true,
        () => false,
      );
    if (first && (await attempt())) return;
    void (async () => {
      for (let tries = 0; tries < RELEASE_TRIES; tries++) {
        await sleep(RELEASE_EVERY_MS, undefined, { ref: false }); // never holds a stopping process
        if (await attempt()) return;
      }
    })();
  }
}

/** The entry a holder puts, always built here, so that its JSON is the same bytes when the holder settles it. */
function pendingEntry(fingerprint: string, token: string): IdempotencyEntry {
  return { fingerprint, token, state: 'pending' };
}

/** One to 255 visible ASCII characters; a structured-field string's quotes are kept as sent. */
export function parseIdempotencyKey(value: string | string[]): string {
  if (typeof value === 'string' && /^[\x21-\x7e]{1,255}$/.test(value.trim())) return value.trim();
  const message = `${IDEMPOTENCY_KEY_HEADER} must be 1 to 255 visible ASCII characters`;
  throw new InvalidRequest(message, [{ field: IDEMPOTENCY_KEY_HEADER, message }]);
}

/** The body's SHA-256 over JSON with sorted keys: key order and spacing do not make a different request. */
export function fingerprintOf(body: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify(body ?? null, (_key, value: unknown) => sortKeys(value)))
    .digest('hex');
}

function sortKeys(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
