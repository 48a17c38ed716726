import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { NOTIFY_EVENT_TYPE_NAMES as DELIVERY_EVENT_TYPES } from '@app/notify';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  registerDecorator,
  ValidationArguments,
} from 'class-validator';

const CONTEXT_KEY = /^[A-Za-z0-9_.-]{1,64}$/;
/**
 * Notify's Context holds at most 5 entries, values of 1-800 characters with no leading or trailing blank
 * (https://docs.aws.amazon.com/cli/latest/reference/pinpoint-sms-voice-v2/send-notify-text-message.html). Every send
 * adds `verificationId`, so a caller has 4 entries; our keys and values are narrower than AWS's (keys 1-100 non-blank,
 * values up to 800), which keeps them readable in logs and webhooks.
 */
export const MAX_CALLER_CONTEXT_ENTRIES = 4;
const RESERVED_CONTEXT_KEY = 'verificationId';
const MAX_CONTEXT_VALUE = 256;

/** What is wrong with a `context` map, or undefined when Notify would take it once `verificationId` is added. */
export function contextProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return 'must be an object of strings';
  const entries = Object.entries(value);
  if (entries.length > MAX_CALLER_CONTEXT_ENTRIES) {
    return `may hold at most ${MAX_CALLER_CONTEXT_ENTRIES} entries (Notify allows 5, and every send adds verificationId)`;
  }
  for (const [key, entry] of entries) {
    if (key === RESERVED_CONTEXT_KEY) return `"${RESERVED_CONTEXT_KEY}" is set by the service`;
    if (!CONTEXT_KEY.test(key)) return `key "${key.slice(0, 64)}" must be 1 to 64 of A-Z a-z 0-9 _ . -`;
    if (typeof entry !== 'string') return `"${key}" must be a string`;
    if (entry.length === 0 || entry.length > MAX_CONTEXT_VALUE) {
      return `"${key}" must have 1 to ${MAX_CONTEXT_VALUE} characters`;
    }
    if (entry.trim() !== entry) return `"${key}" must not start or end with a blank`;
  }
  return undefined;
}

/** `context`: see `contextProblem`. */
function IsContextMap(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isContextMap',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (value: unknown) => contextProblem(value) === undefined,
        defaultMessage: (args?: ValidationArguments) =>
          `${args?.property} ${contextProblem(args?.value) ?? 'is invalid'}`,
      },
    });
}

/** A language or locale (also the Twilio surface's `Locale`). */
export const LOCALE = /^[a-z]{2}(-[A-Za-z]{2})?$/;

const PURPOSE = /^[A-Za-z0-9_.-]{1,64}$/;
const PURPOSE_MESSAGE = 'purpose must be 1 to 64 letters, digits, "_", "." or "-"';
/** A code as callers type it (also the Twilio surface's `Code`). */
export const CODE = /^[0-9]{4,10}$/;
export const CODE_MESSAGE = 'code must be 4 to 10 ASCII digits';

// class-validator runs a property's decorators bottom-up and stops at the first error: required, then type, then size.
const TO_REQUIRED = 'to is required: the phone number in E.164 form, e.g. "+12065550100"';
const TO_STRING = 'to must be a string: the phone number in E.164 form, e.g. "+12065550100"';
const TO_DOC = { description: 'The phone number in E.164 form', example: '+12065550100', maxLength: 32 };
const CODE_DOC = { description: 'The code the user received', example: '608675', pattern: CODE.source };
const PURPOSE_DOC = {
  description: 'Separates verifications of one number, e.g. login and signup',
  example: 'login',
  default: 'default',
  pattern: PURPOSE.source,
};

export class StartVerificationDto {
  @ApiProperty(TO_DOC)
  @MaxLength(32)
  @IsString({ message: TO_STRING })
  @IsDefined({ message: TO_REQUIRED })
  to!: string;

  @ApiPropertyOptional({
    enum: ['sms', 'voice', 'auto'],
    default: 'auto',
    description: '`auto`: an SMS first, a call on resend',
  })
  @IsOptional()
  @IsIn(['sms', 'voice', 'auto'])
  channel?: 'sms' | 'voice' | 'auto';

