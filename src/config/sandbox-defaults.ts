/**
 * Sandbox mode's defaults where production's would stop a developer within an afternoon of trying the API (the
 * README's walk-through alone used up a number's quarter hour). They apply only to variables that are not set, and
 * only in sandbox mode (no NOTIFY_CONFIGURATION_ID, NODE_ENV not production); POST /sandbox/reset clears the rest.
 * Notify's own cap of 10 messages per number per day stays, as AWS enforces it.
 */
export const SANDBOX_DEFAULTS: Readonly<Record<string, string>> = {
  LIMIT_SENDS_PER_NUMBER_15_MIN: '10',
  LIMIT_SENDS_PER_NUMBER_DAY: '10',
  LIMIT_STARTS_PER_IP_HOUR: '1000',
  OTP_MAX_FAILED_CHECKS_PER_NUMBER: '100',
  PUMPING_SENDS_PER_PREFIX_HOUR: '5000',
  PUMPING_MIN_SENDS: '1000',
  PUMPING_BLOCK_SECONDS: '600',
};
