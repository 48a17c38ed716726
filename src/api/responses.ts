import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { FieldError as DomainFieldError } from '../common/domain-error';
import { Problem } from './problem-table';
import { effectiveStatus, VerificationRecord } from '../core/verification';

/**
 * The shapes of our answers: each class is both the type a controller returns and its OpenAPI schema, with
 * examples. A verification's public shape is built in one place, `VerificationResponse.of`.
 */

export class SendAttemptResponse {
  @ApiProperty({ enum: ['sms', 'voice'], example: 'sms' })
  channel!: string;

  @ApiProperty({ description: 'Notify message id', example: '3f1b0c1e-7c4a-4c1b-9a52-0f5d3a6b2e11' })
  messageId!: string;

  @ApiProperty({ format: 'date-time', example: '2025-01-01T12:00:00.000Z' })
  sentAt!: string;

  @ApiProperty({
    enum: ['pending', 'delivered', 'blocked', 'failed'],
    description: "From Notify's delivery events; `pending` until one says otherwise",
    example: 'delivered',
  })
  deliveryStatus!: string;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'Time of the delivery event behind deliveryStatus; null before any',
    example: '2025-01-01T12:00:04.000Z',
  })
  deliveryUpdatedAt!: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description: "Notify's description of that event",
    example: 'Message has been delivered',
  })
  deliveryDescription!: string | null;
}

export class VerificationResponse {
  @ApiProperty({ example: 'VE8c1f0e5b7a2d4c6e9f1a3b5c7d9e0f1a' })
  id!: string;

  @ApiProperty({ description: 'E.164', example: '+12065550100' })
  to!: string;

  @ApiProperty({ enum: ['pending', 'approved', 'failed', 'expired', 'canceled'], example: 'pending' })
  status!: string;

  @ApiProperty({ enum: ['sms', 'voice', 'auto'], example: 'auto' })
  channel!: string;

  @ApiProperty({ example: 'default' })
  purpose!: string;

  @ApiProperty({ format: 'date-time', example: '2025-01-01T12:00:00.000Z' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time', example: '2025-01-01T12:10:00.000Z' })
  expiresAt!: string;

  @ApiProperty({ example: 5 })
  attemptsRemaining!: number;

  @ApiProperty({ type: [SendAttemptResponse] })
  sendAttempts!: SendAttemptResponse[];

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When a resend is allowed; null when the verification cannot be resent',
    example: '2025-01-01T12:00:30.000Z',
  })
  nextResendAt!: string | null;

  /** The public shape of a verification. No code, no hash, no counters beyond what the caller needs. */
  static of(
    record: VerificationRecord,
    now: number,
    resend: { cooldownMs: number; maxSends: number },
  ): VerificationResponse {
    const status = effectiveStatus(record, now);
    const canResend = status === 'pending' && record.sendCount < resend.maxSends;
    return {
      id: record.id,
      to: record.to,
      status,
      channel: record.channel,
      purpose: record.purpose,
      createdAt: new Date(record.createdAt).toISOString(),
      expiresAt: new Date(record.expiresAt).toISOString(),
      attemptsRemaining: Math.max(0, record.maxAttempts - record.attempts),
      sendAttempts: record.sends.map(({ channel, messageId, sentAt, delivery }) => ({
        channel,
        messageId,
        sentAt,
        deliveryStatus: delivery?.status ?? 'pending',
        deliveryUpdatedAt: delivery?.at ?? null,
        deliveryDescription: delivery?.description ?? null,
      })),
      nextResendAt: canResend
        ? new Date(Math.max(now, record.lastSendAt + resend.cooldownMs)).toISOString()
        : null,
    };
  }
}

export class DryRunResponse {
  @ApiProperty({ enum: [true], example: true })
  dryRun!: true;

  @ApiProperty({ enum: ['sms', 'voice'], example: 'sms' })
  channel!: string;

  @ApiProperty({ example: 'notify-code-verification-english-001' })
  templateId!: string;
}

export class CheckResponse {
  @ApiProperty({ example: 'VE8c1f0e5b7a2d4c6e9f1a3b5c7d9e0f1a' })
  id!: string;

  @ApiProperty({ example: true })
  valid!: boolean;

  @ApiProperty({ enum: ['pending', 'approved', 'failed', 'expired', 'canceled'], example: 'approved' })
  status!: string;

  @ApiProperty({ example: 4 })
  attemptsRemaining!: number;
}

export class CheckByNumberResponse {
  @ApiProperty({
    description: 'false for a wrong code and for a number without a pending verification alike',
  })
  valid!: boolean;

