import { RunningService, startService } from '../support/service';
import { TWO_CLIENTS_API_KEYS as API_KEYS, as } from '../support/clients';

describe('Idempotency-Key on POST /v1/verifications', () => {
  let svc: RunningService;

  beforeAll(async () => {
    svc = await startService({ API_KEYS }, 'rl-idempotency');
  });
  afterAll(() => svc.close());

  const start = (
    key: string | undefined,
    body: Record<string, unknown>,
    client: 'acme' | 'globex' = 'acme',
  ) => {
    const req = svc.http.post('/v1/verifications').set(as(client));
    return (key === undefined ? req : req.set('Idempotency-Key', key)).send(body);
  };

  it('answers a repeat with the first answer, without a second send', async () => {
    const to = '+12065555000';
    const first = await start('order-1', { to, purpose: 'login' });
    expect(first.status).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const again = await start('order-1', { purpose: 'login', to });
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(svc.emulator.messages({ to })).toHaveLength(1);
  });

  it('refuses the same key with a different body: 422 idempotency_key_reused', async () => {
    await start('order-2', { to: '+12065555001' });
    const other = await start('order-2', { to: '+12065555002' });
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('idempotency_key_reused');
    expect(svc.emulator.messages({ to: '+12065555002' })).toHaveLength(0);
  });

  it('20 concurrent requests with one key send once and all get the same answer', async () => {
    const to = '+12065555003';
    const answers = await Promise.all(Array.from({ length: 20 }, () => start('order-3', { to })));
    expect(svc.emulator.messages({ to })).toHaveLength(1);
    expect(answers.map((res) => res.status)).toEqual(answers.map(() => 201));
    expect(new Set(answers.map((res) => res.body.id)).size).toBe(1);
    expect(answers.filter((res) => res.headers['idempotent-replayed'] === 'true')).toHaveLength(19);
  });

  it('scopes keys per API client', async () => {
    const to = '+12065555004';
    const mine = await start('order-4', { to });
    const theirs = await start('order-4', { to }, 'globex');
    expect(theirs.status).toBe(201);
    expect(theirs.body.id).not.toBe(mine.body.id);
    expect(svc.emulator.messages({ to })).toHaveLength(2);
  });

  it('keeps no error answer: a retry after a refusal runs afresh', async () => {
    const refused = await start('order-5', { to: '+1206555' });
    expect(refused.status).toBe(422);
    const fixed = await start('order-5', { to: '+12065555005' });
    expect(fixed.status).toBe(201);
    expect((await start('order-5', { to: '+12065555005' })).body.id).toBe(fixed.body.id);
  });

  it('keeps a dry run answer too', async () => {
    const first = await start('order-6', { to: '+12065555006', dryRun: true });
    const again = await start('order-6', { to: '+12065555006', dryRun: true });
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
  });

  it('refuses a malformed key with a 400 naming the header', async () => {
    const res = await start('x'.repeat(256), { to: '+12065555007' });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'invalid_request', errors: [{ field: 'Idempotency-Key' }] });
    expect(svc.emulator.messages({ to: '+12065555007' })).toHaveLength(0);
  });
});
