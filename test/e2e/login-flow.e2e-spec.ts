import { FastifyInstance } from 'fastify';
import { OtpClient } from '@notify-otp/client';
import { buildLoginFlow, LoginFlowState } from '../../examples/login-flow/src/app';
import { freePort, listen, until } from '../support/listening';
import { auth, codeIn, latestMessage, RunningService, startService } from '../support/service';

const WEBHOOK_SECRET = `whsec_${Buffer.from('login-flow-example-secret-0123456789').toString('base64')}`;

interface Answer {
  status: number;
  body: {
    error?: string;
    flowId?: string;
    message?: string;
    user?: { phone: string; name: string };
  } & Record<string, unknown>;
  cookie?: string;
  retryAfter: string | null;
}

/**
 * examples/login-flow against the real service in sandbox mode (real Redis, the real SDK against the emulator), both
 * on loopback ports: the example reaches the service only through @notify-otp/client, and the service posts signed
 * status webhooks back to it.
 */
describe('examples/login-flow against the service (sandbox)', () => {
  let svc: RunningService;
  let example: FastifyInstance;
  let state: LoginFlowState;
  let exampleUrl: string;

  beforeAll(async () => {
    const examplePort = await freePort();
    svc = await startService(
      { WEBHOOKS: `sandbox=http://127.0.0.1:${examplePort}/webhooks/otp|${WEBHOOK_SECRET}` },
      'login-flow',
    );
    const serviceUrl = await listen(svc);
    ({ app: example, state } = buildLoginFlow({
      otp: new OtpClient({ baseUrl: serviceUrl, apiKey: 'sandbox' }),
      sessionSecret: 'login-flow-e2e-session-secret-0123456789',
      webhookSecret: WEBHOOK_SECRET,
    }));
    await example.listen({ port: examplePort, host: '127.0.0.1' });
    exampleUrl = `http://127.0.0.1:${examplePort}`;
  });

  afterAll(async () => {
    await example?.close();
    await svc?.close();
  });

  async function call(method: string, path: string, body?: unknown, cookie?: string): Promise<Answer> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (cookie) headers.cookie = cookie;
    const res = await fetch(exampleUrl + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const setCookie = res.headers.get('set-cookie');
    return {
      status: res.status,
      body: text ? JSON.parse(text) : {},
      cookie: setCookie ? setCookie.split(';')[0] : undefined,
      retryAfter: res.headers.get('retry-after'),
    };
  }

  const codeFor = (phone: string) => codeIn(latestMessage(svc.emulator, phone));
  const wrong = (code: string) => (code === '000000' ? '111111' : '000000');

  async function signUp(phone: string, name = 'Ada'): Promise<string> {
    const started = await call('POST', '/signup', { phone, name });
    expect(started.status).toBe(202);
    const done = await call('POST', '/signup/verify', { flowId: started.body.flowId, code: codeFor(phone) });
    expect(done.status).toBe(201);
    return done.cookie!;
  }

  it('signs up: phone number, then code (a wrong one first), then an account and a session cookie', async () => {
    const started = await call('POST', '/signup', { phone: '+1 (206) 555-0141', name: 'Grace' });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({
      phone: '+12065550141',
      channel: 'sms',
      message: 'We sent a text message to +12065550141 with a code.',
    });
    const code = codeFor('+12065550141');

    const bad = await call('POST', '/signup/verify', { flowId: started.body.flowId, code: wrong(code) });
    expect(bad).toMatchObject({ status: 400, body: { error: 'That code is not right. 4 attempts left.' } });
    expect(bad.cookie).toBeUndefined();

    const done = await call('POST', '/signup/verify', { flowId: started.body.flowId, code });
    expect(done.status).toBe(201);
    expect(done.body.user).toMatchObject({ phone: '+12065550141', name: 'Grace' });
    expect(done.cookie).toMatch(/^sid=/);

    expect(await call('GET', '/me', undefined, done.cookie)).toMatchObject({
      status: 200,
      body: { user: { phone: '+12065550141' } },
    });
    expect((await call('GET', '/me')).status).toBe(401);
    expect(await call('POST', '/signup', { phone: '+12065550141' })).toMatchObject({
      status: 409,
      body: { error: 'This number already has an account. Log in instead.' },
    });
  });

  it('logs in: phone number, then code, then a session; "send again" waits for the cooldown and can call instead', async () => {
    await signUp('+12065550142');
    expect(await call('POST', '/login', { phone: '+12065550199' })).toMatchObject({
      status: 404,
      body: { error: 'No account uses this number. Sign up first.' },
    });

    const started = await call('POST', '/login', { phone: '+12065550142' });
    expect(started.status).toBe(202);
    const smsCode = codeFor('+12065550142');

    const early = await call('POST', '/resend', { flowId: started.body.flowId });
    expect(early).toMatchObject({ status: 429, body: { error: expect.stringMatching(/^Wait \d+ seconds/) } });
    expect(Number(early.retryAfter)).toBeGreaterThan(0);

    svc.clock.advance(31_000); // past RESEND_COOLDOWN_SECONDS (30)
    const resent = await call('POST', '/resend', { flowId: started.body.flowId, channel: 'voice' });
    expect(resent).toMatchObject({
      status: 202,
      body: { channel: 'voice', message: 'We are calling +12065550142 with a code.' },
    });
    const call1 = latestMessage(svc.emulator, '+12065550142');
    expect(call1.channel).toBe('VOICE');
    const voiceCode = codeIn(call1);

    if (voiceCode !== smsCode) {
      const stale = await call('POST', '/login/verify', { flowId: started.body.flowId, code: smsCode });
      expect(stale).toMatchObject({
        status: 400,
        body: { error: 'That code is not right. 4 attempts left.' },
      });
    }
    const done = await call('POST', '/login/verify', { flowId: started.body.flowId, code: voiceCode });
    expect(done.status).toBe(200);
    expect(done.cookie).toMatch(/^sid=/);
    expect((await call('GET', '/me', undefined, done.cookie)).body.user).toMatchObject({
      phone: '+12065550142',
    });

    expect(await call('POST', '/logout', undefined, done.cookie)).toMatchObject({ status: 204 });
    expect((await call('GET', '/me', undefined, done.cookie)).status).toBe(401);
  });

  it('locks the login out after five wrong codes: even the right code is then refused', async () => {
    await signUp('+12065550143');
    const started = await call('POST', '/login', { phone: '+12065550143' });
    const code = codeFor('+12065550143');
    const answers: string[] = [];
    for (let i = 0; i < 5; i++) {
      answers.push(
        (await call('POST', '/login/verify', { flowId: started.body.flowId, code: wrong(code) })).body.error!,
      );
    }
    expect(answers).toEqual([
      'That code is not right. 4 attempts left.',
      'That code is not right. 3 attempts left.',
      'That code is not right. 2 attempts left.',
      'That code is not right. 1 attempt left.',
      'Too many wrong codes. Ask for a new code to try again.',
    ]);
    const right = await call('POST', '/login/verify', { flowId: started.body.flowId, code });
    expect(right).toMatchObject({
      status: 410,
      body: { error: 'This code request has ended. Start again.' },
    });
    expect(right.cookie).toBeUndefined();
  });

  it('tells the end user what went wrong in words, never the service’s developer detail', async () => {
    expect(await call('POST', '/signup', { phone: 'not a number' })).toMatchObject({
      status: 400,
      body: { error: 'Enter your phone number with its country code, e.g. +1 206 555 0100.' },
    });
    expect(await call('POST', '/signup', {})).toMatchObject({
      status: 400,
      body: { error: 'Enter your phone number.' },
    });
    const started = await call('POST', '/signup', { phone: '+12065550144' });
    expect(await call('POST', '/signup/verify', { flowId: started.body.flowId, code: '12ab' })).toMatchObject(
      {
        status: 400,
        body: { error: 'Enter the code you received, digits only.' },
      },
    );
    expect(await call('POST', '/resend', { flowId: 'nope' })).toMatchObject({ status: 410 });
  });

  it('receives signed status webhooks: the approval, and the automatic call after an undeliverable SMS', async () => {
    await signUp('+12065550145');
    const started = await call('POST', '/login', { phone: '+12065550145' });
    const sms = latestMessage(svc.emulator, '+12065550145');
    const verificationId = state.flows.get(started.body.flowId!)!.verificationId;

    const played = await svc.http
      .post(`/sandbox/messages/${sms.messageId}/events`)
      .set(auth)
      .send({ eventTypes: ['TEXT_UNREACHABLE'] });
    expect(played.status).toBe(200);
    await until(() =>
      state.webhookEvents.some(
        (e) => e.type === 'verification.delivery_failed' && e.data.id === verificationId,
      ),
    );
    const failed = state.webhookEvents.find(
      (e) => e.type === 'verification.delivery_failed' && e.data.id === verificationId,
    )!;
    expect(failed.data).toMatchObject({
      voiceFallback: true,
      sendAttempt: { channel: 'sms', deliveryStatus: 'failed' },
    });

    await svc.settle(); // the call itself is an outbox job, which may run after the webhook
    const flow = await call('GET', `/flows/${started.body.flowId}`);
    expect(flow.body).toMatchObject({
      status: 'pending',
      channel: 'voice',
      notice: 'We could not deliver the text message, so we are calling you with a new code.',
    });
    const voice = latestMessage(svc.emulator, '+12065550145');
    expect(voice.channel).toBe('VOICE');
    expect(
      (await call('POST', '/login/verify', { flowId: started.body.flowId, code: codeIn(voice) })).status,
    ).toBe(200);
    await until(() =>
      state.webhookEvents.some((e) => e.type === 'verification.approved' && e.data.id === verificationId),
    );

    const forged = await fetch(`${exampleUrl}/webhooks/otp`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': 'msg_forged',
        'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
        'webhook-signature': 'v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
      },
      body: JSON.stringify({ type: 'verification.approved', data: { id: verificationId } }),
    });
    expect(forged.status).toBe(400);
  });
});
