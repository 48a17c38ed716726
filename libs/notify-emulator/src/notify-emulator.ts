import { NotifyCatalog } from './catalog';
import { DEFAULT_ACCOUNT_ID, DEFAULT_EMULATOR_HOST, DEFAULT_LIMITS, DEFAULT_REGION } from './defaults';
import { FaultQueue } from './faults';
import { MessageLog } from './message-log';
import { NotifyOperations } from './operations';
import { EmulatorServer } from './server';
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
  private url: string | undefined;

  constructor(options: NotifyEmulatorOptions = {}) {
    const now = options.now ?? (() => new Date());
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
