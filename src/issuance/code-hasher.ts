import * as argon2 from 'argon2';

/** Hashes codes for storage; the store never sees a code. */
export abstract class CodeHasher {
  abstract hash(code: string): Promise<string>;
  abstract verify(hash: string, code: string): Promise<boolean>;
  /** Spends the same time as `verify` and answers false: hides whether there was anything to compare. */
  abstract verifyNothing(code: string): Promise<false>;
}

export interface Argon2Parameters {
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

/**
 * argon2id keyed with a server secret (node-argon2's `secret`): a Redis dump without the secret cannot be brute-forced,
 * even though a 6-digit code has only a million values.
 */
export class Argon2CodeHasher extends CodeHasher {
  private dummy?: Promise<string>;

  constructor(
    private readonly secret: Buffer,
    private readonly params: Argon2Parameters,
  ) {
    super();
  }

  hash(code: string): Promise<string> {
    return argon2.hash(code, { type: argon2.argon2id, secret: this.secret, ...this.params });
  }

  async verify(hash: string, code: string): Promise<boolean> {
    try {
      return await argon2.verify(hash, code, { secret: this.secret });
    } catch {
      return false;
    }
  }

  async verifyNothing(code: string): Promise<false> {
    this.dummy ??= this.hash('dummy-code');
    await this.verify(await this.dummy, code);
    return false;
  }
}
