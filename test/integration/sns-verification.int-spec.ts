import { Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { SignedSnsMessage, SnsSigner } from '@app/notify-emulator';
import { Clock } from '../../src/common/clock';
import { InvalidRequest, NotifyEventRejected } from '../../src/common/domain-error';
import { DeliveryEvent } from '../../src/delivery-events/delivery-status';
import { HandleSnsMessage } from '../../src/delivery-events/handle-sns-message';
import { RecordDeliveryEvent } from '../../src/delivery-events/record-delivery-event';
import { RedisReplayGuard } from '../../src/delivery-events/replay-guard';
import { SnsFetcher, SnsVerifier } from '../../src/delivery-events/sns-verifier';
import { deletePrefix, testRedis, uniquePrefix } from '../support/redis';

/** Serves whatever it is given, for any URL: the verifier's host check must not depend on the fetcher. */
class PermissiveFetcher extends SnsFetcher {
  readonly fetched: string[] = [];
  constructor(private readonly answer: (url: string) => Promise<string>) {
    super();
  }
  get(url: string): Promise<string> {
    this.fetched.push(url);
    return this.answer(url);
  }
}

class RecordingRecorder {
  readonly events: DeliveryEvent[] = [];
  async execute(event: DeliveryEvent): Promise<'recorded'> {
    this.events.push(event);
    return 'recorded';
  }
}

const clock: Clock = { now: () => Date.now() };
const record = (messageId: string) =>
  JSON.stringify({
    eventType: 'TEXT_DELIVERED',
    eventVersion: '1.0',
    eventTimestamp: Date.now(),
    isFinal: true,
    messageId,
    messageStatusDescription: 'Message has been delivered',
    context: { verificationId: 'VE0000000000000000000000000000' },
  });

describe('SNS messages: signature, topic, certificate host, SubscribeURL, replay', () => {
  const signer = new SnsSigner({ region: 'us-east-1', accountId: '000000000000' });
  /** Another key pair, and another topic. */
  const other = new SnsSigner({ region: 'us-east-1', accountId: '000000000000', topicName: 'other-topic' });
  const prefix = uniquePrefix('sns');
  let redis: Redis;
  let fetcher: PermissiveFetcher;
  let recorder: RecordingRecorder;
  let handler: HandleSnsMessage;

  beforeAll(() => {
    Logger.overrideLogger(false);
    redis = testRedis({ keyPrefix: prefix });
  });
  afterAll(async () => {
    await redis.quit();
    await deletePrefix(prefix);
  });
  beforeEach(() => {
    // Any URL gets the genuine certificate: only the verifier's own checks can refuse.
    fetcher = new PermissiveFetcher((url) =>
      url.includes('ConfirmSubscription') ? signer.fetch(url) : Promise.resolve(signer.certificatePem),
    );
    recorder = new RecordingRecorder();
    handler = new HandleSnsMessage(
      new SnsVerifier(fetcher),
      fetcher,
      new RedisReplayGuard(redis),
      recorder as unknown as RecordDeliveryEvent,
      clock,
      [signer.topicArn],
    );
  });

  const notification = (version: '1' | '2' = '2') =>
    signer.notification(record(`m-${Math.random()}`), new Date(), { signatureVersion: version });
  const body = (message: SignedSnsMessage) => JSON.stringify(message);

  it.each(['1', '2'] as const)(
    'accepts a genuine notification signed with SignatureVersion %s',
    async (v) => {
      await expect(handler.execute(body(notification(v)))).resolves.toBe('recorded');
      expect(recorder.events).toHaveLength(1);
      expect(recorder.events[0]).toMatchObject({ eventType: 'TEXT_DELIVERED', status: 'delivered' });
    },
  );

  it('treats a replayed MessageId as handled: a no-op', async () => {
    const message = notification();
    await expect(handler.execute(body(message))).resolves.toBe('recorded');
    await expect(handler.execute(body(message))).resolves.toBe('duplicate');
    await expect(handler.execute(body(message))).resolves.toBe('duplicate');
    expect(recorder.events).toHaveLength(1);
  });

  it.each<[string, (m: SignedSnsMessage) => SignedSnsMessage]>([
    [
      'a tampered Message',
      (m) => ({ ...m, Message: m.Message.replace('TEXT_DELIVERED', 'TEXT_UNREACHABLE') }),
    ],
    ['a tampered Timestamp', (m) => ({ ...m, Timestamp: new Date(Date.now() - 1000).toISOString() })],
    ['a Subject added', (m) => ({ ...m, Subject: 'hello' })],
    [
      'a signature from another key',
      // The very same fields, signed with a key whose certificate is not the one at SigningCertURL.
      ({ Signature: _, SigningCertURL: __, SignatureVersion, ...fields }) => ({
        ...signer.sign(fields, SignatureVersion),
        Signature: other.sign(fields, SignatureVersion).Signature,
      }),
    ],
    ['a garbled signature', (m) => ({ ...m, Signature: 'A' + m.Signature.slice(1) })],
    [
      'SignatureVersion switched',
      (m) => ({ ...m, SignatureVersion: m.SignatureVersion === '1' ? '2' : '1' }),
    ],
    [
      'a certificate on another host',
      (m) => ({ ...m, SigningCertURL: 'https://attacker.example/SimpleNotificationService-x.pem' }),
    ],
    [
      'a certificate over http',
      (m) => ({ ...m, SigningCertURL: m.SigningCertURL.replace('https:', 'http:') }),
    ],
    [
      'a look-alike SNS host',
      (m) => ({ ...m, SigningCertURL: 'https://sns.us-east-1.amazonaws.com.attacker.example/c.pem' }),
    ],
    [
      'a certificate on another port',
      (m) => ({ ...m, SigningCertURL: m.SigningCertURL.replace('.com/', '.com:8443/') }),
    ],
    [
      'a certificate URL that is not a .pem',
      (m) => ({ ...m, SigningCertURL: m.SigningCertURL.replace('.pem', '.txt') }),
    ],
  ])('refuses %s', async (_, forge) => {
    await expect(handler.execute(body(forge(notification())))).rejects.toBeInstanceOf(NotifyEventRejected);
    expect(recorder.events).toHaveLength(0);
  });

  it('never fetches a certificate from a host that is not SNS', async () => {
    const message = {
      ...notification(),
      SigningCertURL: 'https://attacker.example/SimpleNotificationService-x.pem',
    };
    await expect(handler.execute(body(message))).rejects.toBeInstanceOf(NotifyEventRejected);
    expect(fetcher.fetched).toEqual([]);
  });

  it('refuses a genuine message from a topic that is not configured', async () => {
    const message = other.notification(record('m-other'), new Date());
    await expect(handler.execute(body(message))).rejects.toBeInstanceOf(NotifyEventRejected);
    expect(fetcher.fetched).toEqual([]);
  });

  it('refuses a message older than the replay window, and a certificate that cannot be fetched', async () => {
    const old = signer.notification(record('m-old'), new Date(Date.now() - 25 * 3600_000));
    await expect(handler.execute(body(old))).rejects.toBeInstanceOf(NotifyEventRejected);
    const failing = new HandleSnsMessage(
      new SnsVerifier(new PermissiveFetcher(() => Promise.reject(new Error('ECONNRESET')))),
      fetcher,
      new RedisReplayGuard(redis),
      recorder as unknown as RecordDeliveryEvent,
      clock,
      [signer.topicArn],
    );
    await expect(failing.execute(body(notification()))).rejects.toBeInstanceOf(NotifyEventRejected);
  });

  it('refuses a body that is not an SNS message', async () => {
    for (const bad of [
      'not json',
      '[]',
      JSON.stringify({ Type: 'Notification' }),
      JSON.stringify({ ...notification(), SignatureVersion: '3' }),
    ]) {
      await expect(handler.execute(bad)).rejects.toBeInstanceOf(InvalidRequest);
    }
  });

  it('confirms a genuine subscription by fetching its SubscribeURL, once', async () => {
    const confirmation = signer.subscriptionConfirmation(new Date());
    await expect(handler.execute(body(confirmation))).resolves.toBe('subscription_confirmed');
    await expect(handler.execute(body(confirmation))).resolves.toBe('duplicate');
    expect(signer.confirmedTokens()).toEqual([confirmation.Token]);
  });

  it('refuses, and never fetches, a SubscribeURL off SNS even when the message is signed', async () => {
    const genuine = signer.subscriptionConfirmation(new Date());
    const offSns = signer.sign({
      Type: 'SubscriptionConfirmation',
      MessageId: 'sub-off-sns',
      TopicArn: signer.topicArn,
      Message: genuine.Message,
      Timestamp: new Date().toISOString(),
      SubscribeURL: 'https://attacker.example/?Action=ConfirmSubscription&Token=x',
      Token: 'x',
    });
    const warn = jest.spyOn(Logger.prototype, 'warn');
    await expect(handler.execute(body(offSns))).rejects.toBeInstanceOf(NotifyEventRejected);
    expect(warn).toHaveBeenCalledWith(
      expect.anything(),
      'SubscribeURL is not on an SNS host; not confirming',
    );
    warn.mockRestore();
    expect(fetcher.fetched.filter((url) => url.includes('attacker'))).toEqual([]);
    expect(signer.confirmedTokens()).not.toContain('x');
  });
});
