import {
  IsBoolean,
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

/** `context`: at most 10 string values, keys of letters, digits, `_.-`; values up to 256 characters. */
function IsContextMap(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isContextMap',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate(value: unknown) {
          if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
          const entries = Object.entries(value);
          return (
            entries.length <= 10 &&
            entries.every(([k, v]) => CONTEXT_KEY.test(k) && typeof v === 'string' && v.length <= 256)
          );
        },
        defaultMessage: (args?: ValidationArguments) =>
          `${args?.property} must be an object of at most 10 string values (keys [A-Za-z0-9_.-]{1,64}, values up to 256 characters)`,
      },
    });
}

const PURPOSE = /^[A-Za-z0-9_.-]{1,64}$/;
const PURPOSE_MESSAGE = 'purpose must be 1 to 64 letters, digits, "_", "." or "-"';
const CODE = /^[0-9]{4,10}$/;
const CODE_MESSAGE = 'code must be 4 to 10 ASCII digits';

export class StartVerificationDto {
  @IsString()
  @MaxLength(32)
  to!: string;

  @IsOptional()
  @IsIn(['sms', 'voice', 'auto'])
  channel?: 'sms' | 'voice' | 'auto';

  @IsOptional()
  @Matches(/^[a-z]{2}(-[A-Za-z]{2})?$/, { message: 'locale must be a language code such as "en" or "es-MX"' })
  locale?: string;

  @IsOptional()
  @Matches(/^[A-Za-z0-9_:/-]{1,256}$/, { message: 'templateId must be a Notify template id' })
  templateId?: string;

  @IsOptional()
  @Matches(/^[A-Za-z]{2,20}$/, { message: 'voiceId must be an Amazon Polly voice id such as JOANNA' })
  voiceId?: string;

  @IsOptional()
  @IsInt()
  @Min(4)
  @Max(10)
  codeLength?: number;

  @IsOptional()
  @Matches(PURPOSE, { message: PURPOSE_MESSAGE })
  purpose?: string;

  @IsOptional()
  @IsContextMap()
  context?: Record<string, string>;

  @IsOptional()
  @IsBoolean()
  dryRun?: boolean;
}

export class ResendVerificationDto {
  @IsOptional()
  @IsIn(['sms', 'voice'])
  channel?: 'sms' | 'voice';
}

export class CheckCodeDto {
  @IsString()
  @Matches(CODE, { message: CODE_MESSAGE })
  code!: string;
}

export class CheckCodeForNumberDto {
  @IsString()
  @MaxLength(32)
  to!: string;

  @IsString()
  @Matches(CODE, { message: CODE_MESSAGE })
  code!: string;

  @IsOptional()
  @Matches(PURPOSE, { message: PURPOSE_MESSAGE })
  purpose?: string;
}

export class SandboxMessagesQuery {
  @IsOptional()
  @IsString()
  @MaxLength(32)
  to?: string;
}
