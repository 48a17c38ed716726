import { ReplyError } from 'ioredis';
import { RateLimiterRes } from 'rate-limiter-flexible';
import { OutcomeUnknown, StoreUnavailable } from '../common/domain-error';
import { asStoreError, isStoreFailure, outcomeCall, storeCall, wasSentUnanswered } from './store-errors';

/**
 * The texts ioredis 5 gives with Redis 7, as produced against real redis-servers by
 * test/integration/store-errors.int-spec.ts (which asserts them on the wire).
 */
const reply = (message: string) => new ReplyError(message) as Error;
const failures: Record<string, Error> = {
  'out of memory': reply("OOM command not allowed when used memory > 'maxmemory'."),
  'out of memory, in a script': reply(
    "OOM command not allowed when used memory > 'maxmemory'. script: ee5bed0f6963e93a14eebfb64f07c299c1b4313f, on @user_script:1.",
  ),
  'out of memory, in a MULTI': Object.assign(
    reply('EXECABORT Transaction discarded because of previous errors.'),
    {
      previousErrors: [reply("OOM command not allowed when used memory > 'maxmemory'.")],
    },
  ),
  'a read-only replica': reply("READONLY You can't write against a read only replica."),
  'a replica cut off from its master': reply(
    "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.",
  ),
  'a script running long': reply(
    'BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.',
  ),
  'a script the fallback did not find': reply('NOSCRIPT No matching script. Please use EVAL.'),
  'a cluster moving the slot': reply('MOVED 12182 127.0.0.1:7002'),
  'a cluster migrating the slot': reply('ASK 3999 127.0.0.1:7002'),
  'a cluster resharding': reply('TRYAGAIN Multiple keys request during rehashing of slot'),
  'a cluster down': reply('CLUSTERDOWN The cluster is down'),
  'a cluster without the slot': reply('CLUSTERDOWN Hash slot not served'),
  'the command timeout': new Error('Command timed out'),
  'a link down without an offline queue': new Error(
    "Stream isn't writeable and enableOfflineQueue options is false",
  ),
  'a closed connection': new Error('Connection is closed.'),
  'the retries per request': Object.assign(
    new Error(
      'Reached the max retries per request limit (which is 1). Refer to "maxRetriesPerRequest" option for details.',
    ),
    { name: 'MaxRetriesPerRequestError' },
  ),
};
const bugs: Record<string, unknown> = {
  'a Lua runtime error': reply(
    "ERR user_script:1: attempt to index local 't' (a nil value) script: e62b17c4a64e9b74a6f9be57909ea9e2d0e66784, on @user_script:1.",
  ),
  'a WRONGTYPE': reply('WRONGTYPE Operation against a key holding the wrong kind of value'),
  'a WRONGTYPE in a script': reply(
    'WRONGTYPE Operation against a key holding the wrong kind of value script: 3b64a469b71295f66c36745e2afb6594ac9aaed3, on @user_script:1.',
  ),
  'a MULTI refused for a bug': Object.assign(
    reply('EXECABORT Transaction discarded because of previous errors.'),
    {
      previousErrors: [reply("ERR wrong number of arguments for 'set' command")],
    },
  ),
  'a script killed by an operator': reply(
    'ERR Script killed by user with SCRIPT KILL... script: 3fcf51a9, on @user_script:1.',
  ),
  'a plain error naming an outage word': new Error('OOM in our own code'),
  'a rate limiter refusal': new RateLimiterRes(0, 1000),
  'a string': 'Connection is closed.',
};

describe(isStoreFailure.name, () => {
  it.each(Object.entries(failures))('is a store failure: %s', (_, error) => {
    expect(isStoreFailure(error)).toBe(true);
  });

  it.each(Object.entries(bugs))('is not: %s', (_, error) => {
    expect(isStoreFailure(error)).toBe(false);
  });
});

describe(storeCall.name, () => {
  it('rejects a store failure as StoreUnavailable, keeping the Redis error as its cause', async () => {
    const oom = failures['out of memory'];
    const error = await storeCall(Promise.reject(oom)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreUnavailable);
    expect((error as StoreUnavailable).cause).toBe(oom);
  });

  it('rejects anything else as it was, and resolves what Redis answered', async () => {
    const refusal = bugs['a rate limiter refusal'];
    await expect(storeCall(Promise.reject(refusal))).rejects.toBe(refusal);
    await expect(storeCall(Promise.resolve('OK'))).resolves.toBe('OK');
  });

  it('does not wrap a StoreUnavailable twice', () => {
    const unavailable = new StoreUnavailable();
    expect(asStoreError(unavailable)).toBe(unavailable);
  });
});

describe(wasSentUnanswered.name, () => {
  const unanswered = ['the command timeout', 'the retries per request'];

  it.each(unanswered)('is sent and unanswered, so it may have run: %s', (name) => {
    expect(wasSentUnanswered(failures[name])).toBe(true);
    expect(wasSentUnanswered(new StoreUnavailable(failures[name]))).toBe(true);
  });

  it.each(Object.keys(failures).filter((name) => !unanswered.includes(name)))(
    'did not run (refused before sending, or answered): %s',
    (name) => {
      expect(wasSentUnanswered(failures[name])).toBe(false);
    },
  );
});

describe(outcomeCall.name, () => {
  it('rejects a write sent and unanswered as OutcomeUnknown naming it, any other failure as StoreUnavailable', async () => {
    const unknown = await outcomeCall(Promise.reject(failures['the command timeout']), 'the approval').catch(
      (error: unknown) => error,
    );
    expect(unknown).toBeInstanceOf(OutcomeUnknown);
    expect(unknown).toMatchObject({ code: 'outcome_unknown', retryAfterSeconds: 1 });
    expect((unknown as OutcomeUnknown).detail).toContain('the approval');
    await expect(
      outcomeCall(Promise.reject(failures['out of memory']), 'the approval'),
    ).rejects.toBeInstanceOf(StoreUnavailable);
    await expect(outcomeCall(Promise.resolve('ok'), 'the approval')).resolves.toBe('ok');
  });
});
