import { createEmbeddedRedis } from '../../src/redis/embedded-redis';
import { newServiceSid } from '../../src/twilio/twilio-sids';
import { VerifyService, VerifyServiceStore } from '../../src/twilio/verify-service.store';
import { deletePrefix, dumpPrefix, testRedis, uniquePrefix } from '../support/redis';

interface Subject {
  store: VerifyServiceStore;
  /** Every key name the store wrote, unprefixed. */
  keyNames(): Promise<string[]>;
  cleanup(): Promise<void>;
}

const service = (createdAt: number, overrides: Partial<VerifyService> = {}): VerifyService => ({
  sid: newServiceSid(),
  friendlyName: 'My App',
  codeLength: 6,
  createdAt,
  updatedAt: createdAt,
  ...overrides,
});

/** One store implementation over ioredis; the same contract on real Redis and on the embedded store. */
function verifyServiceStoreContract(name: string, make: () => Promise<Subject>): void {
  describe(name, () => {
    let subject: Subject;
    beforeEach(async () => {
      subject = await make();
    });
    afterEach(async () => {
      await subject.cleanup();
    });

    it('creates and reads a service, and never overwrites an existing SID', async () => {
      const created = service(1000);
      expect(await subject.store.create('acme', created)).toBe(true);
      expect(await subject.store.get('acme', created.sid)).toEqual(created);
      expect(await subject.store.create('acme', { ...created, friendlyName: 'Other' })).toBe(false);
      expect((await subject.store.get('acme', created.sid))?.friendlyName).toBe('My App');
      expect(await subject.store.get('acme', newServiceSid())).toBeNull();
    });

    it('keeps each API client to its own services', async () => {
      const mine = service(1000);
      await subject.store.create('acme', mine);
      expect(await subject.store.get('globex', mine.sid)).toBeNull();
      expect(await subject.store.list('globex')).toEqual([]);
      expect(await subject.store.delete('globex', mine.sid)).toBe(false);
      expect(await subject.store.get('acme', mine.sid)).toEqual(mine);
    });

    it('lists oldest first', async () => {
      const [a, b, c] = [service(3000), service(1000), service(2000, { codeLength: undefined })];
      for (const s of [a, b, c]) await subject.store.create('acme', s);
      expect(await subject.store.list('acme')).toEqual([b, c, a]);
    });

    it('deletes once', async () => {
      const created = service(1000);
      await subject.store.create('acme', created);
      expect(await subject.store.delete('acme', created.sid)).toBe(true);
      expect(await subject.store.delete('acme', created.sid)).toBe(false);
      expect(await subject.store.get('acme', created.sid)).toBeNull();
      expect(await subject.store.list('acme')).toEqual([]);
    });

    it('updates what the change gives and keeps the rest; a deleted service stays deleted', async () => {
      const created = service(1000);
      await subject.store.create('acme', created);
      const renamed = await subject.store.update('acme', created.sid, (s) => ({
        ...s,
        friendlyName: 'Renamed',
        updatedAt: 2000,
      }));
      expect(renamed).toEqual({ ...created, friendlyName: 'Renamed', updatedAt: 2000 });
      expect(await subject.store.get('acme', created.sid)).toEqual(renamed);
      expect(await subject.store.update('globex', created.sid, (s) => s)).toBeNull();
      await subject.store.delete('acme', created.sid);
      expect(
        await subject.store.update('acme', created.sid, (s) => ({ ...s, friendlyName: 'Back' })),
      ).toBeNull();
      expect(await subject.store.list('acme')).toEqual([]);
    });

    it('loses no concurrent update: the compare-and-set retries on a fresh read', async () => {
      const created = service(1000, { codeLength: 6 });
      await subject.store.create('acme', created);
      await Promise.all([
        subject.store.update('acme', created.sid, (s) => ({ ...s, friendlyName: 'Renamed' })),
        subject.store.update('acme', created.sid, (s) => ({ ...s, codeLength: 8 })),
      ]);
      expect(await subject.store.get('acme', created.sid)).toMatchObject({
        friendlyName: 'Renamed',
        codeLength: 8,
      });
    });

    it('writes one key per API client, named by the client only', async () => {
      await subject.store.create('acme', service(1000));
      await subject.store.create('acme', service(2000));
      await subject.store.create('globex', service(3000));
      expect((await subject.keyNames()).sort()).toEqual(['twilio:services:acme', 'twilio:services:globex']);
    });
  });
}

verifyServiceStoreContract(`${VerifyServiceStore.name} on Redis`, async () => {
  const prefix = uniquePrefix('twilio-services');
  const redis = testRedis({ keyPrefix: prefix });
  return {
    store: new VerifyServiceStore(redis),
    keyNames: async () =>
      [...(await dumpPrefix(redis, prefix)).keys()].map((key) => key.slice(prefix.length)),
    cleanup: async () => {
      redis.disconnect();
      await deletePrefix(prefix);
    },
  };
});

verifyServiceStoreContract(`${VerifyServiceStore.name} on the embedded store`, async () => {
  const redis = createEmbeddedRedis('otp:');
  return {
    store: new VerifyServiceStore(redis),
    keyNames: async () => (await redis.keys('*')).map((key) => key.replace(/^otp:/, '')),
    cleanup: async () => redis.disconnect(),
  };
});
