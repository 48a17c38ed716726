import { createHash, randomBytes } from 'node:crypto';
import { VerificationKeys } from '../issuance/verification-keys';

/**
 * Twilio's resource identifiers: two letters and 32 hex digits (`^VA[0-9a-fA-F]{32}$` for a Service,
 * `^VE[0-9a-fA-F]{32}$` for a Verification, `^AC…` for an Account: https://www.twilio.com/docs/verify/api/service,
 * https://www.twilio.com/docs/verify/api/verification).
 */
export const ACCOUNT_SID = /^AC[0-9a-fA-F]{32}$/;
export const SERVICE_SID = /^VA[0-9a-f]{32}$/;
const TWILIO_VERIFICATION_SID = /^(VE[0-9a-f]{28})([0-9a-f]{4})$/;

export function newServiceSid(): string {
  return `VA${randomBytes(16).toString('hex')}`;
}

function checksum(id: string): string {
  return createHash('sha256').update(id).digest('hex').slice(0, 4);
}

/**
 * Our verification ids are `VE` and 28 hex digits; Twilio's SIDs have 32. The Twilio SID is our id and 4 hex digits
 * of a digest of it, so that it has Twilio's shape (a column sized for it fits) and maps back without a lookup.
 */
export function toVerificationSid(id: string): string {
  return id + checksum(id);
}

/** Our id for a Twilio verification SID, or undefined when it is not one we issued (which answers 404). */
export function fromVerificationSid(sid: string): string | undefined {
  const match = TWILIO_VERIFICATION_SID.exec(sid);
  if (!match || checksum(match[1]) !== match[2] || !VerificationKeys.isId(match[1])) return undefined;
  return match[1];
}

/** `send_code_attempts[].attempt_sid` (`VL…`), derived from the Notify message id: stable, and no id of ours leaks. */
export function attemptSid(messageId: string): string {
  return `VL${createHash('sha256').update(`attempt:${messageId}`).digest('hex').slice(0, 32)}`;
}
