import { auth, codeIn, latestMessage, RunningService, startService } from '../support/service';

/**
 * PutMessageFeedback as AWS recommends it (https://docs.aws.amazon.com/sms-voice/latest/userguide/message-feedback.html):
 * RECEIVED for the message whose code was used, FAILED for every message whose code can no longer be used.
 */
describe('message feedback over HTTP (real SDK -> Notify emulator)', () => {
  let svc: RunningService;

  beforeAll(async () => {
    svc = await startService({ RESEND_COOLDOWN_SECONDS: '0' }, 'feedback');
  });
  afterAll(() => svc.close());

  const feedbackTo = (to: string) =>
    svc.emulator
      .messages({ to })
      .reverse()
      .map((m) => m.feedbackStatus ?? null);

  async function start(to: string): Promise<string> {
    const res = await svc.http.post('/v1/verifications').set(auth).send({ to, channel: 'sms' });
    expect(res.status).toBe(201);
    return res.body.id as string;
  }

  it('reports the resent-over message FAILED and the approved one RECEIVED, each once', async () => {
    const to = '+12065550180';
    const id = await start(to);
    expect((await svc.http.post(`/v1/verifications/${id}/resend`).set(auth).send({})).status).toBe(200);
    const code = codeIn(latestMessage(svc.emulator, to));
    const right = await svc.http.post(`/v1/verifications/${id}/check`).set(auth).send({ code });
    expect(right.body).toMatchObject({ valid: true, status: 'approved' });
    await svc.settle();
    expect(feedbackTo(to)).toEqual(['FAILED', 'RECEIVED']);
    expect(svc.emulator.messages({ to }).map((m) => m.feedbackCount)).toEqual([1, 1]);
  });

  it('reports FAILED for a canceled verification and for one a new start replaced', async () => {
    const canceled = '+12065550181';
    const id = await start(canceled);
    expect((await svc.http.post(`/v1/verifications/${id}/cancel`).set(auth).send({})).status).toBe(200);

    const replaced = '+12065550182';
    await start(replaced);
    await start(replaced);
    await svc.settle();
    expect(feedbackTo(canceled)).toEqual(['FAILED']);
    expect(feedbackTo(replaced)).toEqual(['FAILED', null]);
  });
});
