import { Clock } from '../../src/common/clock';
import { NotifyUnavailable } from '../../src/common/domain-error';
import { CodeSender, SendCodeReceipt, SendCodeRequest } from '../../src/dispatch/code-sender';
import { DestinationPolicy } from '../../src/dispatch/destination-policy';
import { NotifyCatalog } from '../../src/dispatch/notify-catalog';
import { CodeGenerator, RandomCodeGenerator } from '../../src/issuance/code-generator';
import { CodeHasher } from '../../src/issuance/code-hasher';
import { CodeIssuer } from '../../src/issuance/code-issuer';
import { RedisVerificationStore } from '../../src/issuance/redis-verification.store';
import { ResendVerification } from '../../src/issuance/resend-verification';
import { StartVerification } from '../../src/issuance/start-verification';
import { VerificationKeys } from '../../src/issuance/verification-keys';
import { Admission, RateLimits } from '../../src/rate-limiting/rate-limits';
import { createEmbeddedRedis } from '../../src/redis/embedded-redis';
import { RecordingEvents } from './recording-events';

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

/** Limits that admit everything, for specs of the use cases' own rules. */
export class NoRateLimits extends RateLimits {
  async admitStart(): Promise<Admission> {
    return { refund: async () => undefined };
  }
  async admitResend(): Promise<Admission> {
    return { refund: async () => undefined };
  }
  approved(): void {}
}

/** StartVerification and ResendVerification on the embedded store (the real Lua scripts), with every port faked. */
export function issuanceFixture(
  options: { maxSends?: number; codes?: string[]; limits?: RateLimits; blocked?: string[] } = {},
) {
  const maxSends = options.maxSends ?? 3;
  const keys = new VerificationKeys(Buffer.from('k'.repeat(32)));
  const store = new RedisVerificationStore(createEmbeddedRedis('otp:'), keys, {
    maxFailedChecksPerNumber: 10,
    failedChecksWindowMs: 3_600_000,
    retentionMs: 86_400_000,
    resendCooldownMs: 30_000,
    maxSends,
  });
  const clock = new FixedClock();
  const sender = new FakeSender();
  const hasher = new PlainHasher();
  const destinations = new DestinationPolicy({} as NotifyCatalog, ['US'], options.blocked);
  const policy = { ttlSeconds: 600, codeLength: 6, maxAttempts: 5, autoVoiceOnResend: true, maxSends };
  const codes = options.codes ? new FixedCodes(options.codes) : new RandomCodeGenerator();
  const events = new RecordingEvents();
  const limits = options.limits ?? new NoRateLimits();
  const issuer = new CodeIssuer(sender, codes, hasher);
  const start = new StartVerification(store, keys, destinations, issuer, clock, policy, events, limits);
  const resend = new ResendVerification(store, issuer, clock, policy, events, limits);
  /** The deadlines the expiry watch is told to watch: those of starts and resends. */
  const watch = {
    get deadlines() {
      return events.published.flatMap((event) =>
        event.type === 'verification.started' || event.type === 'verification.resent'
          ? [{ id: event.verification.id, expiresAt: event.verification.expiresAt }]
          : [],
      );
    },
  };
  return { store, keys, clock, sender, hasher, watch, events, start, resend };
}
