import { NotifyUnavailable, RateLimited } from '../common/domain-error';
import { issuanceFixture } from '../../test/support/issuance-fixture';
import { Admission, RateLimits, StartAdmissionRequest } from './rate-limits';

/** Admits or refuses as told, and records what it was asked and given back. */
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
  const limits = new ScriptedLimits();
  return { limits, ...issuanceFixture({ maxSends: 5, blocked: ['CU'], limits }) };
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
