import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { StoreUnavailable } from '../../src/common/domain-error';
import { LuaScripts } from '../../src/redis/lua-scripts';
import { connectRedis } from '../../src/redis/redis.module';
import { storeCall } from '../../src/redis/store-errors';
import { eventually, freePort, RedisProcess } from '../support/redis-process';

/** What a Redis call rejected with: StoreUnavailable (and the Redis failure it wraps) or anything else. */
async function failure(
  call: Promise<unknown>,
): Promise<{ kind: 'store_unavailable' | 'other'; message: string }> {
  try {
    await call;
  } catch (error) {
    if (error instanceof StoreUnavailable)
      return { kind: 'store_unavailable', message: String((error.cause as Error).message) };
    return { kind: 'other', message: (error as Error).message };
  }
  throw new Error('the call succeeded');
}

const SCRIPTS = {
  write: "return redis.call('set', KEYS[1], ARGV[1])",
  read: "return redis.call('hget', KEYS[1], 'field')",
  nil: 'local record = nil\nreturn record.status',
};

/** The real failures, produced on redis-servers of this test's own, as the service's own connection sees them. */
describe('Redis failures become StoreUnavailable where Redis is called; bugs stay bugs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'store-errors-'));
  let server: RedisProcess;
  let admin: Redis;
  let redis: Redis;
  let scripts: LuaScripts<keyof typeof SCRIPTS>;

  beforeAll(async () => {
    for (const [name, lua] of Object.entries(SCRIPTS)) writeFileSync(join(dir, `${name}.lua`), lua);
    server = new RedisProcess(await freePort(), ['--dir', dir]);
    await server.start();
    admin = server.client();
    redis = await connectRedis(server.url, { keyPrefix: '', commandTimeoutMs: 300 });
    scripts = new LuaScripts(redis, 'test', dir, { write: 1, read: 1, nil: 1 });
  });
  afterAll(async () => {
    server.resume();
    redis?.disconnect();
    admin?.disconnect();
    await server?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps a Lua runtime error and a WRONGTYPE as they are (a bug, answered 500)', async () => {
    await admin.set('plain', 'value');
    expect(await failure(scripts.run('nil', ['k'], []))).toEqual({
      kind: 'other',
      message: expect.stringMatching(/^ERR user_script:2: attempt to index local 'record' \(a nil value\)/),
    });
    expect(await failure(storeCall(redis.hget('plain', 'field')))).toEqual({
      kind: 'other',
      message: 'WRONGTYPE Operation against a key holding the wrong kind of value',
    });
    expect(await failure(scripts.run('read', ['plain'], []))).toEqual({
      kind: 'other',
      message: expect.stringMatching(
        /^WRONGTYPE Operation against a key holding the wrong kind of value script: /,
      ),
    });
  });

  it('an out-of-memory Redis (maxmemory, noeviction): a write, a script that writes, a MULTI', async () => {
    await admin.config('SET', 'maxmemory-policy', 'noeviction');
    await admin.config('SET', 'maxmemory', '1');
    try {
      expect(await failure(storeCall(redis.set('k', 'v')))).toEqual({
        kind: 'store_unavailable',
        message: "OOM command not allowed when used memory > 'maxmemory'.",
      });
      expect(await failure(scripts.run('write', ['k'], ['v']))).toEqual({
        kind: 'store_unavailable',
        message: expect.stringMatching(/^OOM command not allowed when used memory > 'maxmemory'\. script: /),
      });
      expect(await failure(storeCall(redis.multi().set('k', 'v').get('k').exec()))).toEqual({
        kind: 'store_unavailable',
        message: 'EXECABORT Transaction discarded because of previous errors.',
      });
    } finally {
      await admin.config('SET', 'maxmemory', '0');
    }
  });

  it('a replica: READONLY for writes, MASTERDOWN for reads once its master is gone and stale reads are off', async () => {
    await admin.replicaof('127.0.0.1', await freePort()); // a master that does not answer
    try {
      expect(await failure(storeCall(redis.set('k', 'v')))).toEqual({
        kind: 'store_unavailable',
        message: "READONLY You can't write against a read only replica.",
      });
      expect(await failure(scripts.run('write', ['k'], ['v']))).toEqual({
        kind: 'store_unavailable',
        message: expect.stringMatching(/^READONLY You can't write against a read only replica\. script: /),
      });
      await admin.config('SET', 'replica-serve-stale-data', 'no');
      expect(await failure(storeCall(redis.get('k')))).toEqual({
        kind: 'store_unavailable',
        message: "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.",
      });
    } finally {
      await admin.config('SET', 'replica-serve-stale-data', 'yes');
      await admin.replicaof('NO', 'ONE');
    }
  });

  it('BUSY while another client runs a long script, and a NOSCRIPT that no EVAL fallback answered', async () => {
    await admin.config('SET', 'busy-reply-threshold', '50');
    const looper = server.client();
    const loop = looper.eval('while true do end', 0).catch((error: Error) => error.message);
    const busy = () =>
      redis.get('k').then(
        () => false,
        (error: Error) => error.message.startsWith('BUSY'),
      );
    try {
      await eventually(busy, 5000, 'BUSY');
      expect(await failure(storeCall(redis.get('k')))).toEqual({
        kind: 'store_unavailable',
        message: 'BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.',
      });
    } finally {
      await eventually(
        () =>
          admin.script('KILL').then(
            () => true,
            () => false,
          ),
        5000,
        'SCRIPT KILL',
      );
      await loop;
      looper.disconnect();
    }
    expect(await failure(storeCall(redis.evalsha('0'.repeat(40), 0)))).toEqual({
      kind: 'store_unavailable',
      message: 'NOSCRIPT No matching script. Please use EVAL.',
    });
  });

  it('a Redis that hangs: the command timeout', async () => {
    server.pause();
    try {
      expect(await failure(scripts.run('write', ['k'], ['v']))).toEqual({
        kind: 'store_unavailable',
        message: 'Command timed out',
      });
    } finally {
      server.resume();
    }
    await eventually(async () => (await redis.ping()) === 'PONG', 5000, 'Redis after the pause');
  });

  it('a Redis that is gone: no offline queue, the retries per request used up, a connection that gave up', async () => {
    const queuing = new Redis(server.url, { maxRetriesPerRequest: 1, retryStrategy: () => 50 });
    const givingUp = new Redis(server.url, { retryStrategy: () => null });
    for (const client of [queuing, givingUp]) client.on('error', () => undefined);
    await Promise.all([queuing.ping(), givingUp.ping()]);
    await server.kill();
    try {
      await eventually(async () => redis.status !== 'ready', 5000, 'the service connection to notice');
      expect(await failure(storeCall(redis.get('k')))).toEqual({
        kind: 'store_unavailable',
        message: "Stream isn't writeable and enableOfflineQueue options is false",
      });
      expect(await failure(storeCall(queuing.get('k')))).toEqual({
        kind: 'store_unavailable',
        message: expect.stringMatching(/^Reached the max retries per request limit \(which is 1\)/),
      });
      await eventually(async () => givingUp.status === 'end', 5000, 'the connection to give up');
      expect(await failure(storeCall(givingUp.get('k')))).toEqual({
        kind: 'store_unavailable',
        message: 'Connection is closed.',
      });
    } finally {
      queuing.disconnect();
      givingUp.disconnect();
    }
  });
});

