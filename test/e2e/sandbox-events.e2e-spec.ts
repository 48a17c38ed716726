import { DEFAULT_CONFIGURATION_ID, NotifyEmulator } from '@app/notify-emulator';
import { deletePrefix, uniquePrefix } from '../support/redis';
import {
  auth,
  AWS_MODE_API_KEY,
  codeIn,
  latestMessage,
  RunningService,
  startService,
  withAwsModeApp,
} from '../support/service';

describe('sandbox: POST /sandbox/messages/{messageId}/events plays what Notify would report', () => {
  let svc: RunningService;
  let numbers = 0;
  const freshNumber = () => `+1206555${String(4000 + ++numbers).padStart(4, '0')}`;

  beforeAll(async () => {
    svc = await startService({}, 'sandbox-events');
  });
  afterAll(() => svc.close());

  async function start(body: Record<string, unknown>) {
    const res = await svc.http.post('/v1/verifications').set(auth).send(body);
    expect(res.status).toBe(201);
    return res.body as { id: string; sendAttempts: { messageId: string }[] };
  }

  const report = (messageId: string, body: unknown) =>
    svc.http
      .post(`/sandbox/messages/${messageId}/events`)
      .set(auth)
      .send(body as object);

  const attempts = async (id: string) =>
    (await svc.http.get(`/v1/verifications/${id}`).set(auth)).body.sendAttempts as {
      channel: string;
      deliveryStatus: string;
      deliveryDescription: string | null;
    }[];

  it('records each event on its send attempt, a stale one after a final one changes nothing', async () => {
    const created = await start({ to: freshNumber(), channel: 'sms' });
    const { messageId } = created.sendAttempts[0];

    const res = await report(messageId, { eventTypes: ['TEXT_SUCCESSFUL', 'TEXT_DELIVERED'] });
    expect(res.status).toBe(200);
    expect(res.body).toEqual([
      // TEXT_SUCCESSFUL is final and as good as TEXT_DELIVERED (configuration-sets-event-types.html); the newer
      // TEXT_DELIVERED of the same finality still replaces it.
      { eventType: 'TEXT_SUCCESSFUL', deliveryStatus: 'delivered', result: 'recorded' },
      { eventType: 'TEXT_DELIVERED', deliveryStatus: 'delivered', result: 'recorded' },
    ]);
    expect((await report(messageId, { eventTypes: ['TEXT_QUEUED'] })).body).toEqual([
      { eventType: 'TEXT_QUEUED', deliveryStatus: 'pending', result: 'stale' },
    ]);
    expect(await attempts(created.id)).toEqual([
      expect.objectContaining({
        deliveryStatus: 'delivered',
        // AWS's description of TEXT_DELIVERED (monitor-event-bridge.html).
        deliveryDescription: 'Message has been accepted by phone',
      }),
    ]);
  });

  it('an unreachable SMS of an auto verification leads to the automatic call, whose code works', async () => {
    const to = freshNumber();
    const created = await start({ to });
    const sms = latestMessage(svc.emulator, to);

    const res = await report(sms.messageId, { eventTypes: ['TEXT_UNREACHABLE'] });
    expect(res.body).toEqual([
      { eventType: 'TEXT_UNREACHABLE', deliveryStatus: 'failed', result: 'recorded' },
    ]);
    await svc.settle();

    const call = latestMessage(svc.emulator, to);
    expect(call.channel).toBe('VOICE');
    expect((await attempts(created.id)).map((a) => [a.channel, a.deliveryStatus])).toEqual([
      ['sms', 'failed'],
      ['voice', 'pending'],
    ]);
    const check = await svc.http
      .post(`/v1/verifications/${created.id}/check`)
      .set(auth)
      .send({ code: codeIn(call) });
    expect(check.body).toMatchObject({ valid: true, status: 'approved' });
  });

  it('refuses what Notify would never report, naming the field, and records nothing', async () => {
    const created = await start({ to: freshNumber(), channel: 'sms' });
    const { messageId } = created.sendAttempts[0];
    const bad: [unknown, string][] = [
      [{}, 'eventTypes'],
      [{ eventTypes: [] }, 'eventTypes'],
      [{ eventTypes: ['TEXT_EXPLODED'] }, 'eventTypes'],
      [{ eventTypes: 'TEXT_DELIVERED' }, 'eventTypes'],
      [{ eventTypes: Array(11).fill('TEXT_QUEUED') }, 'eventTypes'],
      [{ eventTypes: ['VOICE_COMPLETED'] }, 'eventTypes'],
      [{ eventTypes: ['TEXT_DELIVERED'], extra: 1 }, 'extra'],
    ];
    for (const [body, field] of bad) {
      const res = await report(messageId, body);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body).toMatchObject({
        code: 'invalid_request',
        errors: [expect.objectContaining({ field })],
      });
    }
    expect(await attempts(created.id)).toEqual([expect.objectContaining({ deliveryStatus: 'pending' })]);

    const unknown = await report('4b7e2f0a-0000-4000-8000-000000000000', { eventTypes: ['TEXT_DELIVERED'] });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: 'message_not_found' });
    const noKey = await svc.http
      .post(`/sandbox/messages/${messageId}/events`)
      .send({ eventTypes: ['TEXT_DELIVERED'] });
    expect(noKey.status).toBe(401);
  });
});

describe('outside the sandbox', () => {
  it('the sandbox routes answer 404 not_found: AWS reports delivery itself', async () => {
    const emulator = new NotifyEmulator();
    await emulator.listen();
    const prefix = uniquePrefix('sandbox-events-aws');
    try {
      await withAwsModeApp(emulator, DEFAULT_CONFIGURATION_ID, prefix, {}, async (http) => {
        const bearer = { Authorization: `Bearer ${AWS_MODE_API_KEY}` };
        const created = await http.post('/v1/verifications').set(bearer).send({ to: '+12065554100' });
        expect(created.status).toBe(201);
        const res = await http
          .post(`/sandbox/messages/${created.body.sendAttempts[0].messageId}/events`)
          .set(bearer)
          .send({ eventTypes: ['TEXT_DELIVERED'] });
        expect(res.status).toBe(404);
        expect(res.body).toMatchObject({ code: 'not_found' });
        expect((await http.get('/sandbox/messages').set(bearer)).status).toBe(404);
      });
    } finally {
      await emulator.close();
      await deletePrefix(prefix);
    }
  });
});
