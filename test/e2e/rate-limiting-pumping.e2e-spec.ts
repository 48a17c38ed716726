import { EventEmitter2 } from '@nestjs/event-emitter';
import { EventOf } from '../../src/core/domain-events';
import { auth, codeIn, latestMessage, RunningService, startService } from '../support/service';

/** `+1` area code, exchange 555, then four digits: sequential numbers of one prefix (`+1<area>555`). */
const number = (area: number, line: number) => `+1${area}555${String(line).padStart(4, '0')}`;

describe('the SMS-pumping guard over HTTP', () => {
  let svc: RunningService;
  const blocks: EventOf<'rate_limit.prefix_blocked'>[] = [];

  beforeAll(async () => {
    svc = await startService(
      { PUMPING_MIN_SENDS: '10', PUMPING_MIN_APPROVAL_PERCENT: '20', PUMPING_BLOCK_SECONDS: '43200' },
      'rl-pumping',
    );
    svc.app
      .get(EventEmitter2)
      .on('rate_limit.prefix_blocked', (event: EventOf<'rate_limit.prefix_blocked'>) => blocks.push(event));
  });
  afterAll(() => svc.close());

  const start = (to: string) => svc.http.post('/v1/verifications').set(auth).send({ to, channel: 'sms' });

  async function startAndApprove(to: string, approve: boolean): Promise<number> {
    const res = await start(to);
    if (res.status === 201 && approve) {
      const code = codeIn(latestMessage(svc.emulator, to));
      const check = await svc.http.post(`/v1/verifications/${res.body.id}/check`).set(auth).send({ code });
      expect(check.body.valid).toBe(true);
    }
    return res.status;
  }

  async function metric(name: string): Promise<number> {
    const res = await svc.http.get('/metrics');
    const line = res.text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
    return line ? Number(line.split(' ').pop()) : 0;
  }

  it('does not trip on the same volume spread across prefixes, nor on a busy prefix whose codes are used', async () => {
    const spread = [206, 212, 312, 415].flatMap((area) => [0, 1, 2, 3, 4].map((i) => number(area, 2000 + i)));
    for (const [i, to] of spread.entries()) expect(await startAndApprove(to, i % 4 !== 0)).toBe(201);
    for (let i = 0; i < 25; i++) expect(await startAndApprove(number(617, 2000 + i), i % 3 !== 0)).toBe(201);
    expect(blocks).toEqual([]);
  });

  it('trips on a burst to sequential numbers of one prefix with no approvals, and says so in logs and metrics', async () => {
    svc.clock.startWindow(3600_000);
    const burst = Array.from({ length: 20 }, (_, i) => number(305, 100 + i));
    const answers = await Promise.all(burst.map(start));
    expect(answers.filter((res) => res.status === 201)).toHaveLength(10);
    const refused = answers.filter((res) => res.status === 429);
    expect(refused).toHaveLength(10);
    for (const res of refused) {
      expect(res.body.code).toBe('prefix_blocked');
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(43000);
    }
    expect(burst.flatMap((to) => svc.emulator.messages({ to }))).toHaveLength(10);

    expect(blocks[0]).toMatchObject({
      type: 'rate_limit.prefix_blocked',
      prefix: '+1305555',
      sends: 10,
      approvals: 0,
    });
    const logged = svc.logs.map((line) => JSON.parse(line)).find((entry) => entry.event === 'prefix_blocked');
    // Log lines mask anything that looks like a phone number, a prefix too; the event and Redis keep it whole.
    expect(logged).toMatchObject({
      prefix: expect.stringMatching(/^\+1305/),
      sends: 10,
      blockSeconds: 43200,
    });
    expect(await metric('otp_prefix_blocks_total')).toBeGreaterThanOrEqual(1);
  });

  it('a blocked prefix refuses new numbers and resends alike; other prefixes go on; the block ends after its time', async () => {
    const sent = svc.emulator.messages({ to: number(305, 100) })[0];
    const res = await start(number(305, 9999));
    expect(res.status).toBe(429);
    expect(res.body.code).toBe('prefix_blocked');
    const id = sent.context.verificationId;
    svc.clock.advance(31_000);
    const resend = await svc.http.post(`/v1/verifications/${id}/resend`).set(auth).send({});
    expect(resend.status).toBe(429);
    expect(resend.body.code).toBe('prefix_blocked');
    expect((await start('+13055567000')).status).toBe(201);

    svc.clock.advance(43200_000);
    expect((await start(number(305, 9999))).status).toBe(201);
  });
});
