import Redis from 'ioredis';
import { eventually, RedisProcess } from '../support/redis-process';
import { auth, codeIn, latestMessage, RunningService, startService } from '../support/service';

/**
 * Issue 10: under Redis and Notify faults the answer tells what happened, and a retry with the same Idempotency-Key
 * learns it. Each test: the answer, what Redis holds afterwards, how many messages the emulator recorded, and what a
 * retry with the key answers. Redis is a child of this test (port 6401), paused with SIGSTOP at a chosen step.
 */
describe('Honest outcomes under Redis and Notify faults', () => {
  let redis: RedisProcess;
  let admin: Redis;
  let svc: RunningService;

  beforeAll(async () => {
    redis = new RedisProcess(6401);
    await redis.start();
    admin = redis.client();
    svc = await startService(
      {
        REDIS_URL: redis.url,
        REDIS_COMMAND_TIMEOUT_MS: '300',
        NOTIFY_TIMEOUT_MS: '1000',
        // A hash slow enough (tens of ms) that a pause on the reserve's keyspace event lands before the approval.
        ARGON2_MEMORY_KIB: '65536',
        ARGON2_TIME_COST: '3',
      },
      'honest-outcomes',
    );
  });
  afterAll(async () => {
    redis.resume();
    admin?.disconnect();
    await svc?.close();
    await redis.kill();
  });
  afterEach(() => {
    redis.resume();
    svc.emulator.clearFaults();
  });

  const ready = async () => (await svc.http.get('/health/ready')).status === 200;

  async function started(to: string) {
    const res = await svc.http.post('/v1/verifications').set(auth).send({ to, channel: 'sms' });
    expect(res.status).toBe(201);
    return { id: res.body.id as string, code: codeIn(latestMessage(svc.emulator, to)) };
  }

  /** Pauses Redis as soon as a script takes a check attempt on this verification (HINCRBY on its record). */
  async function pauseAfterReserve(id: string): Promise<Redis> {
    await admin.config('SET', 'notify-keyspace-events', 'Kh');
    const subscriber = redis.client();
    const channel = `__keyspace@0__:${svc.prefix}v:{${id.slice(2, 6)}}:${id}`;
    let paused = false; // once: the approval or rejection that follows increments the record too
    subscriber.on('message', (_channel: string, event: string) => {
      if (event !== 'hincrby' || paused) return;
      paused = true;
      redis.pause();
    });
    await subscriber.subscribe(channel);
    return subscriber;
  }

  function expectOutcomeUnknown(res: { status: number; headers: Record<string, string>; body: unknown }) {
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.body).toMatchObject({ code: 'outcome_unknown' });
    expect((res.body as { detail: string }).detail).toContain('same Idempotency-Key');
  }

  /** The code of the latest message to `to` approves verification `id`: the code that went out works. */
  async function expectLatestCodeApproves(id: string, to: string): Promise<void> {
    const check = await svc.http
      .post(`/v1/verifications/${id}/check`)
      .set(auth)
      .send({ code: codeIn(latestMessage(svc.emulator, to)) });
    expect(check.body).toMatchObject({ valid: true, status: 'approved' });
  }

  it('a right-code check whose approval timed out: 503 outcome_unknown; the retry with its key answers valid: true', async () => {
    const to = '+12065550160';
    const { id, code } = await started(to);
    const subscriber = await pauseAfterReserve(id);
    try {
      const first = await svc.http
        .post(`/v1/verifications/${id}/check`)
        .set(auth)
        .set('Idempotency-Key', 'check-160')
        .send({ code });
      expectOutcomeUnknown(first);
    } finally {
      redis.resume();
      subscriber.disconnect();
    }
    await eventually(ready, 10_000, 'readiness after Redis resumed');

    // What Redis holds: the approval the paused server ran when it resumed.
    expect(await admin.hget(`${svc.prefix}v:{${id.slice(2, 6)}}:${id}`, 'status')).toBe('approved');
    expect(svc.emulator.messages({ to })).toHaveLength(1);

    const retry = await svc.http
      .post(`/v1/verifications/${id}/check`)
      .set(auth)
      .set('Idempotency-Key', 'check-160')
      .send({ code });
    expect(retry.status).toBe(200);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body).toEqual({ id, valid: true, status: 'approved', attemptsRemaining: 4 });

    // Without the key the login cannot be approved twice, and the answer says what happened.
    const keyless = await svc.http.post(`/v1/verifications/${id}/check`).set(auth).send({ code });
    expect(keyless.body).toMatchObject({ valid: false, status: 'approved' });
  });

  it('a wrong-code check whose rejection timed out: the retry with its key answers the recorded rejection, counted once', async () => {
    const to = '+12065550161';
    const { id, code } = await started(to);
    const wrong = code === '000000' ? '111111' : '000000';
    const subscriber = await pauseAfterReserve(id);
    try {
      expectOutcomeUnknown(
        await svc.http
          .post(`/v1/verifications/${id}/check`)
          .set(auth)
          .set('Idempotency-Key', 'check-161')
          .send({ code: wrong }),
      );
    } finally {
      redis.resume();
      subscriber.disconnect();
    }
    await eventually(ready, 10_000, 'readiness after Redis resumed');
    const retry = await svc.http
      .post(`/v1/verifications/${id}/check`)
      .set(auth)
      .set('Idempotency-Key', 'check-161')
      .send({ code: wrong });
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body).toEqual({ id, valid: false, status: 'pending', attemptsRemaining: 4 });
    expect(await admin.hget(`${svc.prefix}v:{${id.slice(2, 6)}}:${id}`, 'failures')).toBe('1');
  });

  /** Starts with a key while the send waits 400 ms in the emulator (under NOTIFY_TIMEOUT_MS); `during` runs then. */
  async function startDuringSend(to: string, key: string, during: () => Promise<void>) {
    svc.emulator.injectFault({ operation: 'SendNotifyTextMessage', delayMs: 400 });
    const pending = svc.http
      .post('/v1/verifications')
      .set(auth)
      .set('Idempotency-Key', key)
      .send({ to, channel: 'sms' })
      .then((res) => res);
    await eventually(async () => svc.emulator.pendingFaults() === 0, 5000, 'the send to reach the emulator');
    await during();
    return pending;
  }

  it('a start whose record write timed out after the send: 503 outcome_unknown; the retry with its key answers the 201, no second send', async () => {
    const to = '+12065550162';
    // Writes (scripts) wait, reads pass: the start's commit is sent and unanswered within the command timeout.
    const first = await startDuringSend(to, 'start-162', async () => {
      await admin.call('CLIENT', 'PAUSE', '1500', 'WRITE');
    });
    expectOutcomeUnknown(first);
    expect(svc.emulator.messages({ to })).toHaveLength(1);
    const sentFor = latestMessage(svc.emulator, to).context?.verificationId ?? '';
    const record = `${svc.prefix}v:{${sentFor.slice(2, 6)}}:${sentFor}`;
    await eventually(
      async () => (await admin.hget(record, 'status')) === 'pending',
      5000,
      'the commit to land',
    );

    const retry = await svc.http
      .post('/v1/verifications')
      .set(auth)
      .set('Idempotency-Key', 'start-162')
      .send({ to, channel: 'sms' });
    expect(retry.status).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body).toMatchObject({ to, status: 'pending' });
    expect(svc.emulator.messages({ to })).toHaveLength(1); // no second send
    const id = retry.body.id as string;
    expect(id).toBe(sentFor);
    const check = await svc.http
      .post(`/v1/verifications/${id}/check`)
      .set(auth)
      .send({ code: codeIn(latestMessage(svc.emulator, to)) });
    expect(check.body).toMatchObject({ valid: true, status: 'approved' });
  });

  it('a start whose store went away during the send: 503 saying the code was sent and will not work; the retry with its key sends one that does', async () => {
    const to = '+12065550166';
    // Killed (not paused): the record write is refused before it is sent, so its outcome is known.
    const first = await startDuringSend(to, 'start-166', () => redis.kill());
    expect(first.status).toBe(503);
    expect(first.body).toMatchObject({ code: 'store_unavailable' });
    expect(first.body.detail).toContain('A code was sent');
    expect(svc.emulator.messages({ to })).toHaveLength(1);
    await redis.start(); // empty: no persistence
    admin.disconnect();
    admin = redis.client();
    await eventually(ready, 10_000, 'readiness after Redis restarted');
    const sentFor = latestMessage(svc.emulator, to).context?.verificationId ?? '';
    expect(await admin.exists(`${svc.prefix}v:{${sentFor.slice(2, 6)}}:${sentFor}`)).toBe(0);

    const retry = await svc.http
      .post('/v1/verifications')
      .set(auth)
      .set('Idempotency-Key', 'start-166')
      .send({ to, channel: 'sms' });
    expect(retry.status).toBe(201);
    expect(svc.emulator.messages({ to })).toHaveLength(2);
    await expectLatestCodeApproves(retry.body.id as string, to);
  });

  it('a resend whose new code timed out after the send: 503 outcome_unknown; the retry with its key answers the 200 with the new send', async () => {
    const to = '+12065550167';
    const { id } = await started(to);
    svc.clock.advance(31_000); // past the resend cooldown
    svc.emulator.injectFault({ operation: 'SendNotifyTextMessage', delayMs: 400 });
    const pending = svc.http
      .post(`/v1/verifications/${id}/resend`)
      .set(auth)
      .set('Idempotency-Key', 'resend-167')
      .send({})
      .then((res) => res);
    await eventually(async () => svc.emulator.pendingFaults() === 0, 5000, 'the send to reach the emulator');
    await admin.call('CLIENT', 'PAUSE', '1500', 'WRITE');
    expectOutcomeUnknown(await pending);
    expect(svc.emulator.messages({ to })).toHaveLength(2);
    const record = `${svc.prefix}v:{${id.slice(2, 6)}}:${id}`;
    await eventually(
      async () => (await admin.hget(record, 'codeVersion')) === '2',
      5000,
      'the commit to land',
    );

    const retry = await svc.http
      .post(`/v1/verifications/${id}/resend`)
      .set(auth)
      .set('Idempotency-Key', 'resend-167')
      .send({});
    expect(retry.status).toBe(200);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(svc.emulator.messages({ to })).toHaveLength(2); // no third send
    const read = await svc.http.get(`/v1/verifications/${id}`).set(auth);
    expect(retry.body).toEqual(read.body);
    expect(retry.body.sendAttempts).toHaveLength(2);
    const check = await svc.http
      .post(`/v1/verifications/${id}/check`)
      .set(auth)
      .send({ code: codeIn(latestMessage(svc.emulator, to)) });
    expect(check.body).toMatchObject({ valid: true, status: 'approved' });
  });

  it('a resend with a key answers the same body the first time and on replay', async () => {
    const to = '+12065550168';
    const { id } = await started(to);
    svc.clock.advance(31_000);
    const first = await svc.http
      .post(`/v1/verifications/${id}/resend`)
      .set(auth)
      .set('Idempotency-Key', 'resend-168')
      .send({ channel: 'sms' });
    expect(first.status).toBe(200);
    const again = await svc.http
      .post(`/v1/verifications/${id}/resend`)
      .set(auth)
      .set('Idempotency-Key', 'resend-168')
      .send({ channel: 'sms' });
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
  });

  it('Notify slower than NOTIFY_TIMEOUT_MS: one attempt, 503 notify_timeout, the send counted; the retry with its key sends a working code', async () => {
    const to = '+12065550163';
    svc.emulator.injectFault({ operation: 'SendNotifyTextMessage', delayMs: 1500 });
    const first = await svc.http
      .post('/v1/verifications')
      .set(auth)
      .set('Idempotency-Key', 'start-163')
      .send({ to, channel: 'sms' });
    expect(first.status).toBe(503);
    expect(first.body).toMatchObject({ code: 'notify_timeout' });
    expect(first.body.detail).toContain('same Idempotency-Key');
    // The delayed call still delivers: one message, not retried by the SDK.
    await eventually(async () => svc.emulator.messages({ to }).length === 1, 5000, 'the late message');
    // Counted against the number's limits: the quarter hour's count holds it (no refund).
    const counts = await admin.keys(`${svc.prefix}rl:*`);
    expect(counts.length).toBeGreaterThan(0);

    const retry = await svc.http
      .post('/v1/verifications')
      .set(auth)
      .set('Idempotency-Key', 'start-163')
      .send({ to, channel: 'sms' });
    expect(retry.status).toBe(201);
    expect(Number(retry.headers['ratelimit-remaining'])).toBeLessThan(
      Number(retry.headers['ratelimit-limit']) - 1,
    );
    expect(svc.emulator.messages({ to })).toHaveLength(2);
    await expectLatestCodeApproves(retry.body.id as string, to);
  });

  it('racing right-code checks: one approves, the losers are told approved', async () => {
    const to = '+12065550164';
    const { id, code } = await started(to);
    const answers = await Promise.all(
      Array.from({ length: 4 }, () =>
        svc.http.post(`/v1/verifications/${id}/check`).set(auth).send({ code }),
      ),
    );
    expect(answers.filter((res) => res.body.valid === true)).toHaveLength(1);
    expect(answers.map((res) => res.body.status)).toEqual(['approved', 'approved', 'approved', 'approved']);
  });

  it('a check by number whose approval timed out: the retry with its key answers valid: true and the id', async () => {
    const to = '+12065550169';
    const { id, code } = await started(to);
    const subscriber = await pauseAfterReserve(id);
    try {
      expectOutcomeUnknown(
        await svc.http
          .post('/v1/verification-checks')
          .set(auth)
          .set('Idempotency-Key', 'by-number-169')
          .send({ to, code }),
      );
    } finally {
      redis.resume();
      subscriber.disconnect();
    }
    await eventually(ready, 10_000, 'readiness after Redis resumed');
    expect(await admin.hget(`${svc.prefix}v:{${id.slice(2, 6)}}:${id}`, 'status')).toBe('approved');
    const retry = await svc.http
      .post('/v1/verification-checks')
      .set(auth)
      .set('Idempotency-Key', 'by-number-169')
      .send({ to, code });
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body).toEqual({ valid: true, status: 'approved', id });
  });

  it('SCRIPT FLUSH between requests: the next check loads its script again and the key still replays', async () => {
    const to = '+12065550165';
    const { id, code } = await started(to);
    await admin.script('FLUSH');
    const first = await svc.http
      .post(`/v1/verifications/${id}/check`)
      .set(auth)
      .set('Idempotency-Key', 'check-165')
      .send({ code });
    expect(first.body).toMatchObject({ valid: true, status: 'approved' });
    await admin.script('FLUSH');
    const retry = await svc.http
      .post(`/v1/verifications/${id}/check`)
      .set(auth)
      .set('Idempotency-Key', 'check-165')
      .send({ code });
    expect(retry.body).toEqual(first.body);
    expect(svc.emulator.messages({ to })).toHaveLength(1);
  });
});
