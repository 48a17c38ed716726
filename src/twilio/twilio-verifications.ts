import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { VerificationNotFound, VerificationNotPending } from '../common/domain-error';
import { parsePhoneNumber } from '../core/phone-number';
import { effectiveStatus, VerificationRecord, VerificationStatus } from '../core/verification';
import { ResendVerification } from '../issuance/resend-verification';
import { StartVerification } from '../issuance/start-verification';
import { VerificationStore } from '../issuance/verification-store';
import { parseEndUserIp } from '../rate-limiting/end-user-ip';
import { CancelVerification } from '../verification/cancel-verification';
import { CheckCode } from '../verification/check-code';
import { CheckCodeForNumber } from '../verification/check-code-for-number';
import { GetVerification } from '../verification/get-verification';
import { invalidParameter, notFound, TWILIO_CODES, TwilioError } from './twilio-errors';
import { fromVerificationSid } from './twilio-sids';
import { StartVerificationForm, VerificationCheckForm } from './twilio.dto';
import { VerifyServices } from './verify-services';

export interface CheckOutcome {
  status: VerificationStatus;
  /** Absent for a check by `To` that did not approve: like /v1, we do not tell whether the number has one. */
  record?: VerificationRecord;
  to: string;
  at: number;
}

/**
 * Twilio Verify's semantics over our use cases; every rule (limits, attempts, sends, hashing, feedback, events) is
 * theirs. What is Twilio's own: a service's SID is the verifications' `purpose`; a new verification to a number that
 * has a pending one in the service sends that one again (Twilio has no resend); and a verification that was approved
 * or expired is gone (Twilio "soft deletes" it: https://www.twilio.com/docs/errors/20404), while one that used up
 * its attempts answers 60202 to every further check.
 */
@Injectable()
export class TwilioVerifications {
  constructor(
    private readonly services: VerifyServices,
    private readonly startVerification: StartVerification,
    private readonly resendVerification: ResendVerification,
    private readonly checkCode: CheckCode,
    private readonly checkCodeForNumber: CheckCodeForNumber,
    private readonly cancelVerification: CancelVerification,
    private readonly getVerification: GetVerification,
    private readonly store: VerificationStore,
    private readonly clock: Clock,
  ) {}

  async start(
    clientId: string,
    serviceSid: string,
    form: StartVerificationForm,
  ): Promise<VerificationRecord> {
    const service = await this.services.get(clientId, serviceSid, `/Services/${serviceSid}/Verifications`);
    const channel = form.Channel === 'call' ? 'voice' : 'sms';
    const { e164 } = parsePhoneNumber(form.To);
    const pending = await this.pendingFor(clientId, serviceSid, e164);
    if (pending) {
      try {
        return (await this.resendVerification.execute({ clientId, id: pending.id, channel })).verification;
      } catch (error) {
        // It ended between our read and the resend's claim: start afresh, as Twilio would.
        if (!(error instanceof VerificationNotPending || error instanceof VerificationNotFound)) throw error;
      }
    }
    const result = await this.startVerification.execute({
      clientId,
      to: e164,
      channel,
      purpose: serviceSid,
      locale: form.Locale,
      codeLength: service.codeLength,
      endUserIp: form.DeviceIp === undefined ? undefined : parseEndUserIp(form.DeviceIp),
    });
    if (result.kind !== 'started') throw new Error('a start without dryRun returned a dry run');
    return result.verification;
  }

  /** The verification and its status; 20404 once approved or expired, as Twilio has deleted it by then. */
  async fetch(
    clientId: string,
    serviceSid: string,
    sid: string,
  ): Promise<{ record: VerificationRecord; status: VerificationStatus }> {
    const path = `/Services/${serviceSid}/Verifications/${sid}`;
    await this.services.get(clientId, serviceSid, path);
    const record = await this.recordOf(clientId, serviceSid, sid, path);
    const status = effectiveStatus(record, this.clock.now());
    if (status === 'approved' || status === 'expired') throw notFound(path);
    return { record, status };
  }

  /** `Status=canceled` cancels; `approved` is for Twilio's custom codes, which we do not offer (60200). */
  async update(
    clientId: string,
    serviceSid: string,
    sid: string,
    status: 'canceled' | 'approved',
  ): Promise<VerificationRecord> {
    const path = `/Services/${serviceSid}/Verifications/${sid}`;
    await this.services.get(clientId, serviceSid, path);
    if (status === 'approved') throw invalidParameter('Status');
    const record = await this.recordOf(clientId, serviceSid, sid, path);
    return this.cancelVerification.execute({ clientId, id: record.id });
  }

  async check(clientId: string, serviceSid: string, form: VerificationCheckForm): Promise<CheckOutcome> {
    const path = `/Services/${serviceSid}/VerificationCheck`;
    await this.services.get(clientId, serviceSid, path);
    if (form.VerificationSid !== undefined)
      return this.checkById(clientId, serviceSid, form.VerificationSid, form.Code, path);
    if (form.To === undefined) throw invalidParameter('To');
    const { e164 } = parsePhoneNumber(form.To);
    const result = await this.checkCodeForNumber.execute({
      clientId,
      to: e164,
      code: form.Code,
      purpose: serviceSid,
    });
    const at = this.clock.now();
    if (!result.valid) return { status: 'pending', to: e164, at };
    const record = await this.getVerification.execute({ clientId, id: result.id });
    return { status: 'approved', record, to: e164, at };
  }

  private async checkById(
    clientId: string,
    serviceSid: string,
    sid: string,
    code: string,
    path: string,
  ): Promise<CheckOutcome> {
    const record = await this.recordOf(clientId, serviceSid, sid, path);
    const before = effectiveStatus(record, this.clock.now());
    if (before === 'failed') {
      throw new TwilioError(429, TWILIO_CODES.maxCheckAttempts, 'Max check attempts reached');
    }
    if (before !== 'pending') throw notFound(path);
    const result = await this.checkCode.execute({ clientId, id: record.id, code });
    return { status: result.status, record, to: record.to, at: this.clock.now() };
  }

  /** The caller's verification of this service behind a Twilio SID, or 20404. */
  private async recordOf(
    clientId: string,
    serviceSid: string,
    sid: string,
    path: string,
  ): Promise<VerificationRecord> {
    const id = fromVerificationSid(sid);
    if (!id) throw notFound(path);
    const record = await this.getVerification.execute({ clientId, id });
    if (record.purpose !== serviceSid) throw notFound(path);
    return record;
  }

  private async pendingFor(
    clientId: string,
    serviceSid: string,
    to: string,
  ): Promise<VerificationRecord | null> {
    const id = await this.store.latestPendingId(clientId, serviceSid, to);
    const record = id ? await this.store.get(id) : null;
    if (!record || record.clientId !== clientId) return null;
    return effectiveStatus(record, this.clock.now()) === 'pending' ? record : null;
  }
}