  @ApiProperty({
    enum: ['pending', 'approved', 'failed', 'expired', 'canceled'],
    example: 'approved',
    description:
      '`pending` for every refusal, except a right code that lost to another check, a resend or the clock: it is told the real status',
  })
  status!: string;

  @ApiPropertyOptional({
    description: 'When valid, and for a right code that lost',
    example: 'VE8c1f0e5b7a2d4c6e9f1a3b5c7d9e0f1a',
  })
  id?: string;
}

export class SandboxMessageResponse {
  @ApiProperty({ example: '3f1b0c1e-7c4a-4c1b-9a52-0f5d3a6b2e11' })
  messageId!: string;

  @ApiProperty({ enum: ['sms', 'voice'], example: 'sms' })
  channel!: string;

  @ApiProperty({ example: '+12065550100' })
  to!: string;

  @ApiProperty({ example: 'Sandbox: your verification code is 608675. Do not share it.' })
  body!: string;

  @ApiProperty({ example: 'notify-code-verification-english-001' })
  templateId!: string;

  @ApiProperty({ format: 'date-time', example: '2025-01-01T12:00:00.000Z' })
  sentAt!: string;
}

export class SandboxEventResponse {
  @ApiProperty({ example: 'TEXT_UNREACHABLE' })
  eventType!: string;

  @ApiProperty({ enum: ['pending', 'delivered', 'blocked', 'failed'], example: 'failed' })
  deliveryStatus!: string;

  @ApiProperty({
    enum: ['recorded', 'stale', 'unknown'],
    example: 'recorded',
    description:
      '`recorded`: the send attempt shows it; `stale`: a newer or final status was already there; `unknown`: no verification holds this message any more',
  })
  result!: string;
}

export class TemplateVariableResponse {
  @ApiProperty({ example: 'code' })
  name!: string;
  @ApiProperty({ enum: ['STRING', 'INTEGER', 'BOOLEAN'], example: 'STRING' })
  type!: string;
  @ApiProperty({ example: true })
  required!: boolean;
  @ApiProperty({
    enum: ['CUSTOMER', 'SYSTEM'],
    example: 'CUSTOMER',
    description: 'SYSTEM variables are filled by AWS; `code` is filled by this service',
  })
  source!: string;
  @ApiProperty({ type: Number, nullable: true, example: 40 })
  maxLength!: number | null;
  @ApiProperty({ type: String, nullable: true, example: '^[0-9]{4,10}$' })
  pattern!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '123456' })
  sample!: string | null;
}

export class TemplateResponse {
  @ApiProperty({ example: 'notify-code-verification-english-001' })
  id!: string;
  @ApiProperty({ description: "The configuration's default template", example: true })
  default!: boolean;
  @ApiProperty({ enum: ['sms', 'voice'], isArray: true, example: ['sms', 'voice'] })
  channels!: string[];
  @ApiProperty({ type: String, nullable: true, example: 'en-US' })
  languageCode!: string | null;
  @ApiProperty({
    type: [String],
    example: ['JOANNA', 'MATTHEW'],
    description: 'Amazon Polly voices for calls',
  })
  voiceIds!: string[];
  @ApiProperty({ type: [TemplateVariableResponse] })
  variables!: TemplateVariableResponse[];
}

export class TemplatesResponse {
  @ApiProperty({ example: 'sandbox-otp' })
  configurationId!: string;
  @ApiProperty({ type: String, nullable: true, example: 'notify-code-verification-english-001' })
  defaultTemplateId!: string | null;
  @ApiProperty({ type: [TemplateResponse] })
  templates!: TemplateResponse[];
}

export class SandboxResetResponse {
  @ApiProperty({ example: 3, description: 'Messages dropped from your inbox' })
  messages!: number;

  @ApiProperty({ example: 1, description: 'Distinct numbers whose limits and counters were cleared' })
  numbers!: number;
}

/** The OpenAPI description of the domain's FieldError. */
export class FieldError implements DomainFieldError {
  @ApiProperty({ example: 'to' })
  field!: string;

  @ApiProperty({ example: 'to must be a string' })
  message!: string;
}

/** The OpenAPI description of Problem (problem-table.ts), as every error answer carries it. */
export class ProblemDetails implements Problem {
  @ApiProperty({ example: 'urn:notify-otp:problem:invalid_request' })
  type!: string;

  @ApiProperty({ example: 'Invalid request' })
  title!: string;

  @ApiProperty({ example: 400 })
  status!: number;

  @ApiProperty({ example: 'to must be a string' })
  detail!: string;

  @ApiProperty({ description: 'Stable; clients may branch on it', example: 'invalid_request' })
  code!: string;

  @ApiPropertyOptional({ type: [FieldError], description: 'Validation errors, by field' })
  errors?: FieldError[];
}
