import Redis from 'ioredis';
import { dumpPrefix, testRedis, withoutNotifyCapacity } from '../support/redis';
import { auth, RunningService, startService } from '../support/service';

describe('bad input gets a 4xx problem naming the field, never a 500, and writes nothing', () => {
  let svc: RunningService;
  let redis: Redis;

  beforeAll(async () => {
    svc = await startService({ BODY_LIMIT_BYTES: '4096' }, 'bad-input');
    redis = testRedis();
  });
  afterAll(async () => {
    redis.disconnect();
    await svc.close();
  });
  afterEach(async () => {
    expect(withoutNotifyCapacity(await dumpPrefix(redis, svc.prefix))).toEqual(new Map());
    expect(svc.emulator.messages()).toHaveLength(0);
  });

  function expectProblem(
    res: { status: number; headers: Record<string, string>; body: Record<string, unknown> },
    status: number,
  ) {
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body).toEqual(
      expect.objectContaining({
        type: expect.any(String),
        title: expect.any(String),
        status,
        detail: expect.any(String),
        code: expect.any(String),
      }),
    );
  }

  const post = (body: string, type = 'application/json') =>
    svc.http.post('/v1/verifications').set(auth).set('Content-Type', type).send(body);

  it('malformed JSON -> 400', async () => {
    const res = await post('{"to": "+12065550100",');
    expectProblem(res, 400);
  });

  it('a body that is not an object -> 400 naming the body', async () => {
    for (const body of ['[1,2]', '"x"', 'null', '42']) {
      const res = await post(body);
      expectProblem(res, 400);
    }
  });

  it.each([
    ['to', { to: 12065550100 }],
    ['channel', { to: '+12065550100', channel: 'fax' }],
    ['codeLength', { to: '+12065550100', codeLength: 3 }],
    ['codeLength', { to: '+12065550100', codeLength: '6' }],
    ['locale', { to: '+12065550100', locale: 'english please' }],
    ['purpose', { to: '+12065550100', purpose: 'a b' }],
    ['context', { to: '+12065550100', context: { a: 1 } }],
    ['context', { to: '+12065550100', context: ['x'] }],
    ['dryRun', { to: '+12065550100', dryRun: 'yes' }],
    ['admin', { to: '+12065550100', admin: true }],
  ])('wrong or unknown field %s -> 400 naming it', async (field, body) => {
    const res = await svc.http.post('/v1/verifications').set(auth).send(body);
    expectProblem(res, 400);
    expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
  });

  it.each(['12065550100', '+1206555', '+999123456', '+1 206 CALL ME', '+١٢٠٦٥٥٥٠١٠٠'])(
    'unparseable number %p -> 422 on to',
    async (to) => {
      const res = await svc.http.post('/v1/verifications').set(auth).send({ to });
      expectProblem(res, 422);
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'to' })]);
    },
  );

  it('a code length the template cannot carry is refused before sending', async () => {
    const res = await svc.http
      .post('/v1/verifications')
      .set(auth)
      .send({ to: '+12065550100', templateId: 'nope-001' });
    expectProblem(res, 422);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'templateId' })]);
  });

  it('an unknown locale -> 422 on locale', async () => {
    const res = await svc.http.post('/v1/verifications').set(auth).send({ to: '+12065550100', locale: 'xx' });
    expectProblem(res, 422);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'locale' })]);
  });

  it('an oversized body -> 413', async () => {
    const res = await post(JSON.stringify({ to: '+12065550100', purpose: 'x'.repeat(10_000) }));
    expectProblem(res, 413);
  });

  it('a non-JSON media type -> 415', async () => {
    const res = await post('to=+12065550100', 'application/x-www-form-urlencoded');
    expectProblem(res, 415);
    const text = await post('hello', 'text/plain');
    expectProblem(text, 415);
  });

  it.each([['١٢٣٤٥٦'], ['１２３４５６'], ['12345a'], ['123'], [123456], ['12 34 56']])(
    'check with code %p -> 400 on code',
    async (code) => {
      const res = await svc.http
        .post('/v1/verifications/VE0000000000000000000000000000/check')
        .set(auth)
        .send({ code });
      expectProblem(res, 400);
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'code' })]);
    },
  );

  it('check by number with a bad number -> 422, with a missing code -> 400', async () => {
    expectProblem(
      await svc.http.post('/v1/verification-checks').set(auth).send({ to: 'x', code: '123456' }),
      422,
    );
    const missing = await svc.http.post('/v1/verification-checks').set(auth).send({ to: '+12065550100' });
    expectProblem(missing, 400);
    expect(missing.body.errors).toEqual([expect.objectContaining({ field: 'code' })]);
  });

  it('resend with a bad channel -> 400; unknown route -> 404 problem', async () => {
    const res = await svc.http
      .post('/v1/verifications/VE0000000000000000000000000000/resend')
      .set(auth)
      .send({ channel: 'auto' });
    expectProblem(res, 400);
    expectProblem(await svc.http.get('/v1/nothing-here').set(auth), 404);
  });
});
