import { Logger } from '@nestjs/common';
import { Clock } from '../common/clock';
import { InvalidRequest, NotifyEventRejected } from '../common/domain-error';
import { parseDeliveryEvent } from './delivery-status';
import { RecordDeliveryEvent } from './record-delivery-event';
import { ReplayGuard } from './replay-guard';
import { isSnsUrl, parseSnsMessage, SnsMessage } from './sns-message';
import { SnsFetcher, SnsVerifier } from './sns-verifier';

/** How long a handled MessageId is remembered; older messages are refused, so a replay can never slip through. */
export const SNS_REPLAY_WINDOW_MS = 24 * 3600_000;

export type SnsResult =
  'recorded' | 'stale' | 'unknown' | 'ignored' | 'duplicate' | 'subscription_confirmed' | 'unsubscribed';

/**
 * One POST of an SNS HTTPS subscription. In order: the body must be an SNS message, its TopicArn one we accept,
 * its signature valid under a certificate from SNS's own host, and its MessageId new. A SubscriptionConfirmation is
 * confirmed only when its SubscribeURL is on an SNS host; a Notification carries one delivery event record.
 */
export class HandleSnsMessage {
  private readonly logger = new Logger('SnsEvents');
  private readonly topics: Set<string>;

  constructor(
    private readonly verifier: SnsVerifier,
    private readonly fetcher: SnsFetcher,
    private readonly replays: ReplayGuard,
    private readonly record: RecordDeliveryEvent,
    private readonly clock: Clock,
    topicArns: string[],
  ) {
    this.topics = new Set(topicArns);
  }

  async execute(body: unknown): Promise<SnsResult> {
    const message = parseSnsMessage(body);
    if (!message) {
      throw new InvalidRequest('The body is not an SNS message.', [
        { field: 'body', message: 'must be an SNS message' },
      ]);
    }
    if (!this.topics.has(message.TopicArn)) {
      this.logger.warn(
        { topicArn: message.TopicArn, type: message.Type },
        'SNS message from a topic not accepted',
      );
      throw new NotifyEventRejected('The topic is not accepted here.');
    }
    const verdict = await this.verifier.verify(message);
    if (!verdict.valid) {
      this.logger.warn({ messageId: message.MessageId, reason: verdict.reason }, 'SNS signature refused');
      throw new NotifyEventRejected('The SNS signature could not be verified.');
    }
    const sentAt = Date.parse(message.Timestamp);
    if (!(this.clock.now() - sentAt < SNS_REPLAY_WINDOW_MS)) {
      throw new NotifyEventRejected('The SNS message is too old.');
    }
    if (!(await this.replays.claim(message.MessageId, SNS_REPLAY_WINDOW_MS))) return 'duplicate';
    try {
      return await this.handle(message);
    } catch (error) {
      await this.replays.release(message.MessageId).catch(() => undefined);
      throw error;
    }
  }

  private async handle(message: SnsMessage): Promise<SnsResult> {
    switch (message.Type) {
      case 'SubscriptionConfirmation':
        return this.confirm(message);
      case 'UnsubscribeConfirmation':
        this.logger.warn({ topicArn: message.TopicArn }, 'SNS unsubscribed this endpoint; not resubscribing');
        return 'unsubscribed';
      case 'Notification':
        return this.notification(message);
    }
  }

  private async confirm(message: SnsMessage): Promise<SnsResult> {
    const url = message.SubscribeURL ?? '';
    if (!isSnsUrl(url)) {
      this.logger.warn({ topicArn: message.TopicArn }, 'SubscribeURL is not on an SNS host; not confirming');
      throw new NotifyEventRejected('The SubscribeURL is not on an SNS host.');
    }
    await this.fetcher.get(url);
    this.logger.log({ topicArn: message.TopicArn }, 'SNS subscription confirmed');
    return 'subscription_confirmed';
  }

  private async notification(message: SnsMessage): Promise<SnsResult> {
    let record: unknown;
    try {
      record = JSON.parse(message.Message);
    } catch {
      record = undefined;
    }
    const parsed = parseDeliveryEvent(record);
    if (parsed.kind !== 'event') {
      // Signed by our topic but not a delivery event we know: acknowledged, so SNS does not retry it forever.
      this.logger.warn({ messageId: message.MessageId, parsed }, 'SNS notification ignored');
      return 'ignored';
    }
    return this.record.execute(parsed.event);
  }
}
