import { auth, codeIn, latestMessage, RunningService, startService } from '../support/service';
import { wrongCodeFor } from '../support/clients';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Prometheus text format, the lines we need: `name{a="x",b="y"} value`. */
function parse(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!match) throw new Error(`unparseable metrics line: ${line}`);
      const labels = Object.fromEntries(
        [...(match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((m) => [
          m[1],
          m[2],
        ]),
      );
      return { name: match[1], labels, value: Number(match[3]) };
    });
}

function value(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  return samples.find(
    (s) =>
      s.name === name &&
      Object.keys(labels).length === Object.keys(s.labels).length &&
      Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  )?.value;
}

describe('GET /metrics (Prometheus)', () => {
  let svc: RunningService;
  const secrets: string[] = [];

  beforeAll(async () => {
    svc = await startService({ OTP_MAX_ATTEMPTS: '2', NOTIFY_MAX_ATTEMPTS: '2' }, 'metrics');
  });
  afterAll(() => svc.close());

  async function start(to: string, channel: 'sms' | 'voice' = 'sms') {
    const res = await svc.http.post('/v1/verifications').set(auth).send({ to, channel });
    expect(res.status).toBe(201);
    const code = codeIn(latestMessage(svc.emulator, to));
    secrets.push(res.body.id as string, code, to.slice(1));
    return { id: res.body.id as string, code };
  }
  const check = (id: string, code: string) =>
    svc.http.post(`/v1/verifications/${id}/check`).set(auth).send({ code });

  async function scrape(): Promise<Sample[]> {
    const res = await svc.http.get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return parse(res.text);
  }

  it('counts verifications by event, channel and country; checks by result; Notify calls; refusals', async () => {
    const approved = await start('+12065550150');
    expect((await check(approved.id, wrongCodeFor(approved.code))).body.status).toBe('pending');
    expect((await check(approved.id, approved.code)).body.status).toBe('approved');

    const called = await start('+12065550151', 'voice');
    expect((await svc.http.post(`/v1/verifications/${called.id}/cancel`).set(auth)).status).toBe(200);

    const failed = await start('+12065550152');
    await check(failed.id, wrongCodeFor(failed.code));
    expect((await check(failed.id, wrongCodeFor(failed.code))).body.status).toBe('failed');

    await start('+442071838750'); // GB
    await start('+442071838750'); // replaces the pending one

    expect((await check('VE0000000000000000000000000000', '123456')).status).toBe(404);
    for (const finished of [approved, failed]) {
      const res = await svc.http.post(`/v1/verifications/${finished.id}/resend`).set(auth).send({});
      expect(res.status).toBe(409);
    }
    const pending = await start('+12065550153');
    expect((await svc.http.post(`/v1/verifications/${pending.id}/resend`).set(auth).send({})).status).toBe(
      429,
    );
    expect((await svc.http.get('/v1/verifications/x')).status).toBe(401);

    svc.emulator.injectFault({
      operation: 'SendNotifyTextMessage',
      exception: 'ThrottlingException',
      times: 2,
    });
    expect((await svc.http.post('/v1/verifications').set(auth).send({ to: '+12065550155' })).status).toBe(
      503,
    );

    svc.clock.advance(601_000);
    expect((await check(pending.id, pending.code)).body.status).toBe('expired');

    const samples = await scrape();
    const verifications = (event: string, channel: string, country = 'US') =>
      value(samples, 'otp_verifications_total', { event, channel, country });
    expect(verifications('started', 'sms')).toBe(3);
    expect(verifications('started', 'voice')).toBe(1);
    expect(verifications('started', 'sms', 'GB')).toBe(2);
    expect(verifications('replaced', 'sms', 'GB')).toBe(1);
    expect(verifications('approved', 'sms')).toBe(1);
    expect(verifications('failed', 'sms')).toBe(1);
    expect(verifications('canceled', 'voice')).toBe(1);

    const checks = (result: string) => value(samples, 'otp_checks_total', { result });
    expect(checks('approved')).toBe(1);
    expect(checks('rejected')).toBe(2);
    expect(checks('failed')).toBe(1);
    expect(checks('not_found')).toBe(1);
    expect(checks('expired')).toBe(1);

    expect(
      value(samples, 'otp_notify_calls_total', { operation: 'SendNotifyTextMessage', outcome: 'ok' }),
    ).toBe(5);
    expect(
      value(samples, 'otp_notify_calls_total', { operation: 'SendNotifyVoiceMessage', outcome: 'ok' }),
    ).toBe(1);
    expect(
      value(samples, 'otp_notify_calls_total', { operation: 'SendNotifyTextMessage', outcome: 'throttled' }),
    ).toBe(1);
    expect(
      value(samples, 'otp_notify_call_duration_seconds_count', { operation: 'SendNotifyTextMessage' }),
    ).toBe(6);
    expect(
      value(samples, 'otp_notify_call_duration_seconds_bucket', {
        operation: 'SendNotifyTextMessage',
        le: '+Inf',
      }),
    ).toBe(6);

    const problems = (status: string, code: string) => value(samples, 'otp_problems_total', { status, code });
    expect(problems('401', 'unauthorized')).toBe(1);
    expect(problems('404', 'verification_not_found')).toBe(1);
    expect(problems('409', 'verification_not_pending')).toBe(2);
    expect(problems('429', 'resend_too_soon')).toBe(1);
    expect(problems('503', 'notify_unavailable')).toBe(1);
    expect(value(samples, 'otp_rate_limit_refusals_total', { policy: 'resend_too_soon' })).toBe(1);

    expect(value(samples, 'otp_outbox_depth')).toBeGreaterThanOrEqual(0);
    expect(value(samples, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
  });

  it('never puts a number, a code or a verification id in a label', async () => {
    const samples = await scrape();
    const labelValues = samples.flatMap((s) => Object.values(s.labels));
    expect(secrets.length).toBeGreaterThan(10);
    for (const secret of secrets) {
      expect(labelValues.filter((label) => label.includes(secret))).toEqual([]);
    }
    const ours = samples.filter((s) => s.name.startsWith('otp_'));
    for (const sample of ours) {
      for (const [name, label] of Object.entries(sample.labels)) {
        if (name === 'le') continue;
        expect(label).toMatch(/^(?:[a-z_]+|[A-Z][A-Za-z]+|[A-Z]{2}|[1-5]\d\d)$/);
      }
    }
  });

  it('needs no API key', async () => {
    expect((await svc.http.get('/metrics')).status).toBe(200);
  });

  it("counts the answers given before a route runs: the router's refusals and a body that is not JSON", async () => {
    const problems = async () => {
      const samples = await scrape();
      return (status: string, code: string) => value(samples, 'otp_problems_total', { status, code }) ?? 0;
    };
    const before = await problems();

    const form = await svc.http.post('/v1/verifications').set(auth).type('form').send('to=%2B12065550100');
    expect(form.status).toBe(415);
    const tooLong = await svc.http.get(`/v1/verifications/VE${'a'.repeat(500)}`).set(auth);
    expect(tooLong.status).toBe(414);
    const malformed = await svc.http.get('/v1/verifications/%E0%A4%A').set(auth);
    expect(malformed.status).toBe(400);

    const after = await problems();
    expect(after('415', 'unsupported_media_type') - before('415', 'unsupported_media_type')).toBe(1);
    expect(after('414', 'uri_too_long') - before('414', 'uri_too_long')).toBe(1);
    expect(after('400', 'invalid_request') - before('400', 'invalid_request')).toBe(1);
  });
});

describe.each([
  ['Redis', {}],
  ['the in-process stores', { REDIS_URL: '' }],
])('expired verifications, counted by the expiry watch (%s)', (_name, env: Record<string, string>) => {
  let svc: RunningService;

  beforeAll(async () => {
    svc = await startService(env, 'metrics-expiry');
  });
  afterAll(() => svc.close());

  async function start(to: string, channel: 'sms' | 'auto') {
    const res = await svc.http.post('/v1/verifications').set(auth).send({ to, channel });
    expect(res.status).toBe(201);
    return { id: res.body.id as string, code: codeIn(latestMessage(svc.emulator, to)) };
  }
  async function resend(id: string) {
    expect((await svc.http.post(`/v1/verifications/${id}/resend`).set(auth).send({})).status).toBe(200);
  }
  async function expired(): Promise<Record<string, number>> {
    const res = await svc.http.get('/metrics');
    const samples = parse(res.text).filter(
      (s) => s.name === 'otp_verifications_total' && s.labels.event === 'expired',
    );
    return Object.fromEntries(samples.map((s) => [`${s.labels.channel} ${s.labels.country}`, s.value]));
  }

  it('counts each verification left pending past its last expiry once; an approved one or an old deadline never', async () => {
    // t = 0 s; each code lives 600 s. The outbox settles only with no deadline within a minute ahead.
    await start('+12065550170', 'sms'); // left pending: expires at 600 s
    const approved = await start('+12065550171', 'sms');
    const check = await svc.http
      .post(`/v1/verifications/${approved.id}/check`)
      .set(auth)
      .send({ code: approved.code });
    expect(check.body.status).toBe('approved');
    const resentOnTime = await start('+12065550172', 'auto'); // the resend calls: labelled voice
    svc.clock.advance(100_000); // t = 100 s
    await resend(resentOnTime.id); // expires at 700 s instead
    const resentLate = await start('+442071838760', 'sms'); // expires at 700 s
    svc.clock.advance(100_000); // t = 200 s
    await resend(resentLate.id); // expires at 800 s instead
    await svc.settle();
    expect(await expired()).toEqual({});

    svc.clock.advance(401_000); // t = 601 s: past the first deadlines only
    await svc.settle();
    expect(await expired()).toEqual({ 'sms US': 1 });

    svc.clock.advance(200_000); // t = 801 s: both of the last one's deadlines come due at once
    await svc.settle();
    expect(await expired()).toEqual({ 'sms US': 1, 'voice US': 1, 'sms GB': 1 });

    svc.clock.advance(3_600_000);
    await svc.settle();
    expect(await expired()).toEqual({ 'sms US': 1, 'voice US': 1, 'sms GB': 1 });
  });
});
