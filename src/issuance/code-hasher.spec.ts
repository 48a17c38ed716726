import { Argon2CodeHasher } from './code-hasher';

describe(Argon2CodeHasher.name, () => {
  const params = { memoryCost: 1024, timeCost: 1, parallelism: 1 };
  const hasher = new Argon2CodeHasher(Buffer.from('s'.repeat(32)), params);

  it('stores an argon2id hash that does not contain the code and verifies only the right code', async () => {
    const hash = await hasher.hash('012345');
    expect(hash.startsWith('$argon2id$')).toBe(true);
    expect(hash).not.toContain('012345');
    await expect(hasher.verify(hash, '012345')).resolves.toBe(true);
    await expect(hasher.verify(hash, '12345')).resolves.toBe(false);
  });

  it('needs the server secret: the same hash fails under another secret', async () => {
    const hash = await hasher.hash('424242');
    const other = new Argon2CodeHasher(Buffer.from('t'.repeat(32)), params);
    await expect(other.verify(hash, '424242')).resolves.toBe(false);
  });

  it('answers false for a dummy comparison and for a malformed hash, without throwing', async () => {
    await expect(hasher.verifyNothing('123456')).resolves.toBe(false);
    await expect(hasher.verify('not-a-hash', '123456')).resolves.toBe(false);
  });
});
