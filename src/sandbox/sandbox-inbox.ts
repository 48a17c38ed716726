import { EmulatedMessage, NotifyEmulator } from '@app/notify-emulator';
import { VerificationStore } from '../issuance/verification-store';

/**
 * The sandbox's messages as each API client may see them: only those of its own verifications. A message belongs to
 * the client of the verification named in its Context (every send puts `verificationId` there, after the caller's
 * own context, so a caller cannot forge it), else of the one the store indexed it under. A message whose
 * verification is unknown (not stored yet, or gone after STATUS_RETENTION_SECONDS) belongs to nobody.
 */
export class SandboxInbox {
  /** Owners found so far; a message never changes hands, so only found owners are kept. */
  private readonly owners = new Map<string, string>();

  constructor(
    private readonly emulator: NotifyEmulator,
    private readonly store: VerificationStore,
  ) {}

  /** The client's messages, newest first, optionally to one number (E.164). */
  async messages(clientId: string, to?: string): Promise<EmulatedMessage[]> {
    const all = this.emulator.messages(to === undefined ? {} : { to });
    const owners = await Promise.all(all.map((message) => this.ownerOf(message)));
    return all.filter((_, i) => owners[i] === clientId);
  }

  /** Whether the client may see and play events on this message. */
  async owns(clientId: string, messageId: string): Promise<boolean> {
    const message = this.emulator.messages().find((m) => m.messageId === messageId);
    return message !== undefined && (await this.ownerOf(message)) === clientId;
  }

  /** Drops the client's messages and today's Notify per-number counts of their numbers; answers those numbers. */
  async forget(clientId: string): Promise<string[]> {
    const mine = await this.messages(clientId);
    this.emulator.forgetMessages(mine.map((m) => m.messageId));
    for (const m of mine) this.owners.delete(m.messageId);
    return [...new Set(mine.map((m) => m.destinationPhoneNumber))];
  }

  private async ownerOf(message: EmulatedMessage): Promise<string | undefined> {
    const known = this.owners.get(message.messageId);
    if (known !== undefined) return known;
    const id = message.context.verificationId ?? (await this.store.verificationIdFor(message.messageId));
    const owner = id ? (await this.store.get(id))?.clientId : undefined;
    if (owner !== undefined) this.owners.set(message.messageId, owner);
    return owner;
  }
}
