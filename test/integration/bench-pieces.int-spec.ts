import Redis from 'ioredis';
import { createFloorServer } from '../../bench/floor-server';
import { usage } from '../../bench/processes';
import { MeasuredRun, Round, summarize } from '../../bench/report';
import { deletePrefix, TEST_REDIS_URL, uniquePrefix } from '../support/redis';

/** The bench's own pieces work; nothing here times anything (the bench measures, tests do not). */

describe('the bench floor server (bench/floor-server.ts)', () => {
  const prefix = uniquePrefix('bench-floor');
  afterAll(() => deletePrefix(prefix));

  it('answers 201 with the record it wrote and read back, and leaves its keys under its prefix with a TTL', async () => {
    const app = await createFloorServer({ redisUrl: TEST_REDIS_URL, keyPrefix: prefix });
    try {
      const first = await app.inject({ method: 'POST', url: '/floor', payload: { to: 'subject-1' } });
      const second = await app.inject({ method: 'POST', url: '/floor', payload: { to: 'subject-1' } });
      expect([first.statusCode, first.json()]).toEqual([201, { record: { to: 'subject-1', count: 1 } }]);
      expect(second.json()).toEqual({ record: { to: 'subject-1', count: 2 } });
    } finally {
      await app.close();
    }
    const redis = new Redis(TEST_REDIS_URL);
    try {
      expect(await redis.ttl(`${prefix}floor:record:subject-1`)).toBeGreaterThan(0);
      expect(await redis.get(`${prefix}floor:count:subject-1`)).toBe('2');
    } finally {
      redis.disconnect();
    }
  });
});

describe('the bench report (bench/report.ts)', () => {
  const run = (rps: number, p99Ms: number, cpuMsPerRequest: number, peakRssMB: number): MeasuredRun => ({
    rps,
    p50Ms: p99Ms / 2,
    p99Ms,
    responses: rps * 5,
    statusCounts: { 200: rps * 5 },
    errors: 0,
    durationS: 5,
    unexpected: 0,
    samples: [],
    service: { cpuMsPerRequest, peakRssMB },
    emulator: {},
  });
  const floorRun = (rps: number) => ({ ...run(rps, 5, 0.1, 60), floor: { cpuMsPerRequest: 0.1 } });
  const ceiling = { hashMs: 20, verifyMs: 20, hashesPerS: 100, verifiesPerS: 100, concurrency: 4 };
  const scenario = (name: 'start' | 'check' | 'flood', rps: number, halfP99: number) => ({
    name,
    saturation: run(rps, 100, 1, 140),
    half: { ...run(rps / 2, halfP99, 1, 120), rate: rps / 2 },
  });
  const rounds: Round[] = [
    {
      floor: [floorRun(8000), floorRun(10000), floorRun(9000)],
      sets: [
        {
          set: { label: 'default', memoryCost: 19456, timeCost: 2, parallelism: 1 },
          ceiling,
          scenarios: [scenario('start', 95, 50), scenario('check', 80, 70)],
          servicePeakRssMB: 140,
          floorRps: 9000,
          floorCpuMsPerRequest: 0.1,
        },
        {
          set: { label: 'minimal', memoryCost: 1024, timeCost: 1, parallelism: 1 },
          ceiling: { ...ceiling, hashMs: 1, verifyMs: 1, hashesPerS: 3000, verifiesPerS: 3000 },
          scenarios: [scenario('start', 1800, 20), scenario('check', 4500, 10), scenario('flood', 4000, 5)],
          servicePeakRssMB: 160,
          floorRps: 9000,
          floorCpuMsPerRequest: 0.1,
        },
      ],
    },
  ];

  it('states each of the issue targets against the floor and the ceiling measured next to each set, met or not', () => {
    const summary = summarize(rounds);
    expect(summary.floorRps).toBe(9000);
    const verdicts = Object.fromEntries(summary.ratios.filter((r) => r.target).map((r) => [r.what, r.met]));
    expect(verdicts).toEqual({
      'default hashing: start / raw argon2 hash ceiling': true, // 95 of 100
      'default hashing: wrong-code check / raw argon2 verify ceiling': false, // 80 of 100
      'default hashing: start p99 at half load / one hash': true, // 50 ms, 2.5 hashes
      'default hashing: check p99 at half load / one verify': false, // 70 ms, 3.5 verifies
      'minimal hashing: wrong-code check / floor': true, // 4500 of 9000
      'minimal hashing: start / floor': false, // 1800 of 9000
      'minimal hashing: flood of starts to one number (429) / floor': false, // 4000 of 9000
      'default hashing: service peak RSS at saturation, MB': true,
      'minimal hashing: service peak RSS at saturation, MB': false,
    });
  });
});

describe('process usage from /proc (bench/processes.ts)', () => {
  it('reads resident memory and CPU time of a live process, and nothing of one that is gone', () => {
    const mine = usage(process.pid);
    expect(mine?.rssBytes).toBeGreaterThan(1024 * 1024);
    expect(mine?.cpuMs).toBeGreaterThan(0);
    expect(usage(2 ** 22 + 1)).toBeUndefined(); // above Linux's highest pid
  });
});
