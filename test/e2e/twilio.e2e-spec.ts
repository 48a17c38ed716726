import { AddressInfo } from 'node:net';
import Redis from 'ioredis';
import twilio from 'twilio';
import RequestClient from 'twilio/lib/base/RequestClient';
import { REDIS_CLIENT } from '../../src/redis/redis.module';
import { dumpPrefix } from '../support/redis';
import { auth, codeIn, latestMessage, RunningService, startService } from '../support/service';

/**
 * The /v2 surface driven by the real `twilio` package, unmodified, as an app that migrated would call it: its
 * documented custom `httpClient` option (https://www.twilio.com/docs/libraries/node/custom-http-clients-node) only
 * sends each request to our service instead of verify.twilio.com.
 */
class LocalRequestClient extends RequestClient {
  constructor(private readonly origin: string) {
    super();
  }

  override request<TData>(opts: RequestClient.RequestOptions<TData>) {
    const url = new URL(opts.uri);
    return super.request<TData>({ ...opts, uri: `${this.origin}${url.pathname}${url.search}` });
  }
}

const ACCOUNT_SID = `AC${'0123456789abcdef'.repeat(2)}`;

interface Rejection {
  status: number;
  code: number;
  message: string;
  moreInfo: string;
}

/** What the client threw: Twilio's RestException, with the code and status Twilio documents. */
async function rejection(call: Promise<unknown>): Promise<Rejection> {
  const error: unknown = await call.then(
    () => new Error('expected the call to fail'),
    (e: unknown) => e,
  );
  if (!(error instanceof twilio.RestException)) throw error;
  return {
    status: error.status,
    code: error.code ?? 0,
    message: error.message,
    moreInfo: error.moreInfo ?? '',
  };
}

