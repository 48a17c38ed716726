import { createHmac, randomBytes } from 'node:crypto';

const ID_PATTERN = /^VE([0-9a-f]{4})[0-9a-f]{24}$/;

/**
 * Every Redis key of a verification, built in one place. All keys of one phone number share a hash tag (`{t}`),
 * so each Lua script touches a single slot and runs unchanged on Redis Cluster. The tag is 4 hex digits of an
 * HMAC of the number, and keys that are found by number name it by a longer HMAC: ids stay opaque, and no key name
 * reveals a number (the record's value holds it).
 */
export class VerificationKeys {
  constructor(private readonly secret: Buffer) {}

  static isId(id: string): boolean {
    return ID_PATTERN.test(id);
  }

  tagOf(to: string): string {
    return createHmac('sha256', this.secret).update(to).digest('hex').slice(0, 4);
  }

  newId(to: string): string {
    return `VE${this.tagOf(to)}${randomBytes(12).toString('hex')}`;
  }

  record(id: string): string {
    return `v:{${this.idTag(id)}}:${id}`;
  }

  codeHash(id: string): string {
    return `h:{${this.idTag(id)}}:${id}`;
  }

  /** clientId and purpose cannot hold ':' (API_KEYS names and the purpose pattern forbid it), so keys cannot collide. */
  pending(clientId: string, purpose: string, to: string): string {
    return `p:{${this.tagOf(to)}}:${clientId}:${purpose}:${this.numberDigest(to)}`;
  }

  /**
   * Message id -> verification id, for delivery events without our Context. A message id alone does not tell the
   * number's tag, so this key has a tag of its own and is written beside the record, not by its scripts.
   */
  messageIndex(messageId: string): string {
    const digest = createHmac('sha256', this.secret).update(`message:${messageId}`).digest('hex');
    return `m:{${digest.slice(0, 4)}}:${digest.slice(4, 36)}`;
  }

  failedChecks(to: string): string {
    return `f:{${this.tagOf(to)}}:${this.numberDigest(to)}`;
  }

  private numberDigest(to: string): string {
    return createHmac('sha256', this.secret).update(`number:${to}`).digest('hex').slice(0, 24);
  }

  /** The hash tag of a verification id (null if it is none), for keys a script touches beside the record. */
  tagOfId(id: string): string | null {
    return ID_PATTERN.exec(id)?.[1] ?? null;
  }

  private idTag(id: string): string {
    const match = ID_PATTERN.exec(id);
    if (!match) throw new Error('not a verification id');
    return match[1];
  }
}
