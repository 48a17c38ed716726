import { Clock } from '../../src/common/clock';
import { NotifyUnavailable } from '../../src/common/domain-error';
import { CodeSender, SendCodeReceipt, SendCodeRequest } from '../../src/dispatch/code-sender';
import { DestinationPolicy } from '../../src/dispatch/destination-policy';
import { NotifyCatalog } from '../../src/dispatch/notify-catalog';
import { CodeGenerator, RandomCodeGenerator } from '../../src/issuance/code-generator';
import { CodeHasher } from '../../src/issuance/code-hasher';
import { ExpiryWatch } from '../../src/issuance/expiry-watch';
import { MemoryVerificationStore } from '../../src/issuance/memory-verification.store';
import { ResendVerification } from '../../src/issuance/resend-verification';
import { StartVerification } from '../../src/issuance/start-verification';
import { VerificationKeys } from '../../src/issuance/verification-keys';
import { RateLimits } from '../../src/rate-limiting/rate-limits';

/** Fakes for the ports of the issuance use cases, shared by their unit specs. */
export class FixedClock extends Clock {
  t = 1_800_000_000_000;
  now(): number {
    return this.t;
  }
}

export class FixedCodes extends CodeGenerator {
  constructor(private readonly codes: string[]) {
    super();
  }
  generate(length: number): string {
    return (this.codes.shift() ?? '9'.repeat(length)).slice(0, length);
  }
}

/** Plain-text "hashing" keeps unit tests fast; argon2 itself is tested in code-hasher.spec.ts. */
export class PlainHasher extends CodeHasher {
  hashed = 0;
  dummies = 0;
  async hash(code: string) {
    this.hashed++;
    return `h:${code}`;
  }
  async verify(hash: string, code: string) {
    return hash === `h:${code}`;
  }
  async verifyNothing(): Promise<false> {
    this.dummies++;
    return false;
  }
}

export class FakeSender extends CodeSender {
  sent: SendCodeRequest[] = [];
  /** The next send fails with this error (`true`: a Notify outage). */
  failNext?: Error | boolean;
  async send(request: SendCodeRequest): Promise<SendCodeReceipt> {
    const failure = this.failNext;
    this.failNext = undefined;
    if (failure) throw failure === true ? new NotifyUnavailable('notify_unavailable', 'down') : failure;
    this.sent.push(request);
    return { messageId: `m${this.sent.length}`, channel: request.channel, templateId: 'tpl' };
  }
}

export class RecordingWatch extends ExpiryWatch {
  deadlines: { id: string; expiresAt: number }[] = [];
  async watch({ id, expiresAt }: { id: string; expiresAt: number }): Promise<void> {
    this.deadlines.push({ id, expiresAt });
  }
}

/** StartVerification and ResendVerification on the in-process store, with every port faked. */
export function issuanceFixture(
  options: { maxSends?: number; codes?: string[]; limits?: RateLimits; blocked?: string[] } = {},
) {
  const maxSends = options.maxSends ?? 3;
  const store = new MemoryVerificationStore({
    maxFailedChecksPerNumber: 10,
    failedChecksWindowMs: 3_600_000,
    retentionMs: 86_400_000,
    resendCooldownMs: 30_000,
    maxSends,
  });
  const clock = new FixedClock();
  const sender = new FakeSender();
  const hasher = new PlainHasher();
  const keys = new VerificationKeys(Buffer.from('k'.repeat(32)));
  const destinations = new DestinationPolicy({} as NotifyCatalog, ['US'], options.blocked);
  const settings = { ttlSeconds: 600, codeLength: 6, maxAttempts: 5, autoVoiceOnResend: true, maxSends };
  const codes = options.codes ? new FixedCodes(options.codes) : new RandomCodeGenerator();
  const watch = new RecordingWatch();
  const start = new StartVerification(
    store,
    watch,
    keys,
    destinations,
    sender,
    codes,
    hasher,
    clock,
    settings,
    undefined,
    options.limits,
  );
  const resend = new ResendVerification(store, watch, sender, codes, hasher, clock, settings, options.limits);
  return { store, clock, sender, hasher, watch, start, resend };
}
