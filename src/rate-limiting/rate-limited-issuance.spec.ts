import { Clock } from '../common/clock';
import { NotifyUnavailable, RateLimited } from '../common/domain-error';
import { CodeSender, SendCodeReceipt, SendCodeRequest } from '../dispatch/code-sender';
import { DestinationPolicy } from '../dispatch/destination-policy';
import { NotifyCatalog } from '../dispatch/notify-catalog';
import { RandomCodeGenerator } from '../issuance/code-generator';
import { CodeHasher } from '../issuance/code-hasher';
import { ExpiryWatch } from '../issuance/expiry-watch';
import { MemoryVerificationStore } from '../issuance/memory-verification.store';
import { ResendVerification } from '../issuance/resend-verification';
import { StartVerification } from '../issuance/start-verification';
import { VerificationKeys } from '../issuance/verification-keys';
import { Admission, RateLimits, StartAdmissionRequest } from './rate-limits';

class FixedClock extends Clock {
  t = 1_800_000_000_000;
  now(): number {
    return this.t;
  }
}
class CountingHasher extends CodeHasher {
  hashed = 0;
  async hash(code: string) {
    this.hashed++;
    return `h:${code}`;
  }
  async verify(hash: string, code: string) {
    return hash === `h:${code}`;
  }
  async verifyNothing(): Promise<false> {
    return false;
  }
}
class FakeSender extends CodeSender {
  sent: SendCodeRequest[] = [];
  failNext = false;
  async send(request: SendCodeRequest): Promise<SendCodeReceipt> {
    if (this.failNext) {
      this.failNext = false;
      throw new NotifyUnavailable('notify_unavailable', 'down');
    }
    this.sent.push(request);
    return { messageId: `m${this.sent.length}`, channel: request.channel, templateId: 'tpl' };
  }
}
/** Admits or refuses as told, and records what it was asked and given back. */
class NoExpiryWatch extends ExpiryWatch {
  async watch(): Promise<void> {}
}
class ScriptedLimits extends RateLimits {
  refuse = false;
  starts: StartAdmissionRequest[] = [];
  resends = 0;
  refunds = 0;
  async admitStart(request: StartAdmissionRequest): Promise<Admission> {
    this.starts.push(request);
    return this.admit();
  }
  async admitResend(): Promise<Admission> {
    this.resends++;
    return this.admit();
  }
  approved(): void {}
  private admit(): Admission {
    if (this.refuse) throw new RateLimited('rate_limited_destination', 60);
    return {
      quota: { policy: 'number-15min', limit: 5, remaining: 4, resetSeconds: 900 },
      refund: async () => {
        this.refunds++;
      },
    };
  }
}

function setup() {
  const store = new MemoryVerificationStore({
    maxFailedChecksPerNumber: 10,
    failedChecksWindowMs: 3_600_000,
    retentionMs: 86_400_000,
    resendCooldownMs: 30_000,
    maxSends: 5,
  });
  const clock = new FixedClock();
  const sender = new FakeSender();
  const hasher = new CountingHasher();
  const limits = new ScriptedLimits();
  const keys = new VerificationKeys(Buffer.from('k'.repeat(32)));
  const destinations = new DestinationPolicy({} as NotifyCatalog, ['US'], ['CU']);
  const settings = { ttlSeconds: 600, codeLength: 6, maxAttempts: 5, autoVoiceOnResend: true, maxSends: 5 };
  const generator = new RandomCodeGenerator();
  const watch = new NoExpiryWatch();
  const start = new StartVerification(
    store,
    watch,
    keys,
    destinations,
    sender,
    generator,
    hasher,
    clock,
    settings,
    undefined,
    limits,
  );
  const resend = new ResendVerification(store, watch, sender, generator, hasher, clock, settings, limits);
  return { store, clock, sender, hasher, limits, start, resend };
}

const command = { clientId: 'acme', to: '+1 206 555 0100', channel: 'sms', purpose: 'login' } as const;

describe('the use cases under rate limits', () => {
  it('a start passes the normalised number, the client and the end-user IP to the limits, and reports the quota', async () => {
    const { start, limits } = setup();
    const result = await start.execute({ ...command, endUserIp: '203.0.113.7' });
    expect(limits.starts).toEqual([
      { clientId: 'acme', to: '+12065550100', endUserIp: '203.0.113.7', dryRun: false },
    ]);
    expect(result.quota).toMatchObject({ limit: 5, remaining: 4 });
  });

  it('a refused start hashes, sends and stores nothing', async () => {
    const { start, limits, sender, hasher, store } = setup();
    limits.refuse = true;
    await expect(start.execute(command)).rejects.toBeInstanceOf(RateLimited);
    expect(sender.sent).toHaveLength(0);
    expect(hasher.hashed).toBe(0);
    expect(await store.latestPendingId('acme', 'login', '+12065550100')).toBeNull();
  });

  it('a country on the block list is refused before the limits are asked', async () => {
    const { start, limits } = setup();
    await expect(start.execute({ ...command, to: '+5372123456' })).rejects.toMatchObject({
      code: 'country_not_allowed',
    });
    expect(limits.starts).toHaveLength(0);
  });

  it('a start whose send fails gives its points back', async () => {
    const { start, limits, sender } = setup();
    sender.failNext = true;
    await expect(start.execute(command)).rejects.toBeInstanceOf(NotifyUnavailable);
    expect(limits.refunds).toBe(1);
    await start.execute(command);
    expect(limits.refunds).toBe(1);
  });

  it('a refused resend gives its claim back: the next one needs no new cooldown', async () => {
    const { start, resend, limits, clock, sender } = setup();
    const started = await start.execute(command);
    if (started.kind !== 'started') throw new Error('not started');
    clock.t += 30_000;
    limits.refuse = true;
    await expect(resend.execute({ clientId: 'acme', id: started.verification.id })).rejects.toBeInstanceOf(
      RateLimited,
    );
    expect(sender.sent).toHaveLength(1);
    limits.refuse = false;
    const { verification, quota } = await resend.execute({ clientId: 'acme', id: started.verification.id });
    expect(verification.sendCount).toBe(2);
    expect(quota).toBeDefined();
    expect(limits.resends).toBe(2);
  });

  it('a resend whose send fails gives its points back', async () => {
    const { start, resend, limits, clock, sender } = setup();
    const started = await start.execute(command);
    if (started.kind !== 'started') throw new Error('not started');
    clock.t += 30_000;
    sender.failNext = true;
    await expect(resend.execute({ clientId: 'acme', id: started.verification.id })).rejects.toBeInstanceOf(
      NotifyUnavailable,
    );
    expect(limits.refunds).toBe(1);
  });
});
