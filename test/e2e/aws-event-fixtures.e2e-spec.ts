import { AWS_EVENT_FIXTURES, AwsEventFixture, loadAwsFixture } from '../fixtures/aws';
import { EVENTBRIDGE_SECRET, EVENTS_ENV } from '../support/delivery-events';
import { auth, RunningService, startService } from '../support/service';

interface Attempt {
  messageId: string;
  deliveryStatus: string;
  deliveryUpdatedAt: string | null;
  deliveryDescription: string | null;
}

/**
 * AWS's own example records, posted to the service's SNS and EventBridge endpoints as AWS would post them: only the
 * message id is swapped for one of our sends. None of them holds our `verificationId` (the EventBridge ones hold no
 * Context at all), so each is found by its message id, the path the service depends on against AWS.
 */
describe('AWS-documented delivery event records go through the real ingestion path', () => {
  let svc: RunningService;
  let numbers = 0;
  const freshNumber = () => `+1206555${String(3000 + ++numbers).padStart(4, '0')}`;

  beforeAll(async () => {
    svc = await startService(EVENTS_ENV, 'aws-fixtures');
  });
  afterAll(() => svc.close());

  async function post(
    fixture: AwsEventFixture,
    messageId: string,
  ): Promise<{ record: Record<string, unknown>; res: { status: number; body: unknown } }> {
    const loaded = loadAwsFixture(fixture);
    if (fixture.via === 'eventbridge') {
      const envelope = { ...loaded, detail: { ...(loaded.detail as object), messageId } };
      return {
        record: envelope.detail as Record<string, unknown>,
        res: await svc.http
          .post('/v1/notify-events/eventbridge')
          .set('Content-Type', 'application/json')
          .set('X-Notify-Events-Secret', EVENTBRIDGE_SECRET)
          .send(envelope),
      };
    }
    const record: Record<string, unknown> = { ...loaded, messageId };
    const message = svc.emulator.sns.notification(JSON.stringify(record), new Date());
    return {
      record,
      res: await svc.http
        .post('/v1/notify-events/sns')
        .set({
          'Content-Type': 'text/plain; charset=UTF-8',
          'x-amz-sns-message-type': message.Type,
          'x-amz-sns-message-id': message.MessageId,
          'x-amz-sns-topic-arn': message.TopicArn,
        })
        .send(JSON.stringify(message)),
    };
  }

  it.each(AWS_EVENT_FIXTURES.map((fixture) => [fixture.file, fixture] as const))(
    '%s (as printed in AWS docs) is recorded with its delivery status',
    async (_file, fixture) => {
      const created = await svc.http
        .post('/v1/verifications')
        .set(auth)
        .send({ to: freshNumber(), channel: 'sms' });
      expect(created.status).toBe(201);
      const { id } = created.body as { id: string };
      const [{ messageId }] = (created.body as { sendAttempts: Attempt[] }).sendAttempts;

      const { record, res } = await post(fixture, messageId);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ result: 'recorded' });

      const status = await svc.http.get(`/v1/verifications/${id}`).set(auth);
      expect((status.body as { sendAttempts: Attempt[] }).sendAttempts[0]).toEqual({
        ...((status.body as { sendAttempts: Attempt[] }).sendAttempts[0] as object),
        messageId,
        deliveryStatus: fixture.deliveryStatus,
        deliveryUpdatedAt: new Date(record.eventTimestamp as number).toISOString(),
        deliveryDescription: record.messageStatusDescription,
      });
    },
  );
});
