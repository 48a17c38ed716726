/**
 * `npm run chaos`: a bounded load of logins (start, read the code, a wrong check, the right check) against the real
 * service (sandbox mode, the real SDK against the in-process emulator) on a redis-server of its own, while each fault
 * is injected in turn. Every call carries an Idempotency-Key and is retried with it after a 503 or a 409, as the
 * README tells callers to. Prints one table row per fault. Loopback only; about a minute and a half.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { NotifyEmulator } from '@app/notify-emulator';
import { RedisProcess } from '../test/support/redis-process';
import { bootService } from './service';

const PORT = Number(process.env.CHAOS_REDIS_PORT ?? 6403);
const USERS = 6;
const PHASE_MS = 9000;
const FAULT_AT_MS = 2000;
const FAULT_MS = 2000;
/** How long one call is retried with its key before the login counts as lost. */
const CALL_DEADLINE_MS = 20_000;

interface Answer {
  status: number;
  body: Record<string, unknown>;
  retryAfter?: number;
}

interface Tally {
  requests: number;
  answers: Map<string, number>;
  approved: number;
  wrongApproved: number;
  lost: number;
  logins: number;
}

interface Fault {
  name: string;
  inject(redis: RedisProcess, emulator: NotifyEmulator): Promise<() => Promise<void>>;
}

const FAULTS: Fault[] = [
  { name: 'none', inject: async () => async () => undefined },
  {
    name: 'Redis paused (SIGSTOP 2 s)',
    inject: async (redis) => {
      redis.pause();
      return async () => redis.resume();
    },
  },
  {
    name: 'Redis out of memory (maxmemory 1, 2 s)',
    inject: async (redis) => {
      const admin = redis.client();
      await admin.config('SET', 'maxmemory', '1');
      return async () => {
        await admin.config('SET', 'maxmemory', '0');
        admin.disconnect();
      };
    },
  },
  {
    name: 'SCRIPT FLUSH every 100 ms (2 s)',
    inject: async (redis) => {
      const admin = redis.client();
      let on = true;
      const flushing = (async () => {
        while (on) {
          await admin.script('FLUSH').catch(() => undefined);
          await sleep(100);
        }
      })();
      return async () => {
        on = false;
        await flushing;
        admin.disconnect();
      };
    },
  },
  {
    name: 'Redis restart (kill, 1 s down, AOF kept)',
    inject: async (redis) => {
      await redis.kill();
      await sleep(1000);
      await redis.start();
      return async () => undefined;
    },
  },
  {
    name: 'Notify slower than NOTIFY_TIMEOUT_MS (6 sends)',
    inject: async (_redis, emulator) => {
      emulator.injectFault({ operation: 'SendNotifyTextMessage', delayMs: 1500, times: 6 });
      return async () => undefined;
    },
  },
];

