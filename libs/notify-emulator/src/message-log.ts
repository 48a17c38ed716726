import type { EmulatedMessage } from './types';

/** The UTC day a quota counts in; Notify's daily limits reset at midnight UTC. */
export function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** Messages the emulator delivered, and the per-day counters behind Notify's quotas. */
export class MessageLog {
  private messages: EmulatedMessage[] = [];
  private readonly byId = new Map<string, EmulatedMessage>();
  private readonly daily = new Map<string, number>();
  private lastDay = '';

  constructor(private readonly maxStored: number) {}

  record(message: EmulatedMessage): void {
    this.messages.push(message);
    this.byId.set(message.messageId, message);
    const day = utcDay(message.sentAt);
    this.forgetDaysBefore(day);
    this.increment(configurationKey(day, message.configurationId));
    this.increment(destinationKey(day, message.configurationId, message.destinationPhoneNumber));
    if (this.messages.length > this.maxStored) {
      const dropped = this.messages.shift()!;
      this.byId.delete(dropped.messageId);
    }
  }

  find(messageId: string): EmulatedMessage | undefined {
    return this.byId.get(messageId);
  }

  sentToday(day: string, configurationId: string): number {
    return this.daily.get(configurationKey(day, configurationId)) ?? 0;
  }

  sentToDestinationToday(day: string, configurationId: string, destination: string): number {
    return this.daily.get(destinationKey(day, configurationId, destination)) ?? 0;
  }

  /** Newest first, as copies so that callers cannot edit the log. */
  list(filter: { to?: string } = {}): EmulatedMessage[] {
    return this.messages
      .filter((m) => filter.to === undefined || m.destinationPhoneNumber === filter.to)
      .reverse()
      .map((m) => structuredClone(m));
  }

  /**
   * Drops these messages and today's per-destination counts of their numbers (the sandbox's reset of one client).
   * The configuration's daily count stays: it is the account's, not a number's.
   */
  forget(messageIds: ReadonlySet<string>): void {
    const destinations = new Set<string>();
    this.messages = this.messages.filter((m) => {
      if (!messageIds.has(m.messageId)) return true;
      destinations.add(destinationKey(utcDay(m.sentAt), m.configurationId, m.destinationPhoneNumber));
      this.byId.delete(m.messageId);
      return false;
    });
    for (const key of destinations) this.daily.delete(key);
  }

  clear(): void {
    this.messages = [];
    this.byId.clear();
    this.daily.clear();
    this.lastDay = '';
  }

  /** Yesterday's counters can never matter again (unless a test turns its clock back, which it should not). */
  private forgetDaysBefore(day: string): void {
    if (day === this.lastDay) return;
    this.lastDay = day;
    for (const key of this.daily.keys()) {
      if (key.slice(0, 10) < day) this.daily.delete(key);
    }
  }

  private increment(key: string): void {
    this.daily.set(key, (this.daily.get(key) ?? 0) + 1);
  }
}

function configurationKey(day: string, configurationId: string): string {
  return `${day}|${configurationId}`;
}

function destinationKey(day: string, configurationId: string, destination: string): string {
  return `${day}|${configurationId}|${destination}`;
}
