import { ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Redis from 'ioredis';
import { eventually, freePort, probeRedis } from './redis-process';

interface Node {
  port: number;
  busPort: number;
  dir: string;
  child?: ChildProcess;
}

/**
 * A Redis Cluster of a test's own (3 masters, no replicas, on free loopback ports), which the test may take apart:
 * kill a master and start it again (it rejoins with its slots from its nodes.conf, its keys gone), or move a slot
 * to another master key by key as `redis-cli --cluster reshard` does, pausing between batches so that traffic meets
 * the slot half-moved.
 */
export class RedisClusterProcess {
  private readonly nodes: Node[] = [];

  get seeds(): string {
    return this.nodes.map((n) => `127.0.0.1:${n.port}`).join(',');
  }

  get ports(): number[] {
    return this.nodes.map((n) => n.port);
  }

  /** `replicas` per master: with 1, a killed master's replica takes over (failover) after the node timeout. */
  async start(masters = 3, replicas = 0): Promise<void> {
    for (let i = 0; i < masters * (1 + replicas); i++) {
      const node = {
        port: await freePort(),
        busPort: await freePort(),
        dir: mkdtempSync(join(tmpdir(), 'otp-cl-')),
      };
      this.nodes.push(node);
      await this.spawn(node);
    }
    await promisify(execFile)('redis-cli', [
      '--cluster',
      'create',
      ...this.nodes.map((n) => `127.0.0.1:${n.port}`),
      '--cluster-replicas',
      String(replicas),
      '--cluster-yes',
    ]);
    await this.healthy();
    // A replica that never synced with its master would not take over from it (its data counts as too old).
    await eventually(
      async () =>
        (await Promise.all(this.nodes.map((n) => this.replication(n)))).filter((r) => r === 'synced')
          .length ===
        masters * replicas,
      20_000,
      'every replica in sync with its master',
    );
  }

  /** Every node that is up answers and says cluster_state:ok. */
  async healthy(timeoutMs = 20_000): Promise<void> {
    const up = () =>
      this.nodes.filter((n) => n.child && n.child.exitCode === null && n.child.signalCode === null);
    await eventually(
      async () => (await Promise.all(up().map((n) => this.state(n)))).every((s) => s === 'ok'),
      timeoutMs,
      'cluster_state:ok on every master',
    );
  }

  async kill(index: number): Promise<void> {
    const child = this.nodes[index].child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }

  async restart(index: number): Promise<void> {
    await this.spawn(this.nodes[index]);
  }

  /** A plain connection to one node (no cluster routing). */
  node(index: number): Redis {
    return new Redis(this.nodes[index].port, '127.0.0.1', { maxRetriesPerRequest: 1 });
  }

  /** The index of the master that serves slot 0 (any slot will do to pick a master to kill). */
  async aMaster(): Promise<number> {
    return this.ownerOf(0);
  }

  /** The index of the master that serves `slot`. */
  async ownerOf(slot: number): Promise<number> {
    const live = this.nodes.findIndex(
      (n) => n.child && n.child.exitCode === null && n.child.signalCode === null,
    );
    const probe = this.node(live);
    try {
      const ranges = await probe.cluster('SLOTS');
      const range = ranges.find(([from, to]) => slot >= from && slot <= to);
      if (!range?.[2]) throw new Error(`slot ${slot} is not served`);
      const port = range[2][1];
      return this.nodes.findIndex((n) => n.port === port);
    } finally {
      probe.disconnect();
    }
  }

  /**
   * Moves `slot` to master `to`: IMPORTING on the target, MIGRATING on the source, its keys over `batch` at a time
   * with `pauseMs` between batches, then the slot's new owner told to every master.
   */
  async migrateSlot(slot: number, to: number, options: { batch: number; pauseMs: number }): Promise<number> {
    const from = await this.ownerOf(slot);
    if (from === to) throw new Error('the slot is on the target already');
    const [source, target] = [this.node(from), this.node(to)];
    const all = this.nodes.map((_, i) => this.node(i));
    let moved = 0;
    try {
      const [sourceId, targetId] = await Promise.all([source.cluster('MYID'), target.cluster('MYID')]);
      await target.cluster('SETSLOT', slot, 'IMPORTING', sourceId);
      await source.cluster('SETSLOT', slot, 'MIGRATING', targetId);
      for (;;) {
        const keys = (await source.cluster('GETKEYSINSLOT', slot, options.batch)) as string[];
        if (keys.length === 0) break;
        await source.migrate('127.0.0.1', this.nodes[to].port, '', 0, 5000, 'KEYS', ...keys);
        moved += keys.length;
        await new Promise((resolve) => setTimeout(resolve, options.pauseMs));
      }
      for (const node of [target, source, ...all]) await node.cluster('SETSLOT', slot, 'NODE', targetId);
      return moved;
    } finally {
      for (const node of [source, target, ...all]) node.disconnect();
    }
  }

  async stop(): Promise<void> {
    for (let i = 0; i < this.nodes.length; i++) await this.kill(i);
    for (const node of this.nodes) rmSync(node.dir, { recursive: true, force: true });
  }

  private async spawn(node: Node): Promise<void> {
    const args = [
      '--port',
      String(node.port),
      '--bind',
      '127.0.0.1',
      '--cluster-enabled',
      'yes',
      '--cluster-port',
      String(node.busPort),
      '--cluster-config-file',
      'nodes.conf',
      '--cluster-node-timeout',
      '2000',
      '--dir',
      node.dir,
      '--save',
      '',
      '--appendonly',
      'no',
    ];
    node.child = spawn('redis-server', args, { stdio: 'ignore' });
    await eventually(async () => (await this.ping(node)) === 'PONG', 10_000, `redis-server on ${node.port}`);
  }

  private ping(node: Node): Promise<string> {
    return probeRedis(node.port, (redis) => redis.ping(), 'unreachable');
  }

  private replication(node: Node): Promise<string> {
    return probeRedis(
      node.port,
      async (redis) => {
        const info = await redis.info('replication');
        if (!/^role:slave/m.test(info)) return 'master';
        return /^master_link_status:up/m.test(info) ? 'synced' : 'syncing';
      },
      'unreachable',
    );
  }

  private state(node: Node): Promise<string> {
    return probeRedis(
      node.port,
      async (redis) =>
        /^cluster_state:(\w+)/m.exec((await redis.cluster('INFO')) as string)?.[1] ?? 'unknown',
      'unreachable',
    );
  }
}
