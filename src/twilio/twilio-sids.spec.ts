import { randomBytes } from 'node:crypto';
import { VerificationKeys } from '../issuance/verification-keys';
import {
  attemptSid,
  fromVerificationSid,
  newServiceSid,
  SERVICE_SID,
  toVerificationSid,
} from './twilio-sids';

describe('Twilio SIDs', () => {
  const keys = new VerificationKeys(randomBytes(32));
  const id = keys.newId('+12065550100');

  it('gives a verification the shape of a Twilio SID, VE and 32 hex digits, and maps it back', () => {
    const sid = toVerificationSid(id);
    expect(sid).toMatch(/^VE[0-9a-f]{32}$/); // https://www.twilio.com/docs/verify/api/verification
    expect(fromVerificationSid(sid)).toBe(id);
  });

  it('maps back nothing it did not issue', () => {
    const sid = toVerificationSid(id);
    const tampered = sid.slice(0, -1) + (sid.endsWith('0') ? '1' : '0');
    expect(fromVerificationSid(tampered)).toBeUndefined();
    expect(fromVerificationSid(id)).toBeUndefined();
    expect(fromVerificationSid(`VE${'0'.repeat(32)}`)).toBeUndefined();
    expect(fromVerificationSid(sid.toUpperCase())).toBeUndefined();
  });

  it('makes service SIDs of VA and 32 hex digits, each new', () => {
    const [a, b] = [newServiceSid(), newServiceSid()];
    expect(a).toMatch(SERVICE_SID);
    expect(a).not.toBe(b);
  });

  it('derives attempt SIDs (VL…) from message ids, stable and distinct', () => {
    expect(attemptSid('m-1')).toMatch(/^VL[0-9a-f]{32}$/);
    expect(attemptSid('m-1')).toBe(attemptSid('m-1'));
    expect(attemptSid('m-1')).not.toBe(attemptSid('m-2'));
  });
});