  @ApiPropertyOptional({
    description:
      "Picks the configuration's Notify template whose LanguageCode is this locale, or of its language (es: es-ES); templateId wins",
    example: 'en',
  })
  @IsOptional()
  @Matches(LOCALE, { message: 'locale must be a language code such as "en" or "es-MX"' })
  locale?: string;

  // TemplateId: [A-Za-z0-9_-]*, at most 256 (send-notify-text-message.html); empty would mean the default template.
  @ApiPropertyOptional({
    description: 'A Notify template id; wins over locale',
    example: 'notify-code-verification-english-001',
    pattern: '^[A-Za-z0-9_-]{1,256}$',
  })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,256}$/, {
    message: 'templateId must be a Notify template id: 1 to 256 of A-Z a-z 0-9 _ -',
  })
  templateId?: string;

  @ApiPropertyOptional({ description: 'Amazon Polly voice for calls', example: 'JOANNA' })
  @IsOptional()
  @Matches(/^[A-Za-z]{2,20}$/, { message: 'voiceId must be an Amazon Polly voice id such as JOANNA' })
  voiceId?: string;

  @ApiPropertyOptional({ minimum: 4, maximum: 10, description: 'Default: OTP_CODE_LENGTH', example: 6 })
  @IsOptional()
  @IsInt()
  @Min(4)
  @Max(10)
  codeLength?: number;

  @ApiPropertyOptional(PURPOSE_DOC)
  @IsOptional()
  @Matches(PURPOSE, { message: PURPOSE_MESSAGE })
  purpose?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string', minLength: 1, maxLength: 256 },
    maxProperties: MAX_CALLER_CONTEXT_ENTRIES,
    description:
      "Passed to Notify's Context (and so into delivery events), with the verification id: at most 4 entries " +
      '(Notify allows 5), keys of A-Z a-z 0-9 _ . -, values without leading or trailing blanks',
    example: { userId: 'u-42' },
  })
  @IsOptional()
  @IsContextMap()
  context?: Record<string, string>;

  @ApiPropertyOptional({
    description: 'Validate everything, Notify included, and send or store nothing',
    default: false,
  })
  @IsOptional()
  @IsBoolean()
  dryRun?: boolean;
}

export class ResendVerificationDto {
  @ApiPropertyOptional({ enum: ['sms', 'voice'], description: "Default: the verification's channel policy" })
  @IsOptional()
  @IsIn(['sms', 'voice'])
  channel?: 'sms' | 'voice';
}

export class CheckCodeDto {
  @ApiProperty(CODE_DOC)
  @IsString()
  @Matches(CODE, { message: CODE_MESSAGE })
  code!: string;
}

export class CheckCodeForNumberDto {
  @ApiProperty(TO_DOC)
  @MaxLength(32)
  @IsString({ message: TO_STRING })
  @IsDefined({ message: TO_REQUIRED })
  to!: string;

  @ApiProperty(CODE_DOC)
  @IsString()
  @Matches(CODE, { message: CODE_MESSAGE })
  code!: string;

  @ApiPropertyOptional(PURPOSE_DOC)
  @IsOptional()
  @Matches(PURPOSE, { message: PURPOSE_MESSAGE })
  purpose?: string;
}

/** `?to=+1206…` typed as is: the query string decodes an unencoded `+` to a space. */
const plusFromQuery = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.replace(/^ (?=\d)/, '+') : value;

export class SandboxMessagesQuery {
  @ApiPropertyOptional({ ...TO_DOC, description: 'Only messages to this number' })
  @Transform(plusFromQuery)
  @IsOptional()
  @IsString()
  @MaxLength(32)
  to?: string;
}

export class SandboxEventsDto {
  @ApiProperty({
    type: [String],
    enum: DELIVERY_EVENT_TYPES,
    example: ['TEXT_UNREACHABLE'],
    description:
      'Notify event types to report for the message, in the order they happen (1 to 10); TEXT_* for an SMS, VOICE_* for a call',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  @IsIn(DELIVERY_EVENT_TYPES, { each: true })
  eventTypes!: string[];
}
