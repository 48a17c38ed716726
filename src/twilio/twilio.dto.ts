import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsIP,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { CODE, CODE_MESSAGE, LOCALE } from '../api/dto';

/*
 * The form parameters of each Twilio operation we serve, under Twilio's names, so that a validation error names the
 * parameter as Twilio's 60200 does ("Invalid parameter: To"). A parameter not declared here is refused the same way
 * (the global ValidationPipe forbids unknown properties): we would rather say so than silently ignore something a
 * caller relies on. Form values are strings; the Twilio client sends booleans as "true" / "false".
 */

const CANNOT_HONOUR = 'is not supported by this service; only "false" is accepted';

/** https://www.twilio.com/docs/verify/api/service#create-a-verification-service */
export class CreateServiceForm {
  // "FriendlyName is too long (max 30 characters)" is a 60200 (https://www.twilio.com/docs/errors/60200).
  @ApiProperty({
    description: 'A name for the service, 1 to 30 characters',
    example: 'My App',
    maxLength: 30,
  })
  @IsString()
  @Length(1, 30)
  FriendlyName!: string;

  @ApiPropertyOptional({
    minimum: 4,
    maximum: 10,
    description: 'Digits of its codes; default OTP_CODE_LENGTH',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(4)
  @Max(10)
  CodeLength?: number;

  @ApiPropertyOptional({ enum: ['false'], description: 'Carrier lookup is not offered' })
  @IsOptional()
  @IsIn(['false'], { message: `LookupEnabled ${CANNOT_HONOUR}` })
  LookupEnabled?: string;

  @ApiPropertyOptional({ enum: ['false'] })
  @IsOptional()
  @IsIn(['false'], { message: `SkipSmsToLandlines ${CANNOT_HONOUR}` })
  SkipSmsToLandlines?: string;

  @ApiPropertyOptional({ enum: ['false'] })
  @IsOptional()
  @IsIn(['false'], { message: `DtmfInputRequired ${CANNOT_HONOUR}` })
  DtmfInputRequired?: string;

  @ApiPropertyOptional({ enum: ['false'] })
  @IsOptional()
  @IsIn(['false'], { message: `Psd2Enabled ${CANNOT_HONOUR}` })
  Psd2Enabled?: string;

  @ApiPropertyOptional({ enum: ['false'] })
  @IsOptional()
  @IsIn(['false'], { message: `CustomCodeEnabled ${CANNOT_HONOUR}` })
  CustomCodeEnabled?: string;

  @ApiPropertyOptional({
    enum: ['true', 'false'],
    description: "Accepted; the Notify template's text decides",
  })
  @IsOptional()
  @IsIn(['true', 'false'])
  DoNotShareWarningEnabled?: string;

  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'Accepted and ignored: use status webhooks' })
  @IsOptional()
  @IsIn(['true', 'false'])
  VerifyEventSubscriptionEnabled?: string;
}

/** https://www.twilio.com/docs/verify/api/service#update-a-service: the same parameters, all optional. */
export class UpdateServiceForm extends PartialType(CreateServiceForm) {}

/** https://www.twilio.com/docs/verify/api/service#read-multiple-service-resources */
export class ListServicesQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  PageSize?: number;

  @ApiPropertyOptional({ minimum: 0, default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  Page?: number;

  @ApiPropertyOptional({ description: 'Accepted and ignored: pages are numbered' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  PageToken?: string;
}

/** https://www.twilio.com/docs/verify/api/verification#start-new-verification */
export class StartVerificationForm {
  @ApiProperty({ description: 'The phone number in E.164 form', example: '+12065550100', maxLength: 32 })
  @IsString()
  @MaxLength(32)
  To!: string;

  @ApiProperty({ enum: ['sms', 'call'], description: '`call` is a Notify voice call reading the digits' })
  @IsIn(['sms', 'call'])
  Channel!: 'sms' | 'call';

  @ApiPropertyOptional({ description: "Picks the Notify template of this locale's language", example: 'es' })
  @IsOptional()
  @Matches(LOCALE)
  Locale?: string;

  @ApiPropertyOptional({
    description: "The end user's IP address, for the per-IP start limit",
    example: '203.0.113.7',
  })
  @IsOptional()
  @IsIP()
  DeviceIp?: string;

  @ApiPropertyOptional({ description: 'Accepted and ignored (the Notify template decides the text)' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  AppHash?: string;

  @ApiPropertyOptional({ description: 'Accepted and ignored' })
  @IsOptional()
  @IsString()
  @MaxLength(4096)
  Tags?: string;

  @ApiPropertyOptional({
    enum: ['enable', 'disable'],
    description: 'Accepted; our abuse protection always runs',
  })
  @IsOptional()
  @IsIn(['enable', 'disable'])
  RiskCheck?: string;

  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'Accepted and ignored (no SNA channel)' })
  @IsOptional()
  @IsIn(['true', 'false'])
  EnableSnaClientToken?: string;
}

/** https://www.twilio.com/docs/verify/api/verification#update-a-verification-status */
export class UpdateVerificationForm {
  @ApiProperty({
    enum: ['canceled', 'approved'],
    description: '`approved` needs custom codes, which we do not offer',
  })
  @IsIn(['canceled', 'approved'])
  Status!: 'canceled' | 'approved';
}

/** https://www.twilio.com/docs/verify/api/verification-check#check-a-verification */
export class VerificationCheckForm {
  // "Code parameter is not between 4-10 numbers long" is a 60200 (https://www.twilio.com/docs/errors/60200).
  @ApiProperty({ description: 'The code the user received', example: '608675', pattern: CODE.source })
  @IsString()
  @Matches(CODE, { message: CODE_MESSAGE })
  Code!: string;

  @ApiPropertyOptional({ description: 'The number of a pending verification; or give VerificationSid' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  To?: string;

  @ApiPropertyOptional({ description: 'The verification to check; or give To', example: 'VE…' })
  @IsOptional()
  @IsString()
  @MaxLength(34)
  VerificationSid?: string;
}
