/**
 * Whether each event type ends the message's story, and the description AWS gives it. The types are those of
 * https://docs.aws.amazon.com/sms-voice/latest/userguide/configuration-sets-event-types.html; TEXT_SUCCESSFUL is
 * final, as in AWS's example records (https://docs.aws.amazon.com/sms-voice/latest/userguide/configuration-sets-event-format.html
 * and https://docs.aws.amazon.com/sms-voice/latest/userguide/monitor-event-bridge.html), whose descriptions of it and
 * of TEXT_DELIVERED these are.
 */
export const NOTIFY_EVENT_TYPES: Record<string, { final: boolean; description: string }> = {
  TEXT_PENDING: { final: false, description: 'Message is pending' },
  TEXT_QUEUED: { final: false, description: 'Message is queued' },
  TEXT_SUCCESSFUL: { final: true, description: 'Message has been accepted by phone carrier' },
  TEXT_DELIVERED: { final: true, description: 'Message has been accepted by phone' },
  TEXT_BLOCKED: { final: true, description: 'Message was blocked' },
  TEXT_CARRIER_BLOCKED: { final: true, description: 'Message was blocked by the carrier' },
  TEXT_PROTECT_BLOCKED: { final: true, description: 'Message was blocked by SMS Protect' },
  TEXT_SPAM: { final: true, description: 'Message was flagged as spam by the carrier' },
  TEXT_INVALID: { final: true, description: 'Destination phone number is invalid' },
  TEXT_INVALID_MESSAGE: { final: true, description: 'Message body is invalid' },
  TEXT_UNREACHABLE: { final: true, description: 'Destination phone is unreachable' },
  TEXT_CARRIER_UNREACHABLE: { final: true, description: 'Carrier is unreachable' },
  TEXT_TTL_EXPIRED: { final: true, description: 'Message could not be delivered within its TimeToLive' },
  TEXT_UNKNOWN: { final: true, description: 'Message failed for an unknown reason' },
  VOICE_INITIATED: { final: false, description: 'Call has been initiated' },
  VOICE_RINGING: { final: false, description: 'Call is ringing' },
  VOICE_ANSWERED: { final: false, description: 'Call was answered' },
  VOICE_COMPLETED: { final: true, description: 'Call completed and the message was played' },
  VOICE_BUSY: { final: true, description: 'Destination line was busy' },
  VOICE_NO_ANSWER: { final: true, description: 'Call was not answered' },
  VOICE_FAILED: { final: true, description: 'Call failed' },
  VOICE_TTL_EXPIRED: { final: true, description: 'Call could not be placed within its TimeToLive' },
};

/** Every event type Notify reports for SMS and voice messages. */
export const NOTIFY_EVENT_TYPE_NAMES = Object.keys(NOTIFY_EVENT_TYPES);
