import { EmittedEvent } from '@app/notify-emulator';
import { auth, codeIn, latestMessage, RunningService, startService } from '../support/service';
import { EVENTBRIDGE_SECRET, EventAnswer, EVENTS_ENV, routeEvents } from '../support/delivery-events';

interface Attempt {
  channel: string;
  messageId: string;
  deliveryStatus: string;
  deliveryUpdatedAt: string | null;
  deliveryDescription: string | null;
}

describe('delivery events over HTTP (emulator -> SNS / EventBridge -> service)', () => {
  let svc: RunningService;
  let answers: EventAnswer[];
  let numbers = 0;
  const freshNumber = () => `+1206555${String(2000 + ++numbers).padStart(4, '0')}`;

  beforeAll(async () => {
    // One SDK attempt per call, so that the outbox's own retries are what a fault meets.
    svc = await startService(
      { ...EVENTS_ENV, RESEND_COOLDOWN_SECONDS: '30', NOTIFY_MAX_ATTEMPTS: '1' },
      'events',
    );
    answers = routeEvents(svc);
  });
  afterAll(() => svc.close());
  beforeEach(() => answers.splice(0));

  async function start(body: Record<string, unknown>) {
    const res = await svc.http.post('/v1/verifications').set(auth).send(body);
    expect(res.status).toBe(201);
    return res.body as { id: string; sendAttempts: Attempt[] };
  }

  async function attempts(id: string): Promise<Attempt[]> {
    const res = await svc.http.get(`/v1/verifications/${id}`).set(auth);
    expect(res.status).toBe(200);
    return (res.body as { sendAttempts: Attempt[] }).sendAttempts;
  }

  it.each(['eventbridge', 'sns'] as const)(
    'keeps the newest final status via %s, whatever the order and however often events arrive',
    async (via) => {
      const to = freshNumber();
      const created = await start({ to, channel: 'sms' });
      expect(created.sendAttempts[0]).toMatchObject({
        deliveryStatus: 'pending',
        deliveryUpdatedAt: null,
        deliveryDescription: null,
      });
      const { messageId } = created.sendAttempts[0];

      const events = await svc.emulator.emitEvents(
        messageId,
        ['TEXT_QUEUED', 'TEXT_SUCCESSFUL', 'TEXT_DELIVERED'],
        { via, duplicate: true, reorder: true },
      );
      expect(answers.map((a) => a.status)).toEqual(Array(6).fill(200));
      const delivered = events.find((e) => e.record.eventType === 'TEXT_DELIVERED')!.record;
      expect(await attempts(created.id)).toEqual([
        expect.objectContaining({
          messageId,
          deliveryStatus: 'delivered',
          deliveryUpdatedAt: new Date(delivered.eventTimestamp).toISOString(),
          deliveryDescription: delivered.messageStatusDescription,
        }),
      ]);
      if (via === 'sns') {
        expect(answers.map((a) => a.body.result)).toEqual([
          'recorded',
          'duplicate',
          'stale',
          'duplicate',
          'stale',
          'duplicate',
        ]);
      }
    },
  );

  it('correlates by message id when the Context lost the verification id, and accepts SignatureVersion 1', async () => {
    const to = freshNumber();
    const created = await start({ to, channel: 'voice' });
    const { messageId } = created.sendAttempts[0];
    const events = await svc.emulator.emitEvents(messageId, ['VOICE_INITIATED', 'VOICE_NO_ANSWER'], {
      via: 'sns',
      signatureVersion: '1',
      context: {},
    });
    expect(events.map((e) => JSON.parse(e.body) as { SignatureVersion: string })).toEqual([
      expect.objectContaining({ SignatureVersion: '1' }),
      expect.objectContaining({ SignatureVersion: '1' }),
    ]);
    expect(events[0].record).toMatchObject({ context: {} });
    expect(answers.map((a) => a.body.result)).toEqual(['recorded', 'recorded']);
    expect((await attempts(created.id))[0]).toMatchObject({
      channel: 'voice',
      deliveryStatus: 'failed',
      deliveryDescription: 'Call was not answered',
    });
  });

  it('refuses EventBridge calls without the right secret', async () => {
    const created = await start({ to: freshNumber(), channel: 'sms' });
    const captured: EmittedEvent[] = [];
    svc.emulator.setEventDestination({ deliver: async (event) => void captured.push(event) });
    await svc.emulator.emitEvents(created.sendAttempts[0].messageId, ['TEXT_DELIVERED']);
    answers = routeEvents(svc);

    for (const secret of [undefined, 'x'.repeat(40), EVENTBRIDGE_SECRET.toUpperCase()]) {
      const req = svc.http.post('/v1/notify-events/eventbridge').set(captured[0].headers);
      const res = await (secret ? req.set('x-notify-events-secret', secret) : req).send(captured[0].body);
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ code: 'notify_event_rejected' });
    }
    expect((await attempts(created.id))[0].deliveryStatus).toBe('pending');
  });

  it("calls once by itself when the SMS of an auto verification is unreachable; the call's code works, the SMS code not", async () => {
    const to = freshNumber();
    const created = await start({ to });
    const sms = latestMessage(svc.emulator, to);
    expect(sms.channel).toBe('SMS');

    await svc.emulator.emitEvents(sms.messageId, ['TEXT_SUCCESSFUL', 'TEXT_UNREACHABLE'], {
      via: 'sns',
      duplicate: true,
    });
    await svc.settle();
    // Another failure report of the same SMS, newer and final, and one over EventBridge: still one call.
    await svc.emulator.emitEvents(sms.messageId, ['TEXT_CARRIER_UNREACHABLE'], { via: 'eventbridge' });
    await svc.settle();

    const messages = svc.emulator.messages({ to });
    expect(messages.map((m) => m.channel)).toEqual(['VOICE', 'SMS']);
    const sendAttempts = await attempts(created.id);
    expect(sendAttempts.map((a) => [a.channel, a.deliveryStatus])).toEqual([
      ['sms', 'failed'],
      ['voice', 'pending'],
    ]);

    const old = await svc.http
      .post(`/v1/verifications/${created.id}/check`)
      .set(auth)
      .send({ code: codeIn(sms) });
    expect(old.body).toMatchObject({ valid: false, status: 'pending' });
    const fresh = await svc.http
      .post(`/v1/verifications/${created.id}/check`)
      .set(auth)
      .send({ code: codeIn(messages[0]) });
    expect(fresh.body).toMatchObject({ valid: true, status: 'approved' });
  });

  it.each([
    ['blocked by SMS Protect', 'auto', 'TEXT_PROTECT_BLOCKED'],
    ['an sms-only verification', 'sms', 'TEXT_UNREACHABLE'],
  ])('does not call for %s', async (_, channel, eventType) => {
    const to = freshNumber();
    const created = await start({ to, channel });
    await svc.emulator.emitEvents(created.sendAttempts[0].messageId, [eventType]);
    await svc.settle();
    expect(svc.emulator.messages({ to })).toHaveLength(1);
    expect((await attempts(created.id))[0].deliveryStatus).toBe(
      eventType === 'TEXT_PROTECT_BLOCKED' ? 'blocked' : 'failed',
    );
  });

  it('reports exactly one RECEIVED for an approval, through the outbox, when Notify fails the first tries', async () => {
    const to = freshNumber();
    const created = await start({ to, channel: 'sms' });
    const code = codeIn(latestMessage(svc.emulator, to));
    svc.emulator.injectFault({ operation: 'PutMessageFeedback', exception: 'ThrottlingException', times: 3 });
    svc.emulator.injectFault({ operation: 'PutMessageFeedback', exception: 'InternalServerException' });

    const res = await svc.http.post(`/v1/verifications/${created.id}/check`).set(auth).send({ code });
    expect(res.body).toMatchObject({ valid: true, status: 'approved' });
    await svc.settle();

    expect(latestMessage(svc.emulator, to)).toMatchObject({ feedbackStatus: 'RECEIVED', feedbackCount: 1 });
  });
});
