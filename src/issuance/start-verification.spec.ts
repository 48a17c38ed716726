import { Clock } from '../common/clock';
import { NotifyUnavailable } from '../common/domain-error';
import { CodeSender, SendCodeReceipt, SendCodeRequest } from '../dispatch/code-sender';
import { DestinationPolicy } from '../dispatch/destination-policy';
import { NotifyCatalog } from '../dispatch/notify-catalog';
import { CheckCodeForNumber } from '../verification/check-code-for-number';
import { CheckCode } from '../verification/check-code';
import { FeedbackReporter } from '../verification/feedback-reporter';
import { CodeGenerator } from './code-generator';
import { CodeHasher } from './code-hasher';
import { ExpiryWatch } from './expiry-watch';
import { MemoryVerificationStore } from './memory-verification.store';
import { ResendVerification } from './resend-verification';
import { StartVerification } from './start-verification';
import { VerificationKeys } from './verification-keys';

class FixedClock extends Clock {
  constructor(public t = 1_800_000_000_000) {
    super();
  }
  now(): number {
    return this.t;
  }
}
class FixedCodes extends CodeGenerator {
  constructor(private readonly codes: string[]) {
    super();
  }
  generate(length: number): string {
    return (this.codes.shift() ?? '9'.repeat(length)).slice(0, length);
  }
}
/** Plain-text "hashing" keeps unit tests fast; argon2 itself is tested in code-hasher.spec.ts. */
class ReversibleHasher extends CodeHasher {
  dummies = 0;
  async hash(code: string) {
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
class FakeSender extends CodeSender {
  sent: SendCodeRequest[] = [];
  failNext?: Error;
  async send(request: SendCodeRequest): Promise<SendCodeReceipt> {
    if (this.failNext) {
      const error = this.failNext;
      this.failNext = undefined;
      throw error;
    }
    this.sent.push(request);
    return { messageId: `m${this.sent.length}`, channel: request.channel, templateId: 'tpl' };
  }
}
class RecordingWatch extends ExpiryWatch {
  deadlines: { id: string; expiresAt: number }[] = [];
  async watch({ id, expiresAt }: { id: string; expiresAt: number }): Promise<void> {
    this.deadlines.push({ id, expiresAt });
  }
}
class NoFeedback extends FeedbackReporter {
  received(): void {}
}

function setup() {
  const store = new MemoryVerificationStore({
    maxFailedChecksPerNumber: 10,
    failedChecksWindowMs: 3_600_000,
    retentionMs: 86_400_000,
    resendCooldownMs: 30_000,
    maxSends: 3,
  });
  const clock = new FixedClock();
  const sender = new FakeSender();
  const hasher = new ReversibleHasher();
  const keys = new VerificationKeys(Buffer.from('k'.repeat(32)));
  const destinations = new DestinationPolicy({} as NotifyCatalog, ['US']);
  const settings = { ttlSeconds: 600, codeLength: 6, maxAttempts: 5, autoVoiceOnResend: true, maxSends: 3 };
  const codes = new FixedCodes(['012345', '654321']);
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
  );
  const resend = new ResendVerification(store, watch, sender, codes, hasher, clock, settings);
  const check = new CheckCode(store, hasher, new NoFeedback(), clock);
  const checkForNumber = new CheckCodeForNumber(store, hasher, check);
  return { store, clock, sender, hasher, watch, start, resend, check, checkForNumber };
}

const command = { clientId: 'acme', to: '+1 206 555 0100', channel: 'auto' as const, purpose: 'login' };

describe(StartVerification.name, () => {
  it('sends the code with the verification id in Context, keeps leading zeros, and stores only a hash', async () => {
    const { start, sender, store } = setup();
    const result = await start.execute({ ...command, context: { app: 'shop' } });
    if (result.kind !== 'started') throw new Error('expected a start');
    expect(sender.sent[0]).toMatchObject({
      to: '+12065550100',
      channel: 'sms',
      code: '012345',
      ttlSeconds: 600,
    });
    expect(sender.sent[0].context).toEqual({ app: 'shop' });
    expect(sender.sent[0].verificationId).toBe(result.verification.id);
    const stored = await store.get(result.verification.id);
    expect(JSON.stringify(stored)).not.toContain('012345');
  });

  it('stores nothing when the send fails', async () => {
    const { start, sender, store } = setup();
    sender.failNext = new NotifyUnavailable('notify_unavailable', 'down');
    await expect(start.execute(command)).rejects.toBeInstanceOf(NotifyUnavailable);
    expect(await store.latestPendingId('acme', 'login', '+12065550100')).toBeNull();
  });

  it('a dry run stores nothing and reports the template', async () => {
    const { start, sender, store } = setup();
    await expect(start.execute({ ...command, dryRun: true })).resolves.toEqual({
      kind: 'dry_run',
      channel: 'sms',
      templateId: 'tpl',
    });
    expect(sender.sent[0].dryRun).toBe(true);
    expect(await store.latestPendingId('acme', 'login', '+12065550100')).toBeNull();
  });

  it('refuses a country outside the allowed list before sending', async () => {
    const { start, sender } = setup();
    await expect(start.execute({ ...command, to: '+442071838750' })).rejects.toMatchObject({
      code: 'country_not_allowed',
    });
    expect(sender.sent).toHaveLength(0);
  });
});

describe(ResendVerification.name, () => {
  it('a failed send gives the claim back, so the user can retry at once', async () => {
    const { start, resend, sender, clock } = setup();
    const started = await start.execute(command);
    if (started.kind !== 'started') throw new Error('expected a start');
    clock.t += 30_000;
    sender.failNext = new NotifyUnavailable('notify_unavailable', 'down');
    await expect(resend.execute({ clientId: 'acme', id: started.verification.id })).rejects.toBeInstanceOf(
      NotifyUnavailable,
    );
    const { verification: updated } = await resend.execute({ clientId: 'acme', id: started.verification.id });
    expect(updated.sends.map((s) => s.channel)).toEqual(['sms', 'voice']);
  });

  it("a start watches its code's expiry, a resend the new one; a dry run and a failed send watch nothing", async () => {
    const { start, resend, sender, clock, watch } = setup();
    await start.execute({ ...command, dryRun: true });
    sender.failNext = new NotifyUnavailable('notify_unavailable', 'down');
    await expect(start.execute(command)).rejects.toBeInstanceOf(NotifyUnavailable);
    expect(watch.deadlines).toEqual([]);

    const started = await start.execute(command);
    if (started.kind !== 'started') throw new Error('expected a start');
    const { id } = started.verification;
    clock.t += 30_000;
    await resend.execute({ clientId: 'acme', id });
    expect(watch.deadlines).toEqual([
      { id, expiresAt: started.verification.createdAt + 600_000 },
      { id, expiresAt: clock.t + 600_000 },
    ]);
  });

  it("refuses another client's verification as unknown", async () => {
    const { start, resend } = setup();
    const started = await start.execute(command);
    if (started.kind !== 'started') throw new Error('expected a start');
    await expect(resend.execute({ clientId: 'globex', id: started.verification.id })).rejects.toMatchObject({
      code: 'verification_not_found',
    });
  });
});

describe(CheckCodeForNumber.name, () => {
  it('runs a dummy comparison when the number has no verification, and answers like a wrong code', async () => {
    const { start, checkForNumber, hasher } = setup();
    await start.execute(command);
    const unknown = await checkForNumber.execute({
      clientId: 'acme',
      to: '+12065550199',
      code: '012345',
      purpose: 'login',
    });
    expect(hasher.dummies).toBe(1);
    const wrong = await checkForNumber.execute({
      clientId: 'acme',
      to: '+12065550100',
      code: '999999',
      purpose: 'login',
    });
    expect(wrong).toEqual(unknown);
    const right = await checkForNumber.execute({
      clientId: 'acme',
      to: '+12065550100',
      code: '012345',
      purpose: 'login',
    });
    expect(right).toMatchObject({ valid: true, status: 'approved' });
  });
});
