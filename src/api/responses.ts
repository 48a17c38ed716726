import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { FieldError as DomainFieldError } from '../common/domain-error';
import { Problem } from './problem-table';

/**
 * The shapes of our answers, for the OpenAPI document only: controllers return plain objects (see
 * verification.view.ts), and these classes describe them with examples.
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

  @ApiProperty({ enum: ['pending', 'approved'], example: 'approved' })
  status!: string;

  @ApiPropertyOptional({ description: 'Only when valid', example: 'VE8c1f0e5b7a2d4c6e9f1a3b5c7d9e0f1a' })
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
