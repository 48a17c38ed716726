import { VerificationKeys } from './verification-keys';

describe(VerificationKeys.name, () => {
  const keys = new VerificationKeys(Buffer.from('k'.repeat(32)));

  it('gives every key of one number the same hash tag, so a script touches one cluster slot', () => {
    const id = keys.newId('+12065550100');
    const tags = [
      keys.record(id),
      keys.codeHash(id),
      keys.pending('acme', 'login', '+12065550100'),
      keys.failedChecks('acme', '+12065550100'),
      keys.messageIndex('+12065550100', 'msg-1'),
    ].map((k) => /\{([0-9a-f]{4})\}/.exec(k)?.[1]);
    expect(new Set(tags).size).toBe(1);
    expect(tags[0]).toBe(keys.tagOf('+12065550100'));
  });

  it('makes opaque ids that it recognises, and refuses anything else', () => {
    const id = keys.newId('+12065550100');
    expect(VerificationKeys.isId(id)).toBe(true);
    expect(id).not.toContain('2065550100');
    expect(VerificationKeys.isId('VE' + 'g'.repeat(28))).toBe(false);
    expect(() => keys.record('../etc')).toThrow();
  });

  it('derives the tag from a secret, so it differs between deployments', () => {
    const other = new VerificationKeys(Buffer.from('x'.repeat(32)));
    const numbers = ['+12065550100', '+12065550101', '+442071838750', '+4915112345678'];
    expect(numbers.map((n) => keys.tagOf(n))).not.toEqual(numbers.map((n) => other.tagOf(n)));
  });
});
