import { NotifyTimeout, NotifyUnavailable } from '../common/domain-error';
import { CheckCodeForNumber } from '../verification/check-code-for-number';
import { CheckCode } from '../verification/check-code';
import { issuanceFixture } from '../../test/support/issuance-fixture';
import { ResendVerification } from './resend-verification';
import { StartVerification } from './start-verification';

function setup() {
  const fixture = issuanceFixture({ codes: ['012345', '654321'] });
  const check = new CheckCode(fixture.store, fixture.hasher, fixture.clock, fixture.events);
  const checkForNumber = new CheckCodeForNumber(
    fixture.store,
    fixture.hasher,
    check,
    fixture.events,
    fixture.keys,
    fixture.clock,
  );
  return { ...fixture, check, checkForNumber };
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
  it("sends with the start's template choice: no locale stays no locale (the configuration's default template)", async () => {
    const { start, resend, sender, clock } = setup();
    const plain = await start.execute(command);
    const spanish = await start.execute({ ...command, to: '+12065550101', locale: 'es' });
    if (plain.kind !== 'started' || spanish.kind !== 'started') throw new Error('expected starts');
    clock.t += 30_000;
    await resend.execute({ clientId: 'acme', id: plain.verification.id });
    await resend.execute({ clientId: 'acme', id: spanish.verification.id });
    expect(sender.sent.map((r) => r.locale)).toEqual([undefined, 'es', undefined, 'es']);
  });

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

  it('a resend whose send timed out keeps its claim: the message may be out, so the cooldown holds', async () => {
    const { start, resend, sender, clock } = setup();
    const started = await start.execute(command);
    if (started.kind !== 'started') throw new Error('expected a start');
    clock.t += 30_000;
    sender.failNext = new NotifyTimeout();
    await expect(resend.execute({ clientId: 'acme', id: started.verification.id })).rejects.toBeInstanceOf(
      NotifyTimeout,
    );
    await expect(resend.execute({ clientId: 'acme', id: started.verification.id })).rejects.toMatchObject({
      code: 'resend_too_soon',
    });
  });

  it('a start whose send timed out stores no code', async () => {
    const { start, sender, store } = setup();
    sender.failNext = new NotifyTimeout();
    await expect(start.execute(command)).rejects.toBeInstanceOf(NotifyTimeout);
    expect(await store.latestPendingId('acme', 'login', '+12065550100')).toBeNull();
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
