import { Channel, RequestedChannel } from '../core/verification';

/**
 * Which channel carries a send. `auto` starts with SMS (cheap, fast) and calls on a resend, because a user who asks
 * for another code often did not get the SMS at all.
 */
export function channelForSend(
  requested: RequestedChannel,
  sendIndex: number,
  autoVoiceOnResend: boolean,
): Channel {
  if (requested !== 'auto') return requested;
  return sendIndex > 0 && autoVoiceOnResend ? 'voice' : 'sms';
}

/**
 * "123456" -> "1. 2. 3. 4. 5. 6": text-to-speech then reads digits, not "one hundred twenty-three thousand…". No
 * dot after the last digit: the templates put their own full stop after `{{code}}` ("… 5. 6. Do not share it.").
 */
export function spaceDigitsForSpeech(code: string): string {
  return [...code].join('. ');
}
