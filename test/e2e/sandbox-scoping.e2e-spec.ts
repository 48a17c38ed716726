import { createHash } from 'node:crypto';
import { codeIn, RunningService, startService } from '../support/service';

const keyLine = (name: string, key: string) => `${name}:${createHash('sha256').update(key).digest('hex')}`;
const alpha = { Authorization: 'Bearer alpha-key' };
const beta = { Authorization: 'Bearer beta-key' };

describe('sandbox: inbox, events and reset are scoped to the API client (issue 11, issue 17)', () => {
  let svc: RunningService;
  let numbers = 0;
  const freshNumber = () => `+1206555${String(6000 + ++numbers).padStart(4, '0')}`;

  beforeAll(async () => {
    svc = await startService(
      {
        API_KEYS: [keyLine('alpha', 'alpha-key'), keyLine('beta', 'beta-key')].join(','),
        LIMIT_SENDS_PER_NUMBER_15_MIN: '2',
      },
      'sandbox-scoping',
    );
  });
  afterAll(() => svc.close());

  async function start(headers: Record<string, string>, to: string, channel = 'sms') {
    const res = await svc.http.post('/v1/verifications').set(headers).send({ to, channel });
    expect(res.status).toBe(201);
    return res.body as { id: string; sendAttempts: { messageId: string }[] };
  }
  const inbox = async (headers: Record<string, string>, query = '') => {
    const res = await svc.http.get(`/sandbox/messages${query}`).set(headers);
    expect(res.status).toBe(200);
    return res.body as { messageId: string; to: string; body: string }[];
  };

  it("client B sees none of client A's messages, even to the same number, and cannot play events on them", async () => {
    const to = freshNumber();
    const a = await start(alpha, to);
    const b = await start(beta, to);
    const aMessage = a.sendAttempts[0].messageId;

    expect((await inbox(alpha)).map((m) => m.messageId)).toContain(aMessage);
    expect((await inbox(alpha)).map((m) => m.messageId)).not.toContain(b.sendAttempts[0].messageId);
    const seenByB = await inbox(beta, `?to=${encodeURIComponent(to)}`);
    expect(seenByB.map((m) => m.messageId)).toEqual([b.sendAttempts[0].messageId]);

    const played = await svc.http
      .post(`/sandbox/messages/${aMessage}/events`)
      .set(beta)
      .send({ eventTypes: ['TEXT_UNREACHABLE'] });
    expect(played.status).toBe(404);
    expect(played.body).toMatchObject({ code: 'message_not_found' });
    // A's verification is untouched: no delivery report, no automatic call.
    const read = await svc.http.get(`/v1/verifications/${a.id}`).set(alpha);
    expect(read.body.sendAttempts).toEqual([expect.objectContaining({ deliveryStatus: 'pending' })]);

    const own = await svc.http
      .post(`/sandbox/messages/${aMessage}/events`)
      .set(alpha)
      .send({ eventTypes: ['TEXT_DELIVERED'] });
    expect(own.status).toBe(200);
  });

  it("a verificationId in the caller's context cannot claim another client's verification", async () => {
    const a = await start(alpha, freshNumber());
    const to = freshNumber();
    const forged = await svc.http
      .post('/v1/verifications')
      .set(beta)
      .send({ to, channel: 'sms', context: { verificationId: a.id } });
    // The key is the service's own (every send carries it): refused before anything is sent.
    expect(forged.status).toBe(400);
    expect(forged.body.errors.map((e: { field: string }) => e.field)).toContain('context');
    expect(svc.emulator.messages({ to })).toHaveLength(0);
    expect((await inbox(alpha)).map((m) => m.to)).not.toContain(to);
  });

  it('reads ?to=+1206… with the + typed unencoded, as a person types it', async () => {
    const to = freshNumber();
    const created = await start(alpha, to);
    const raw = await inbox(alpha, `?to=${to}`); // supertest sends the + as is; the query string reads it as a space
    expect(raw.map((m) => m.messageId)).toEqual([created.sendAttempts[0].messageId]);
  });

  it("a number's limit says how to clear it, and POST /sandbox/reset clears only the caller's", async () => {
    const to = freshNumber();
    await start(alpha, to);
    await start(alpha, to);
    const refused = await svc.http.post('/v1/verifications').set(alpha).send({ to, channel: 'sms' });
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ code: 'rate_limited_destination' });
    expect(refused.body.detail).toContain('POST /sandbox/reset');
    const betaOwn = await start(beta, freshNumber());

    const reset = await svc.http.post('/sandbox/reset').set(alpha);
    expect(reset.status).toBe(200);
    expect(reset.body.messages).toBeGreaterThanOrEqual(2);
    expect(await inbox(alpha)).toEqual([]);
    expect((await inbox(beta)).map((m) => m.messageId)).toContain(betaOwn.sendAttempts[0].messageId);

    const again = await start(alpha, to);
    const [message] = svc.emulator.messages({ to });
    expect(message.messageId).toBe(again.sendAttempts[0].messageId);
    const check = await svc.http
      .post(`/v1/verifications/${again.id}/check`)
      .set(alpha)
      .send({ code: codeIn(message) });
    expect(check.body).toMatchObject({ valid: true, status: 'approved' });
  });

  it('lists the configuration’s templates with their channels, variables, language and voices', async () => {
    const res = await svc.http.get('/v1/templates').set(alpha);
    expect(res.status).toBe(200);
    expect(res.body.configurationId).toBe('sandbox-otp');
    const english = res.body.templates.find((t: { id: string }) => t.id === res.body.defaultTemplateId);
    expect(english).toMatchObject({
      default: true,
      channels: ['sms', 'voice'],
      languageCode: 'en-US',
      voiceIds: expect.arrayContaining(['JOANNA']),
      variables: expect.arrayContaining([expect.objectContaining({ name: 'code', source: 'CUSTOMER' })]),
    });
    expect(res.body.templates.map((t: { languageCode: string }) => t.languageCode)).toEqual(
      expect.arrayContaining(['es-ES', 'fr-FR']),
    );
    expect((await svc.http.get('/v1/templates')).status).toBe(401);
  });

  it('a call reads the digits with one full stop after the last', async () => {
    const to = freshNumber();
    await start(alpha, to, 'voice');
    const [call] = await inbox(alpha, `?to=${encodeURIComponent(to)}`);
    expect(call.body).toMatch(/is \d\. \d\. \d\. \d\. \d\. \d\. Do not share it\.$/);
  });
});
