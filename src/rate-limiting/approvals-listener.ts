import { Injectable } from '@nestjs/common';
import { EventOf, OnDomainEvent } from '../core/domain-events';
import { RateLimits } from './rate-limits';

/** Approvals are the conversions the SMS-pumping guard watches per prefix. */
@Injectable()
export class ApprovalsListener {
  constructor(private readonly limits: RateLimits) {}

  @OnDomainEvent('verification.approved')
  approved({ verification }: EventOf<'verification.approved'>): void {
    this.limits.approved(verification.to);
  }
}