describe('Twilio Verify v2 compatible API, through the twilio npm package', () => {
  let svc: RunningService;
  let origin: string;
  let client: twilio.Twilio;

  const clientWith = (username: string, password: string) =>
    twilio(username, password, { httpClient: new LocalRequestClient(origin) });

  beforeAll(async () => {
    svc = await startService({ BLOCKED_COUNTRIES: 'CU' }, 'twilio');
    await svc.app.listen(0, '127.0.0.1');
    origin = `http://127.0.0.1:${(svc.app.getHttpServer().address() as AddressInfo).port}`;
    client = clientWith(ACCOUNT_SID, 'sandbox');
  });
  afterAll(async () => {
    await svc?.close();
  });

  const newService = () => client.verify.v2.services.create({ friendlyName: 'My App', codeLength: 6 });
  const codeFor = (to: string) => codeIn(latestMessage(svc.emulator, to));
  const wrong = (code: string) => (code === '000000' ? '111111' : '000000');

  it('creates, fetches and lists services in Twilio shape (https://www.twilio.com/docs/verify/api/service)', async () => {
    const created = await newService();
    expect(created.sid).toMatch(/^VA[0-9a-f]{32}$/);
    expect(created).toMatchObject({
      accountSid: ACCOUNT_SID,
      friendlyName: 'My App',
      codeLength: 6,
      lookupEnabled: false,
      customCodeEnabled: false,
    });
    expect(created.dateCreated).toBeInstanceOf(Date);
    expect(created.url).toBe(`${origin}/v2/Services/${created.sid}`);

    const fetched = await client.verify.v2.services(created.sid).fetch();
    expect(fetched.sid).toBe(created.sid);
    // One a page: the client follows next_page_url through our service to the second one.
    svc.clock.advance(1000);
    const second = await newService();
    const listed = await client.verify.v2.services.list({ pageSize: 1 });
    expect(listed.map((s) => s.sid)).toEqual([created.sid, second.sid]);

    const updated = await client.verify.v2
      .services(second.sid)
      .update({ friendlyName: 'Renamed', codeLength: 8 });
    expect(updated).toMatchObject({ sid: second.sid, friendlyName: 'Renamed', codeLength: 8 });
    await client.verify.v2.services(second.sid).verifications.create({ to: '+12065550150', channel: 'sms' });
    expect(codeFor('+12065550150')).toHaveLength(8);
  });

  it('starts an SMS verification, rejects a wrong code and approves the right one', async () => {
    const service = await newService();
    const to = '+12065550140';
    const api = client.verify.v2.services(service.sid);
    const started = await api.verifications.create({ to, channel: 'sms' });
    expect(started.sid).toMatch(/^VE[0-9a-f]{32}$/);
    expect(started).toMatchObject({
      serviceSid: service.sid,
      to,
      channel: 'sms',
      status: 'pending',
      valid: false,
    });
    expect(started.sendCodeAttempts).toHaveLength(1);
    expect(started.sendCodeAttempts[0]).toMatchObject({ channel: 'sms' });

    const code = codeFor(to);
    expect(code).toHaveLength(6);
    const miss = await api.verificationChecks.create({ to, code: wrong(code) });
    expect(miss).toMatchObject({ status: 'pending', valid: false, to });
    const hit = await api.verificationChecks.create({ verificationSid: started.sid, code });
    expect(hit).toMatchObject({ sid: started.sid, status: 'approved', valid: true, to, channel: 'sms' });

    // Twilio "soft deletes" an approved verification: https://www.twilio.com/docs/errors/20404
    expect(await rejection(api.verifications(started.sid).fetch())).toMatchObject({
      status: 404,
      code: 20404,
    });
    expect(
      await rejection(api.verificationChecks.create({ verificationSid: started.sid, code })),
    ).toMatchObject({
      status: 404,
      code: 20404,
    });
  });

  it('checks by To: the right code approves, with the verification it approved', async () => {
    const service = await newService();
    const to = '+12065550141';
    const api = client.verify.v2.services(service.sid);
    const started = await api.verifications.create({ to, channel: 'call' });
    expect(started.channel).toBe('call');
    expect(latestMessage(svc.emulator, to).channel).toBe('VOICE');
    const hit = await api.verificationChecks.create({ to, code: codeFor(to) });
    expect(hit).toMatchObject({ sid: started.sid, status: 'approved', valid: true, channel: 'call' });
  });

  it('answers 60202 once the check attempts are used up (https://www.twilio.com/docs/errors/60202)', async () => {
    const service = await newService();
    const to = '+12065550142';
    const api = client.verify.v2.services(service.sid);
    const started = await api.verifications.create({ to, channel: 'sms' });
    const bad = wrong(codeFor(to));
    const statuses: string[] = [];
    for (let i = 0; i < 5; i++) {
      statuses.push(
        (await api.verificationChecks.create({ verificationSid: started.sid, code: bad })).status,
      );
    }
    expect(statuses).toEqual(['pending', 'pending', 'pending', 'pending', 'max_attempts_reached']);
    const sixth = await rejection(
      api.verificationChecks.create({ verificationSid: started.sid, code: codeFor(to) }),
    );
    expect(sixth).toMatchObject({
      status: 429,
      code: 60202,
      moreInfo: 'https://www.twilio.com/docs/errors/60202',
    });
    expect((await api.verifications(started.sid).fetch()).status).toBe('max_attempts_reached');
  });

  it('sends the pending verification again on a new start, and answers 60203 after five sends (https://www.twilio.com/docs/errors/60203)', async () => {
    const service = await newService();
    const to = '+12065550143';
    const api = client.verify.v2.services(service.sid);
    const first = await api.verifications.create({ to, channel: 'sms' });
    const firstCode = codeFor(to);

    // Our resend cooldown (RESEND_COOLDOWN_SECONDS) is Twilio's 20429 with Retry-After.
    expect(await rejection(api.verifications.create({ to, channel: 'sms' }))).toMatchObject({
      status: 429,
      code: 20429,
    });
    let latest = first;
    for (let send = 2; send <= 5; send++) {
      svc.clock.advance(31_000);
      latest = await api.verifications.create({ to, channel: 'sms' });
      expect(latest.sid).toBe(first.sid);
      expect(latest.sendCodeAttempts).toHaveLength(send);
    }
    svc.clock.advance(31_000);
    expect(await rejection(api.verifications.create({ to, channel: 'sms' }))).toMatchObject({
      status: 429,
      code: 60203,
    });
    // A new code on every send: only the latest one works (Twilio would send the same code again).
    const lastCode = codeFor(to);
    if (lastCode !== firstCode) {
      const stale = await api.verificationChecks.create({ verificationSid: latest.sid, code: firstCode });
      expect(stale.status).toBe('pending');
    }
    const hit = await api.verificationChecks.create({ verificationSid: latest.sid, code: lastCode });
    expect(hit.status).toBe('approved');
  });

  it('cancels with Status=canceled, and refuses Status=approved (custom codes only)', async () => {
    const service = await newService();
    const to = '+12065550144';
    const api = client.verify.v2.services(service.sid);
    const started = await api.verifications.create({ to, channel: 'sms' });
    expect(await rejection(api.verifications(started.sid).update({ status: 'approved' }))).toMatchObject({
      status: 400,
      code: 60200,
      message: 'Invalid parameter: Status',
    });
    const canceled = await api.verifications(started.sid).update({ status: 'canceled' });
    expect(canceled).toMatchObject({ sid: started.sid, status: 'canceled', valid: false });
    expect((await api.verifications(started.sid).fetch()).status).toBe('canceled');
    expect(
      await rejection(api.verificationChecks.create({ verificationSid: started.sid, code: codeFor(to) })),
    ).toMatchObject({
      status: 404,
      code: 20404,
    });
  });

  it("answers Twilio's 60200 naming the parameter (https://www.twilio.com/docs/errors/60200)", async () => {
    const service = await newService();
    const api = client.verify.v2.services(service.sid);
    const invalid = (call: Promise<unknown>, parameter: string) =>
      expect(rejection(call)).resolves.toMatchObject({
        status: 400,
        code: 60200,
        message: `Invalid parameter: ${parameter}`,
      });
    await invalid(api.verifications.create({ to: '2065550100', channel: 'sms' }), 'To');
    await invalid(api.verifications.create({ to: '+12065550145', channel: 'whatsapp' }), 'Channel');
    await invalid(
      api.verifications.create({ to: '+12065550145', channel: 'sms', customCode: '123456' }),
      'CustomCode',
    );
    await invalid(api.verificationChecks.create({ to: '+12065550145', code: '12' }), 'Code');
    await invalid(client.verify.v2.services.create({ friendlyName: 'x'.repeat(31) }), 'FriendlyName');
    await invalid(
      client.verify.v2.services.create({ friendlyName: 'Lookup', lookupEnabled: true }),
      'LookupEnabled',
    );
    expect(svc.emulator.messages({ to: '+12065550145' })).toHaveLength(0);
  });

  it("keeps each service's verifications to it: another service's SID answers 20404", async () => {
    const [a, b] = [await newService(), await newService()];
    const to = '+12065550148';
    const started = await client.verify.v2.services(a.sid).verifications.create({ to, channel: 'sms' });
    const other = client.verify.v2.services(b.sid);
    const gone = { status: 404, code: 20404 };
    expect(await rejection(other.verifications(started.sid).fetch())).toMatchObject(gone);
    expect(await rejection(other.verifications(started.sid).update({ status: 'canceled' }))).toMatchObject(
      gone,
    );
    expect(
      await rejection(other.verificationChecks.create({ verificationSid: started.sid, code: codeFor(to) })),
    ).toMatchObject(gone);
    // By number, service B has nothing pending for it: no approval, and A's verification is untouched.
    expect((await other.verificationChecks.create({ to, code: codeFor(to) })).valid).toBe(false);
    expect((await client.verify.v2.services(a.sid).verifications(started.sid).fetch()).status).toBe(
      'pending',
    );
  });

  it("maps the start's other refusals: Geo-Permissions 60605, a bad DeviceIp 60200; Locale picks the template", async () => {
    const api = client.verify.v2.services((await newService()).sid);
    expect(await rejection(api.verifications.create({ to: '+5351234567', channel: 'sms' }))).toMatchObject({
      status: 403,
      code: 60605,
    });
    expect(
      await rejection(
        api.verifications.create({ to: '+12065550149', channel: 'sms', deviceIp: '300.1.1.1' }),
      ),
    ).toMatchObject({ status: 400, code: 60200, message: 'Invalid parameter: DeviceIp' });
    expect(svc.emulator.messages({ to: '+12065550149' })).toHaveLength(0);
    await api.verifications.create({
      to: '+12065550149',
      channel: 'sms',
      locale: 'es',
      deviceIp: '203.0.113.9',
    });
    expect(latestMessage(svc.emulator, '+12065550149').templateId).toMatch(/spanish/);
  });

  it('authenticates as Twilio does: Account SID and API key, else 20003 (https://www.twilio.com/docs/errors/20003)', async () => {
    const unauthenticated = { status: 401, code: 20003, message: 'Authenticate' };
    expect(await rejection(clientWith(ACCOUNT_SID, 'not-a-key').verify.v2.services.list())).toMatchObject(
      unauthenticated,
    );
    // Twilio's API keys (SK… with a secret) are not ours: the username must be an Account SID.
    const withApiKeySid = twilio(`SK${'0'.repeat(32)}`, 'sandbox', {
      accountSid: ACCOUNT_SID,
      httpClient: new LocalRequestClient(origin),
    });
    expect(await rejection(withApiKeySid.verify.v2.services.list())).toMatchObject(unauthenticated);
  });

  it('deletes a service; it and its verifications are 20404 from then on', async () => {
    const service = await newService();
    const to = '+12065550146';
    const started = await client.verify.v2.services(service.sid).verifications.create({ to, channel: 'sms' });
    expect(await client.verify.v2.services(service.sid).remove()).toBe(true);
    const gone = { status: 404, code: 20404 };
    expect(await rejection(client.verify.v2.services(service.sid).fetch())).toMatchObject(gone);
    expect(
      await rejection(client.verify.v2.services(service.sid).verifications(started.sid).fetch()),
    ).toMatchObject(gone);
    expect(
      await rejection(
        client.verify.v2.services(`VA${'f'.repeat(32)}`).verifications.create({ to, channel: 'sms' }),
      ),
    ).toMatchObject(gone);
  });

  describe('on the wire, as curl would see it', () => {
    const basic = { Authorization: `Basic ${Buffer.from(`${ACCOUNT_SID}:sandbox`).toString('base64')}` };
    const form = 'application/x-www-form-urlencoded';

    it('takes form bodies on /v2 and answers snake_case JSON; /v1 still refuses them with 415', async () => {
      const created = await svc.http
        .post('/v2/Services')
        .set(basic)
        .type(form)
        .send('FriendlyName=Wire+App&CodeLength=8');
      expect(created.status).toBe(201);
      expect(created.headers['content-type']).toMatch(/^application\/json/);
      expect(created.body).toMatchObject({
        friendly_name: 'Wire App',
        code_length: 8,
        account_sid: ACCOUNT_SID,
      });
      const sid = (created.body as { sid: string }).sid;

      const to = '+12065550147';
      const started = await svc.http
        .post(`/v2/Services/${sid}/Verifications`)
        .set(basic)
        .type(form)
        .send(`To=${encodeURIComponent(to)}&Channel=sms&DeviceIp=203.0.113.7`);
      expect(started.status).toBe(201);
      expect(started.body).toMatchObject({
        service_sid: sid,
        to,
        status: 'pending',
        send_code_attempts: [{ channel: 'sms' }],
      });
      const code = codeFor(to);
      expect(code).toHaveLength(8);

      const tooSoon = await svc.http
        .post(`/v2/Services/${sid}/Verifications`)
        .set(basic)
        .type(form)
        .send(`To=${encodeURIComponent(to)}&Channel=sms`);
      expect(tooSoon.status).toBe(429);
      expect(tooSoon.body).toEqual({
        code: 20429,
        message: 'Too Many Requests',
        more_info: 'https://www.twilio.com/docs/errors/20429',
        status: 429,
      });
      expect(Number(tooSoon.headers['retry-after'])).toBeGreaterThan(0);

      const checked = await svc.http
        .post(`/v2/Services/${sid}/VerificationCheck`)
        .set(basic)
        .type(form)
        .send(`To=${encodeURIComponent(to)}&Code=${code}`);
      expect(checked.body).toMatchObject({ status: 'approved', valid: true });
      // Nothing logged holds the number, the code or the credentials.
      expect(svc.logs.filter((line) => line.includes('2065550147') || line.includes(code))).toEqual([]);
      expect(svc.logs.filter((line) => line.includes(basic.Authorization.slice(6)))).toEqual([]);

      const v1 = await svc.http
        .post('/v1/verifications')
        .set(auth)
        .type(form)
        .send(`to=${encodeURIComponent(to)}`);
      expect(v1.status).toBe(415);

      // Key names hold no number (HMACs only), the services hash is named by the client.
      const keys = [...(await dumpPrefix(svc.app.get<Redis>(REDIS_CLIENT), svc.prefix)).keys()];
      expect(keys.some((key) => key.endsWith('twilio:services:sandbox'))).toBe(true);
      expect(keys.filter((key) => key.includes('2065550147'))).toEqual([]);
    });

    it('asks for Basic credentials with WWW-Authenticate', async () => {
      const res = await svc.http.get('/v2/Services');
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Basic realm="Twilio API"');
      expect(res.body).toMatchObject({ code: 20003, status: 401 });
    });
  });
});
