import { Injectable } from '@nestjs/common';
import { EventEmitter2, OnEvent } from '@nestjs/event-emitter';
import { VerificationRecord, VerificationStatus } from './verification';

/**
 * How a check ended: `approved`; `rejected` (wrong code, still pending); `failed` (wrong code that used the last
 * attempt); `locked` (the number spent its failed-check budget); `exhausted` (every attempt already taken);
 * `expired`; `not_pending` (approved, failed or canceled before); `not_found`.
 */
export type CheckResult =
  'approved' | 'rejected' | 'failed' | 'locked' | 'exhausted' | 'expired' | 'not_pending' | 'not_found';

/**
 * What happened, told by the use cases as it happens. Subscribers (metrics, status webhooks, Notify feedback, the
 * SMS-pumping guard, the expiry watch) must never keep or label anything by number, code or id.
 */
export type DomainEvent =
  /** The first code was sent and the verification stored. */
  | { type: 'verification.started'; verification: VerificationRecord }
  /**
   * Starting `verification` canceled the pending one (`replacedId`) of the same client, purpose and number;
   * `replaced` is that one as the start read it once (absent if the read failed), so no subscriber reads it again.
   */
  | {
      type: 'verification.replaced';
      verification: VerificationRecord;
      replacedId: string;
      replaced?: VerificationRecord;
    }
  /** A resend installed a new code with a new deadline. */
  | { type: 'verification.resent'; verification: VerificationRecord }
  /** Any check, by its result (`verification` absent when none was found). */
  | { type: 'verification.checked'; result: CheckResult; verification?: VerificationRecord }
  /** `messageId`: the message whose code was used. */
  | { type: 'verification.approved'; verification: VerificationRecord; messageId: string }
  /** The wrong code that used the last attempt: told once however many guesses race. */
  | { type: 'verification.failed'; verification: VerificationRecord }
  | { type: 'verification.canceled'; verification: VerificationRecord }
  /** Its last code expired while pending: told once, by the watch of that deadline. */
  | { type: 'verification.expired'; verification: VerificationRecord }
  /**
   * A watched deadline passed and the verification had finished (`status`): the expiry watch's safety net, so that
   * a final status whose own event was lost is still told (subscribers deduplicate).
   */
  | {
      type: 'verification.settled';
      verification: VerificationRecord;
      status: Exclude<VerificationStatus, 'pending'>;
    }
  /** A message of the verification was reported undeliverable; `voiceFallback`: the automatic call was queued. */
  | {
      type: 'verification.delivery_failed';
      verification: VerificationRecord;
      messageId: string;
      voiceFallback: boolean;
    }
  /**
   * The SMS-pumping guard blocked a prefix (many sends, few approvals). `prefix`: `+` calling code and leading
   * digits, never a whole number; no subscriber may label a metric with it.
   */
  | {
      type: 'rate_limit.prefix_blocked';
      prefix: string;
      sends: number;
      approvals: number;
      blockSeconds: number;
    };

export type DomainEventType = DomainEvent['type'];
export type EventOf<T extends DomainEventType> = Extract<DomainEvent, { type: T }>;

/**
 * The one event bus (EventEmitter2 through @nestjs/event-emitter). `publish` waits for every subscriber, so what
 * they store (a webhook, a feedback job) is stored before the caller gets its answer.
 */
@Injectable()
export class DomainEvents {
  constructor(private readonly emitter: EventEmitter2) {}

  async publish(event: DomainEvent): Promise<void> {
    await this.emitter.emitAsync(event.type, event);
  }
}

/**
 * Subscribes a method to one event type. A subscriber's failure is logged and ignored (the change it follows stands),
 * unless it is `critical`: then the publisher fails too, so that a job that published it is retried.
 */
export function OnDomainEvent(type: DomainEventType, options: { critical?: boolean } = {}): MethodDecorator {
  return OnEvent(type, { suppressErrors: !options.critical });
}