function codeIn(body: string): string {
  const plain = /\b(\d{6})\b/.exec(body);
  if (!plain) throw new Error('no code in message');
  return plain[1];
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'chaos-redis-'));
  const redis = new RedisProcess(PORT, ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', dir]);
  await redis.start();
  const service = await bootService({
    REDIS_URL: redis.url,
    REDIS_KEY_PREFIX: 'chaos:',
    REDIS_COMMAND_TIMEOUT_MS: '300',
    NOTIFY_TIMEOUT_MS: '1000',
    ARGON2_MEMORY_KIB: '4096',
    ARGON2_TIME_COST: '1',
    LIMIT_STARTS_PER_API_KEY_MINUTE: '100000',
    NOTIFY_SENDS_PER_SECOND: '1000',
    NOTIFY_DAILY_MESSAGE_LIMIT: '0',
    PUMPING_MIN_APPROVAL_PERCENT: '0',
    PUMPING_SENDS_PER_PREFIX_HOUR: '100000',
    OUTBOX_POLL_MS: '200',
  });
  let next = 0;
  const rows: string[] = [];
  try {
    for (const fault of FAULTS) {
      const tally: Tally = {
        requests: 0,
        answers: new Map(),
        approved: 0,
        wrongApproved: 0,
        lost: 0,
        logins: 0,
      };
      const sentBefore = service.emulator.messages().length;
      const phaseEnd = Date.now() + PHASE_MS;
      let recoveryMs: number | undefined;
      const faulting = (async () => {
        await sleep(FAULT_AT_MS);
        const restore = await fault.inject(redis, service.emulator);
        await sleep(FAULT_MS);
        await restore();
        const restoredAt = Date.now();
        while (Date.now() - restoredAt < 30_000) {
          const ready = await fetch(`${service.url}/health/ready`).catch(() => undefined);
          if (ready?.status === 200) break;
          await sleep(50);
        }
        recoveryMs = Date.now() - restoredAt;
      })();
      const users = Array.from({ length: USERS }, async () => {
        while (Date.now() < phaseEnd) await login(service.url, service.emulator, next++, tally);
      });
      await Promise.all([...users, faulting]);
      await service.idle();
      const answers = [...tally.answers.entries()]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([answer, count]) => `${answer}: ${count}`)
        .join(', ');
      const sent = service.emulator.messages().length - sentBefore;
      const recovery = fault.name === 'none' ? '—' : `${recoveryMs ?? '?'} ms`;
      rows.push(
        `| ${fault.name} | ${tally.logins} | ${tally.requests} | ${answers} | ${sent} | ${tally.approved} | ${tally.wrongApproved} | ${tally.lost} | ${recovery} |`,
      );
      console.error(rows[rows.length - 1]);
    }
  } finally {
    await service.close();
    await redis.kill();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(
    [
      '| fault | logins | requests | answers (status code: count) | messages sent | codes approved | wrong codes approved | logins lost | recovery (to readiness 200) |',
      '|---|---:|---:|---|---:|---:|---:|---:|---:|',
      ...rows,
    ].join('\n'),
  );
}

/** One login: start, read the code the "phone" got, a wrong code, the right code; each call retried with its key. */
async function login(url: string, emulator: NotifyEmulator, n: number, tally: Tally): Promise<void> {
  tally.logins++;
  const to = `+1206555${String(1000 + (n % 9000)).padStart(4, '0')}`;
  const key = `chaos-${process.pid}-${n}`;
  const start = await call(url, '/v1/verifications', { to, channel: 'sms' }, `${key}-start`, tally);
  if (start?.status !== 201) {
    tally.lost++;
    return;
  }
  const id = String(start.body.id);
  const message = emulator
    .messages({ to })
    .filter((m) => m.context.verificationId === id)
    .at(-1);
  if (!message) {
    tally.lost++;
    return;
  }
  const code = codeIn(message.resolvedMessageBody);
  const wrong = code.slice(0, -1) + String((Number(code.at(-1)) + 1) % 10);
  const rejected = await call(url, `/v1/verifications/${id}/check`, { code: wrong }, `${key}-wrong`, tally);
  if (rejected?.body.valid === true) tally.wrongApproved++;
  const approved = await call(url, `/v1/verifications/${id}/check`, { code }, `${key}-right`, tally);
  if (approved?.body.valid === true) tally.approved++;
  else tally.lost++;
}

async function call(
  url: string,
  path: string,
  body: unknown,
  key: string,
  tally: Tally,
): Promise<Answer | undefined> {
  const deadline = Date.now() + CALL_DEADLINE_MS;
  while (Date.now() < deadline) {
    tally.requests++;
    const answer = await post(url, path, body, key);
    const label = `${answer.status}${answer.body.code ? ` ${String(answer.body.code)}` : ''}`;
    tally.answers.set(label, (tally.answers.get(label) ?? 0) + 1);
    if (answer.status !== 503 && answer.status !== 409 && answer.status !== 0) return answer;
    await sleep(Math.min(answer.retryAfter ?? 0.2, 1) * 1000);
  }
  return undefined;
}

async function post(url: string, path: string, body: unknown, key: string): Promise<Answer> {
  try {
    const res = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: {
        Authorization: 'Bearer sandbox',
        'Content-Type': 'application/json',
        'Idempotency-Key': key,
      },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    const retryAfter = res.headers.get('retry-after');
    return {
      status: res.status,
      body: (await res.json()) as Record<string, unknown>,
      retryAfter: retryAfter === null ? undefined : Number(retryAfter),
    };
  } catch {
    return { status: 0, body: { code: 'no_answer' } };
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
