import { auth, codeIn, latestMessage, RunningService, startService } from '../support/service';
import { wrongCodeFor } from '../support/clients';

describe('verification flow over HTTP (real SDK -> Notify emulator, real Redis)', () => {
  let svc: RunningService;

  beforeAll(async () => {
    svc = await startService({ RESEND_COOLDOWN_SECONDS: '30', MAX_SENDS_PER_VERIFICATION: '3' }, 'flow');
  });
  afterAll(() => svc.close());

  async function start(body: Record<string, unknown>) {
    const res = await svc.http.post('/v1/verifications').set(auth).send(body);
    expect(res.status).toBe(201);
    return res.body as { id: string; sendAttempts: { messageId: string; channel: string }[] } & Record<
      string,
      unknown
    >;
  }

  it('sends a code by SMS, refuses a wrong one, approves the right one once, and reports RECEIVED', async () => {
    const to = '+12065550100';
    const created = await start({ to, purpose: 'login' });
    expect(created).toMatchObject({
      to,
      status: 'pending',
      channel: 'auto',
      purpose: 'login',
      attemptsRemaining: 5,
      sendAttempts: [{ channel: 'sms' }],
    });
    expect(Date.parse(created.expiresAt as string) - Date.now()).toBeGreaterThan(9 * 60_000);

    const message = latestMessage(svc.emulator, to);
    expect(message.channel).toBe('SMS');
    expect(message.messageId).toBe(created.sendAttempts[0].messageId);
    expect(message.context).toEqual({ verificationId: created.id });
    expect(message.messageFeedbackEnabled).toBe(true);
    expect(message.timeToLive).toBe(600);
    const code = codeIn(message);

    const wrong = await svc.http
      .post(`/v1/verifications/${created.id}/check`)
      .set(auth)
      .send({ code: wrongCodeFor(code) });
    expect(wrong.status).toBe(200);
    expect(wrong.body).toEqual({ id: created.id, valid: false, status: 'pending', attemptsRemaining: 4 });

    const right = await svc.http.post(`/v1/verifications/${created.id}/check`).set(auth).send({ code });
    expect(right.body).toEqual({ id: created.id, valid: true, status: 'approved', attemptsRemaining: 3 });

    const again = await svc.http.post(`/v1/verifications/${created.id}/check`).set(auth).send({ code });
    expect(again.body).toMatchObject({ valid: false, status: 'approved' });

    const read = await svc.http.get(`/v1/verifications/${created.id}`).set(auth);
    expect(read.body).toMatchObject({ id: created.id, status: 'approved', nextResendAt: null });

    await svc.settle();
    expect(latestMessage(svc.emulator, to).feedbackStatus).toBe('RECEIVED');
  });

  it('calls with the digits spaced for text-to-speech when voice is asked for', async () => {
    const to = '+12065550102';
    const created = await start({ to, channel: 'voice', voiceId: 'MATTHEW' });
    const message = latestMessage(svc.emulator, to);
    expect(message.channel).toBe('VOICE');
    expect(message.voiceId).toBe('MATTHEW');
    expect(message.resolvedMessageBody).toMatch(/(\d\. ){5}\d\./);
    const res = await svc.http
      .post(`/v1/verifications/${created.id}/check`)
      .set(auth)
      .send({ code: codeIn(message) });
    expect(res.body).toMatchObject({ valid: true, status: 'approved' });
  });

  it('falls back to a call on resend, and the new code replaces the old one', async () => {
    const to = '+12065550103';
    const created = await start({ to });
    const oldCode = codeIn(latestMessage(svc.emulator, to));

    const early = await svc.http.post(`/v1/verifications/${created.id}/resend`).set(auth).send({});
    expect(early.status).toBe(429);
    expect(early.headers['content-type']).toContain('application/problem+json');
    expect(early.body.code).toBe('resend_too_soon');
    expect(Number(early.headers['retry-after'])).toBeGreaterThan(0);

    svc.clock.advance(31_000);
    const resent = await svc.http.post(`/v1/verifications/${created.id}/resend`).set(auth).send({});
    expect(resent.status).toBe(200);
    expect(resent.body.sendAttempts.map((s: { channel: string }) => s.channel)).toEqual(['sms', 'voice']);
    const call = latestMessage(svc.emulator, to);
    expect(call.channel).toBe('VOICE');
    const newCode = codeIn(call);

    if (oldCode !== newCode) {
      const stale = await svc.http
        .post(`/v1/verifications/${created.id}/check`)
        .set(auth)
        .send({ code: oldCode });
      expect(stale.body).toMatchObject({ valid: false, status: 'pending' });
    }
    const fresh = await svc.http
      .post(`/v1/verifications/${created.id}/check`)
      .set(auth)
      .send({ code: newCode });
    expect(fresh.body).toMatchObject({ valid: true, status: 'approved' });
  });

  it('refuses a resend after the send budget is spent', async () => {
    const to = '+12065550104';
    const created = await start({ to, channel: 'sms' });
    for (let i = 0; i < 2; i++) {
      svc.clock.advance(31_000);
      expect((await svc.http.post(`/v1/verifications/${created.id}/resend`).set(auth).send({})).status).toBe(
        200,
      );
    }
    svc.clock.advance(31_000);
    const refused = await svc.http.post(`/v1/verifications/${created.id}/resend`).set(auth).send({});
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe('max_sends_reached');
    expect(svc.emulator.messages({ to })).toHaveLength(3);
  });

  it('fails a verification after 5 wrong codes, and then the right one no longer works', async () => {
    const to = '+12065550105';
    const created = await start({ to });
    const code = codeIn(latestMessage(svc.emulator, to));
    const statuses: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await svc.http
        .post(`/v1/verifications/${created.id}/check`)
        .set(auth)
        .send({ code: wrongCodeFor(code) });
      statuses.push(res.body.status);
    }
    expect(statuses).toEqual(['pending', 'pending', 'pending', 'pending', 'failed']);
    const late = await svc.http.post(`/v1/verifications/${created.id}/check`).set(auth).send({ code });
    expect(late.body).toEqual({ id: created.id, valid: false, status: 'failed', attemptsRemaining: 0 });
  });

  it('expires a code after its lifetime', async () => {
    const to = '+12065550106';
    const created = await start({ to });
    const code = codeIn(latestMessage(svc.emulator, to));
    svc.clock.advance(601_000);
    const res = await svc.http.post(`/v1/verifications/${created.id}/check`).set(auth).send({ code });
    expect(res.body).toMatchObject({ valid: false, status: 'expired' });
    expect((await svc.http.get(`/v1/verifications/${created.id}`).set(auth)).body.status).toBe('expired');
    const resend = await svc.http.post(`/v1/verifications/${created.id}/resend`).set(auth).send({});
    expect(resend.status).toBe(409);
    expect(resend.body.code).toBe('verification_not_pending');
  });

  it('cancels: the code stops working and the status says so', async () => {
    const to = '+12065550107';
    const created = await start({ to });
    const code = codeIn(latestMessage(svc.emulator, to));
    const canceled = await svc.http.post(`/v1/verifications/${created.id}/cancel`).set(auth);
    expect(canceled.status).toBe(200);
    expect(canceled.body.status).toBe('canceled');
    const check = await svc.http.post(`/v1/verifications/${created.id}/check`).set(auth).send({ code });
    expect(check.body).toMatchObject({ valid: false, status: 'canceled' });
    expect((await svc.http.post(`/v1/verifications/${created.id}/cancel`).set(auth)).status).toBe(200);
  });

  it('replaces a pending verification for the same number and purpose', async () => {
    const to = '+12065550108';
    const first = await start({ to });
    const firstCode = codeIn(latestMessage(svc.emulator, to));
    await start({ to });
    expect((await svc.http.get(`/v1/verifications/${first.id}`).set(auth)).body.status).toBe('canceled');
    const res = await svc.http
      .post(`/v1/verifications/${first.id}/check`)
      .set(auth)
      .send({ code: firstCode });
    expect(res.body.valid).toBe(false);
  });

  it('dry run validates with Notify and stores and sends nothing', async () => {
    const to = '+12065550109';
    const res = await svc.http.post('/v1/verifications').set(auth).send({ to, dryRun: true, locale: 'es' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      dryRun: true,
      channel: 'sms',
      templateId: 'notify-code-verification-spanish-001',
    });
    expect(svc.emulator.messages({ to })).toHaveLength(0);
    const check = await svc.http.post('/v1/verification-checks').set(auth).send({ to, code: '123456' });
    expect(check.body).toEqual({ valid: false, status: 'pending' });
  });

  it('checks by number: the right code approves; a wrong code and an unknown number answer alike', async () => {
    const to = '+12065550110';
    const created = await start({ to, purpose: 'signup' });
    const code = codeIn(latestMessage(svc.emulator, to));

    const wrong = await svc.http
      .post('/v1/verification-checks')
      .set(auth)
      .send({ to, code: wrongCodeFor(code), purpose: 'signup' });
    const unknown = await svc.http
      .post('/v1/verification-checks')
      .set(auth)
      .send({ to: '+12065550199', code, purpose: 'signup' });
    const otherPurpose = await svc.http.post('/v1/verification-checks').set(auth).send({ to, code });
    expect(wrong.status).toBe(200);
    expect(wrong.body).toEqual(unknown.body);
    expect(otherPurpose.body).toEqual(unknown.body);
    expect(wrong.text).toBe(unknown.text);

    const right = await svc.http
      .post('/v1/verification-checks')
      .set(auth)
      .send({ to: '+1 206 555 0110', code, purpose: 'signup' });
    expect(right.body).toEqual({ valid: true, status: 'approved', id: created.id });
  });

  it("answers 404 for an unknown id and for another API client's verification", async () => {
    const created = await start({ to: '+12065550111' });
    const unknown = await svc.http.get('/v1/verifications/VE0000000000000000000000000000').set(auth);
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('verification_not_found');
    const garbage = await svc.http.get('/v1/verifications/..%2F..%2Fetc').set(auth);
    expect(garbage.status).toBe(404);
    const noKey = await svc.http.get(`/v1/verifications/${created.id}`);
    expect(noKey.status).toBe(401);
    expect(noKey.headers['content-type']).toContain('application/problem+json');
    const badKey = await svc.http
      .get(`/v1/verifications/${created.id}`)
      .set({ Authorization: 'Bearer nope' });
    expect(badKey.status).toBe(401);
  });

  it('lists sandbox messages newest first, filtered by number', async () => {
    const to = '+12065550112';
    await start({ to, channel: 'sms' });
    await start({ to, channel: 'voice' });
    const res = await svc.http.get('/sandbox/messages').query({ to }).set(auth);
    expect(res.status).toBe(200);
    expect(res.body.map((m: { channel: string }) => m.channel)).toEqual(['voice', 'sms']);
    expect(res.body[0]).toEqual(
      expect.objectContaining({
        to,
        templateId: 'notify-code-verification-english-001',
        body: expect.any(String),
      }),
    );
  });
});