describe('Redis Cluster answers to a plain connection: MOVED, ASK, TRYAGAIN, CLUSTERDOWN', () => {
  const dir = mkdtempSync(join(tmpdir(), 'store-errors-cluster-'));
  let nodes: (RedisProcess & { busPort: number })[];
  let admins: Redis[];
  let redis: Redis;

  /** A node on free ports of its own: the client port and the cluster bus port (not port + 10000, which may be taken). */
  async function clusterNode(): Promise<RedisProcess & { busPort: number }> {
    const port = await freePort();
    const busPort = await freePort();
    const conf = join(dir, `nodes-${port}.conf`);
    const args = ['--dir', dir, '--cluster-enabled', 'yes', '--cluster-config-file', conf];
    const node = new RedisProcess(port, [...args, '--cluster-port', String(busPort)]);
    await node.start();
    return Object.assign(node, { busPort });
  }

  /** A hash tag whose slot node `owner` (0 or 1) serves: node 0 has slots 0-8191, node 1 the rest. */
  async function tagOn(owner: 0 | 1): Promise<{ tag: string; slot: number }> {
    for (let i = 0; ; i += 1) {
      const slot = await admins[0].cluster('KEYSLOT', `{t${i}}`);
      if ((slot < 8192 ? 0 : 1) === owner) return { tag: `{t${i}}`, slot };
    }
  }

  beforeAll(async () => {
    nodes = [await clusterNode(), await clusterNode()];
    admins = nodes.map((node) => node.client());
    redis = await connectRedis(nodes[0].url, { keyPrefix: '', commandTimeoutMs: 1000 });
  });
  afterAll(async () => {
    redis?.disconnect();
    for (const admin of admins ?? []) admin.disconnect();
    for (const node of nodes ?? []) await node.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers CLUSTERDOWN while no node serves the slot, then MOVED, ASK and TRYAGAIN while a slot migrates', async () => {
    expect(await failure(storeCall(redis.get('k')))).toEqual({
      kind: 'store_unavailable',
      message: 'CLUSTERDOWN Hash slot not served',
    });

    await admins[0].call('CLUSTER', 'MEET', '127.0.0.1', nodes[1].port, nodes[1].busPort);
    await admins[0].cluster('ADDSLOTSRANGE', 0, 8191);
    await admins[1].cluster('ADDSLOTSRANGE', 8192, 16383);
    const ok = async (admin: Redis) => String(await admin.cluster('INFO')).includes('cluster_state:ok');
    await eventually(async () => (await ok(admins[0])) && (await ok(admins[1])), 10_000, 'the cluster');

    const there = await tagOn(1);
    expect(await failure(storeCall(redis.get(`${there.tag}:k`)))).toEqual({
      kind: 'store_unavailable',
      message: `MOVED ${there.slot} 127.0.0.1:${nodes[1].port}`,
    });

    const here = await tagOn(0);
    const otherId = String(await admins[1].cluster('MYID'));
    await redis.set(`${here.tag}:present`, 'v');
    await admins[0].cluster('SETSLOT', here.slot, 'MIGRATING', otherId);
    expect(await failure(storeCall(redis.get(`${here.tag}:absent`)))).toEqual({
      kind: 'store_unavailable',
      message: `ASK ${here.slot} 127.0.0.1:${nodes[1].port}`,
    });
    expect(await failure(storeCall(redis.mget(`${here.tag}:present`, `${here.tag}:absent`)))).toEqual({
      kind: 'store_unavailable',
      message: 'TRYAGAIN Multiple keys request during rehashing of slot',
    });
  });
});
