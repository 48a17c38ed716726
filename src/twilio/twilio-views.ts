import { Channel, VerificationRecord, VerificationStatus } from '../core/verification';
import { VerifyService } from './verify-service.store';
import { attemptSid, toVerificationSid } from './twilio-sids';

/*
 * The JSON Twilio answers, field for field as the Verify v2 reference and the `twilio` package's typings give them
 * (ServiceResource, VerificationResource, VerificationCheckResource). Fields of features we do not offer are there
 * with their "off" value (false, null, {}), so a client reading them finds what Twilio would send.
 */

export type TwilioStatus =
  'pending' | 'approved' | 'canceled' | 'max_attempts_reached' | 'expired' | 'failed';

/** Ours to Twilio's: a verification that used up its attempts is `failed` here and `max_attempts_reached` there. */
export function twilioStatus(status: VerificationStatus): TwilioStatus {
  return status === 'failed' ? 'max_attempts_reached' : status;
}

export function twilioChannel(channel: Channel): 'sms' | 'call' {
  return channel === 'voice' ? 'call' : 'sms';
}

/** Twilio writes ISO 8601 in UTC to the second ("2015-07-30T20:00:00Z"). */
export function twilioDate(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export interface Links {
  /** Scheme and host the caller reached us at, for the `url` fields. */
  origin: string;
  accountSid: string;
}

export function serviceView(service: VerifyService, defaultCodeLength: number, links: Links) {
  const url = `${links.origin}/v2/Services/${service.sid}`;
  return {
    sid: service.sid,
    account_sid: links.accountSid,
    friendly_name: service.friendlyName,
    code_length: service.codeLength ?? defaultCodeLength,
    lookup_enabled: false,
    psd2_enabled: false,
    skip_sms_to_landlines: false,
    dtmf_input_required: false,
    tts_name: null,
    do_not_share_warning_enabled: false,
    custom_code_enabled: false,
    push: { include_date: false, apn_credential_sid: null, fcm_credential_sid: null },
    totp: { issuer: null, time_step: null, code_length: null, skew: null },
    whatsapp: { msg_service_sid: null, from: null },
    passkeys: null,
    default_template_sid: null,
    verify_event_subscription_enabled: false,
    date_created: twilioDate(service.createdAt),
    date_updated: twilioDate(service.updatedAt),
    url,
    links: {
      verification_checks: `${url}/VerificationCheck`,
      verifications: `${url}/Verifications`,
    },
  };
}

function currentChannel(record: VerificationRecord): 'sms' | 'call' {
  const last = record.sends[record.sends.length - 1];
  return twilioChannel(last?.channel ?? (record.channel === 'voice' ? 'voice' : 'sms'));
}

function updatedAt(record: VerificationRecord): number {
  return Math.max(record.lastSendAt, record.finishedAt ?? 0);
}

export function verificationView(record: VerificationRecord, status: VerificationStatus, links: Links) {
  const sid = toVerificationSid(record.id);
  const twilio = twilioStatus(status);
  return {
    sid,
    service_sid: record.purpose,
    account_sid: links.accountSid,
    to: record.to,
    channel: currentChannel(record),
    status: twilio,
    valid: twilio === 'approved',
    lookup: {},
    amount: null,
    payee: null,
    send_code_attempts: record.sends.map((send) => ({
      attempt_sid: attemptSid(send.messageId),
      channel: twilioChannel(send.channel),
      time: twilioDate(Date.parse(send.sentAt)),
    })),
    date_created: twilioDate(record.createdAt),
    date_updated: twilioDate(updatedAt(record)),
    sna: null,
    url: `${links.origin}/v2/Services/${record.purpose}/Verifications/${sid}`,
  };
}

/** A check's answer. `record` absent: a check by `To` that did not approve (we do not say whether one exists). */
export function checkView(
  serviceSid: string,
  outcome: { status: VerificationStatus; record?: VerificationRecord; to: string; at: number },
  links: Links,
) {
  const { record } = outcome;
  const twilio = twilioStatus(outcome.status);
  return {
    sid: record ? toVerificationSid(record.id) : null,
    service_sid: serviceSid,
    account_sid: links.accountSid,
    to: record?.to ?? outcome.to,
    channel: record ? currentChannel(record) : null,
    status: twilio,
    valid: twilio === 'approved',
    amount: null,
    payee: null,
    date_created: record ? twilioDate(record.createdAt) : null,
    date_updated: record ? twilioDate(outcome.at) : null,
    sna_attempts_error_codes: [],
  };
}
