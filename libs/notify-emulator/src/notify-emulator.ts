import { NotifyCatalog } from './catalog';
import { DEFAULT_ACCOUNT_ID, DEFAULT_EMULATOR_HOST, DEFAULT_LIMITS, DEFAULT_REGION } from './defaults';
import {
  DeliveryEventEmitter,
  deliveryEventRecord,
  DeliveryEventRecord,
  EmitOptions,
  EmittedEvent,
  EventDestination,
  NoEventDestinationError,
  UnknownMessageError,
} from './delivery-events';
import { FaultQueue } from './faults';
import { MessageLog } from './message-log';
import { NotifyOperations } from './operations';
import { EmulatorServer } from './server';
import { SnsSigner } from './sns-signer';
import type { EmulatedMessage, EmulatorFault, NotifyEmulatorOptions } from './types';

/**
 * A local AWS End User Messaging Notify endpoint. The real `PinpointSMSVoiceV2Client`, pointed at `endpoint`,
 * talks to it unchanged: requests are validated the way the service validates them, quotas are counted,
 * messages are kept for inspection, and faults can be injected.
 */
export class NotifyEmulator {
  private readonly log: MessageLog;
  private readonly faults = new FaultQueue();
  private readonly server: EmulatorServer;
  private readonly now: () => Date;
  private readonly region: string;
  private readonly accountId: string;
  private readonly eventBridgeSecret?: string;
  private snsSigner?: SnsSigner;
  private destination?: EventDestination;
  private url: string | undefined;

  constructor(options: NotifyEmulatorOptions = {}) {
    const now = options.now ?? (() => new Date());
    this.now = now;
    this.region = options.region ?? DEFAULT_REGION;
    this.accountId = options.accountId ?? DEFAULT_ACCOUNT_ID;
    this.eventBridgeSecret = options.eventBridgeSecret;
    this.destination = options.eventDestination;
    const catalog = new NotifyCatalog({
      configurations: options.configurations,
      templates: options.templates,
      includeDefaults: options.includeDefaults,
      region: options.region ?? DEFAULT_REGION,
      accountId: options.accountId ?? DEFAULT_ACCOUNT_ID,
    });
    this.log = new MessageLog(options.maxStoredMessages ?? 10_000);
    const operations = new NotifyOperations(catalog, this.log, { ...DEFAULT_LIMITS, ...options.limits }, now);
    this.server = new EmulatorServer({
      operations,
      faults: this.faults,
      messages: (filter) => this.messages(filter),
      reset: () => this.reset(),
      emitEvents: (messageId, eventTypes, options) => this.emitEvents(messageId, eventTypes, options),
    });
  }

  /** Port 0 picks a free port. Resolves the endpoint URL to give the SDK client. */
  async listen(port = 0, host = DEFAULT_EMULATOR_HOST): Promise<string> {
    if (this.url) throw new Error(`The Notify emulator is already listening on ${this.url}`);
    const address = await this.server.listen(port, host);
    this.url = `http://${connectableHost(address.address, address.family)}:${address.port}`;
    return this.url;
  }

  get endpoint(): string {
    if (!this.url) throw new Error('The Notify emulator is not listening; call listen() first');
    return this.url;
  }

  async close(): Promise<void> {
    await this.server.close();
    this.url = undefined;
  }

  /** Delivered messages, newest first; DryRun sends never appear. */
  messages(filter: { to?: string } = {}): EmulatedMessage[] {
    return this.log.list(filter);
  }

  /** Throws a TypeError for a fault that could never fire or would do nothing. */
  injectFault(fault: EmulatorFault): void {
    this.faults.add(fault);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  /** How many injected faults wait for a call (a call that takes one has reached the emulator). */
  pendingFaults(): number {
    return this.faults.size;
  }

  /**
   * SNS's side of delivery events: the topic, the test signing key and certificate (made on first use), and a
   * `fetch` that serves the certificate at its SNS-looking URL.
   */
  get sns(): SnsSigner {
    this.snsSigner ??= new SnsSigner({ region: this.region, accountId: this.accountId });
    return this.snsSigner;
  }

  /** Where `emitEvents` delivers; undefined: nowhere (emitting then throws). */
  setEventDestination(destination: EventDestination | undefined): void {
    this.destination = destination;
  }

  /**
   * Reports what happened to a delivered message, as Notify's configuration set would: one event per type, a
   * millisecond apart in the given order, delivered one after the other as signed SNS notifications or
   * EventBridge envelopes. `duplicate` and `reorder` play the at-least-once, unordered delivery of both.
   * Throws as `deliveryRecords` does, then NoEventDestinationError without a destination; `httpEventDestination`
   * throws EventDeliveryError when the service refuses an event or cannot be reached.
   */
  async emitEvents(
    messageId: string,
    eventTypes: string[],
    options: EmitOptions = {},
  ): Promise<EmittedEvent[]> {
    const records = this.deliveryRecords(messageId, eventTypes, options.context);
    if (!this.destination) throw new NoEventDestinationError();
    const emitter = new DeliveryEventEmitter(this.sns, {
      region: this.region,
      accountId: this.accountId,
      eventBridgeSecret: this.eventBridgeSecret,
    });
    const events = emitter.build(records, this.now(), options);
    for (const event of events) await this.destination.deliver(event);
    return events;
  }

  /**
   * The records Notify would publish for these events of a delivered message, a millisecond apart in the given
   * order, without delivering them anywhere. `context` replaces the Context they echo.
   * Throws UnknownMessageError for a message the emulator did not deliver, and a TypeError for an event type that
   * does not exist or does not fit the message's channel.
   */
  deliveryRecords(
    messageId: string,
    eventTypes: string[],
    context?: Record<string, string>,
  ): DeliveryEventRecord[] {
    const message = this.log.find(messageId);
    if (!message) throw new UnknownMessageError(messageId);
    const start = this.now().getTime();
    return eventTypes.map((type, i) => ({
      ...deliveryEventRecord(message, type, new Date(start + i)),
      ...(context && { context: { ...context } }),
    }));
  }

  /** Forgets these messages and today's per-number quota counts of their destinations. */
  forgetMessages(messageIds: Iterable<string>): void {
    this.log.forget(new Set(messageIds));
  }

  /** Forgets messages, quota counters and faults; configurations and templates stay as constructed. */
  reset(): void {
    this.log.clear();
    this.faults.clear();
  }
}

/** A server bound to every interface is reached through loopback. */
function connectableHost(address: string, family: string): string {
  if (address === '0.0.0.0') return '127.0.0.1';
  if (address === '::') return '[::1]';
  return family === 'IPv6' ? `[${address}]` : address;
}
