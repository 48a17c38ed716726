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
   * Message id -> verification id, for delivery events without our Context, in two keys. `messageIndex` shares the
   * number's hash tag, so the record's own scripts write it in the same step as the send they record; it is found
   * when the event names the number (an SNS record's `destinationPhoneNumber`). An EventBridge event names neither
   * number nor Context, only the message id, so `messageLookup` has a tag of the message id's own and is written
   * beside the record (best effort: its failure never fails a send that went out).
   */
  messageIndex(to: string, messageId: string): string {
    return `m:{${this.tagOf(to)}}:${this.messageDigest(messageId)}`;
  }

  messageLookup(messageId: string): string {
    const digest = this.messageDigest(messageId);
    return `m:{${digest.slice(0, 4)}}:${digest}`;
  }

  private messageDigest(messageId: string): string {
    return createHmac('sha256', this.secret).update(`message:${messageId}`).digest('hex').slice(0, 32);
  }

  /**
   * A number's failed checks, counted per API client: one client's wrong codes never spend the budget of another's
   * users. Not per purpose: purposes are the client's own labels, and a budget per purpose would multiply the guesses
   * one attacker gets at one user's codes.
   */
  failedChecks(clientId: string, to: string): string {
    return `f:{${this.tagOf(to)}}:${clientId}:${this.numberDigest(to)}`;
  }

  /** A keyed digest of a number: what a key or value may hold in its place. */
  numberDigest(to: string): string {
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
