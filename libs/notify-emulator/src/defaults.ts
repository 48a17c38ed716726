import type { EmulatedConfiguration, EmulatedTemplate, NotifyLimits, TemplateVariable } from './types';

export const DEFAULT_CONFIGURATION_ID = 'sandbox-otp';
export const BASIC_CONFIGURATION_ID = 'basic-otp';
export const SMS_ONLY_CONFIGURATION_ID = 'sms-only-otp';
export const PENDING_CONFIGURATION_ID = 'pending-otp';

export const ENGLISH_TEMPLATE_ID = 'notify-code-verification-english-001';
export const SPANISH_TEMPLATE_ID = 'notify-code-verification-spanish-001';
export const FRENCH_TEMPLATE_ID = 'notify-code-verification-french-001';

export const DEFAULT_EMULATOR_PORT = 4566;
export const DEFAULT_EMULATOR_HOST = '127.0.0.1';
export const DEFAULT_REGION = 'us-east-1';
export const DEFAULT_ACCOUNT_ID = '000000000000';

/** Notify's published quotas; neither can be raised on the real service. */
export const DEFAULT_LIMITS: Readonly<NotifyLimits> = Object.freeze({
  basicTierDailyMessages: 200,
  destinationDailyMessages: 10,
});

/** AWS's default when a send has no TimeToLive: 72 hours. */
export const DEFAULT_TIME_TO_LIVE_SECONDS = 72 * 60 * 60;

/**
 * 4 to 10 digits, either run together ("123456") or separated by a dot and an optional space so that
 * text-to-speech reads them one by one ("1. 2. 3. 4. 5. 6."). Mixed forms ("12. 34") are rejected.
 */
export const CODE_PATTERN = '^(?:[0-9]{4,10}|[0-9](?:\\. ?[0-9]){3,9}\\.?)$';

const DEFAULT_COUNTRIES = ['US', 'CA', 'GB', 'DE', 'FR', 'ES', 'IT', 'NL', 'MX', 'BR', 'IN', 'AU', 'JP'];

/** Fixed so that describe results are stable between runs. */
const CREATED_AT = new Date('2025-01-01T00:00:00.000Z');

export const OTP_VARIABLES: Readonly<Record<string, TemplateVariable>> = {
  code: {
    type: 'STRING',
    required: true,
    source: 'CUSTOMER',
    description: 'The one-time code, plain or with its digits separated for voice',
    maxLength: 40,
    pattern: CODE_PATTERN,
    sample: '123456',
  },
  brandName: {
    type: 'STRING',
    required: true,
    source: 'SYSTEM',
    description: "Filled from the configuration's DisplayName",
    maxLength: 15,
  },
};

function otpTemplate(
  id: string,
  languageCode: string,
  content: string,
  supportedVoiceIds: EmulatedTemplate['supportedVoiceIds'],
): EmulatedTemplate {
  return {
    id,
    version: 1,
    templateType: 'OTP_VERIFICATION',
    channels: ['SMS', 'VOICE'],
    tierAccess: ['BASIC', 'ADVANCED'],
    status: 'ACTIVE',
    supportedCountries: [...DEFAULT_COUNTRIES],
    languageCode,
    content,
    variables: structuredClone(OTP_VARIABLES),
    supportedVoiceIds,
    createdAt: CREATED_AT,
  };
}

export const DEFAULT_TEMPLATES: readonly EmulatedTemplate[] = [
  otpTemplate(
    ENGLISH_TEMPLATE_ID,
    'en-US',
    '{{brandName}}: your verification code is {{code}}. Do not share it.',
    ['JOANNA', 'MATTHEW', 'AMY', 'BRIAN', 'EMMA'],
  ),
  otpTemplate(
    SPANISH_TEMPLATE_ID,
    'es-ES',
    '{{brandName}}: tu código de verificación es {{code}}. No lo compartas.',
    ['LUPE', 'CONCHITA', 'ENRIQUE', 'LUCIA', 'MIGUEL'],
  ),
  otpTemplate(
    FRENCH_TEMPLATE_ID,
    'fr-FR',
    '{{brandName}} : votre code de vérification est {{code}}. Ne le partagez pas.',
    ['CELINE', 'LEA', 'MATHIEU', 'CHANTAL'],
  ),
];

/** What a ConfigurationSpec in options gets for each field it leaves out. */
export const CONFIGURATION_SPEC_DEFAULTS: Readonly<Omit<EmulatedConfiguration, 'id'>> = {
  displayName: 'Sandbox',
  status: 'ACTIVE',
  tier: 'ADVANCED',
  enabledChannels: ['SMS', 'VOICE'],
  enabledCountries: [...DEFAULT_COUNTRIES],
  defaultTemplateId: ENGLISH_TEMPLATE_ID,
  createdAt: CREATED_AT,
};

/** The four configurations every emulator starts with; each says only how it differs from the spec defaults. */
export const DEFAULT_CONFIGURATIONS: readonly EmulatedConfiguration[] = [
  { ...CONFIGURATION_SPEC_DEFAULTS, id: DEFAULT_CONFIGURATION_ID },
  {
    ...CONFIGURATION_SPEC_DEFAULTS,
    id: BASIC_CONFIGURATION_ID,
    displayName: 'Basic',
    tier: 'BASIC',
    enabledCountries: ['US', 'CA', 'GB'],
  },
  {
    ...CONFIGURATION_SPEC_DEFAULTS,
    id: SMS_ONLY_CONFIGURATION_ID,
    displayName: 'SMS only',
    enabledChannels: ['SMS'],
  },
  {
    ...CONFIGURATION_SPEC_DEFAULTS,
    id: PENDING_CONFIGURATION_ID,
    displayName: 'Pending',
    status: 'PENDING',
    tier: 'BASIC',
    enabledCountries: ['US'],
  },
];
