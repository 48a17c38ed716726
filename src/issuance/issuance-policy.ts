import { Settings } from '../config/settings';

/** The code policy (OTP_* settings) as the issuance use cases read it; a class token, provided from Settings. */
export abstract class IssuancePolicy {
  abstract readonly ttlSeconds: number;
  abstract readonly codeLength: number;
  abstract readonly maxAttempts: number;
  abstract readonly autoVoiceOnResend: boolean;
  abstract readonly maxSends: number;

  static from({ otp }: Settings): IssuancePolicy {
    return {
      ttlSeconds: otp.ttlSeconds,
      codeLength: otp.codeLength,
      maxAttempts: otp.maxAttempts,
      autoVoiceOnResend: otp.autoVoiceOnResend,
      maxSends: otp.maxSends,
    };
  }
}
