import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  Post,
  Res,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { Clock } from '../common/clock';
import { Settings } from '../config/settings';
import { ResendVerification } from '../issuance/resend-verification';
import { StartVerification } from '../issuance/start-verification';
import { VerificationRecord } from '../core/verification';
import { CancelVerification } from '../verification/cancel-verification';
import { CheckCode } from '../verification/check-code';
import { CheckCodeForNumber } from '../verification/check-code-for-number';
import { GetVerification } from '../verification/get-verification';
import { Quota } from '../rate-limiting/rate-limits';
import { rateLimitHeaders } from '../rate-limiting/rate-limit-headers';
import { ApiKeyGuard, ClientId } from './api-key.guard';
import { CheckCodeDto, CheckCodeForNumberDto, ResendVerificationDto, StartVerificationDto } from './dto';
import { EndUserIp } from './end-user-ip.decorator';
import { HeldIdempotencyKey, idempotentAnswer, IdempotencyInterceptor } from './idempotency.interceptor';
import { HeldKey } from '../rate-limiting/idempotency';
import { CheckCodeForNumberResult } from '../verification/check-code-for-number';
import { CheckCodeResult } from '../verification/check-code';
import { API_KEY_AUTH, ApiProblems, BODY_PROBLEMS, RATE_LIMIT_HEADERS } from './openapi';
import { CheckByNumberResponse, CheckResponse, DryRunResponse, VerificationResponse } from './responses';

const DEFAULT_PURPOSE = 'default';
const STORE_DOWN = 'store_unavailable';
const IDEMPOTENCY_HEADER = {
  name: 'Idempotency-Key',
  required: false,
  description:
    'Retrying with the same key and body answers the first result (recorded with the write it describes) instead of running again',
};
const NOTIFY_DOWN = [
  'notify_unavailable',
  'notify_capacity',
  'notify_configuration_not_found',
  'notify_configuration_inactive',
  'notify_access_denied',
  'notify_daily_limit',
  'notify_spend_limit',
  'notify_request_rejected',
  'notify_timeout',
  'outcome_unknown',
  STORE_DOWN,
] as const;
const ID_PARAM = {
  name: 'id',
  description: 'The verification id',
  example: 'VE8c1f0e5b7a2d4c6e9f1a3b5c7d9e0f1a',
};

@ApiTags('verifications')
@ApiBearerAuth(API_KEY_AUTH)
@Controller('v1')
@UseGuards(ApiKeyGuard)
export class VerificationsController {
  constructor(
    private readonly start: StartVerification,
    private readonly resend: ResendVerification,
    private readonly check: CheckCode,
    private readonly checkForNumber: CheckCodeForNumber,
    private readonly cancel: CancelVerification,
    private readonly get: GetVerification,
    private readonly clock: Clock,
    private readonly settings: Settings,
  ) {}

  @Post('verifications')
  @ApiOperation({ summary: 'Start a verification: send a code by SMS or voice' })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Retrying with the same key and body answers the first result instead of sending again',
  })
  @ApiHeader({
    name: 'X-End-User-IP',
    required: false,
    description: "The end user's IP address, for the per-IP start limit",
  })
  @ApiCreatedResponse({
    type: VerificationResponse,
    description: 'The code is on its way',
    headers: RATE_LIMIT_HEADERS,
  })
  @ApiOkResponse({ type: DryRunResponse, description: '`dryRun: true`: what would be sent; nothing was' })
  @ApiProblems({
    ...BODY_PROBLEMS,
    409: ['idempotency_in_progress'],
    422: [
      'invalid_phone_number',
      'country_not_allowed',
      'channel_not_available',
      'unknown_template',
      'idempotency_key_reused',
    ],
    429: [
      'rate_limited_destination',
      'rate_limited_ip',
      'rate_limited_api_key',
      'rate_limited_prefix',
      'prefix_blocked',
      'destination_daily_limit',
    ],
    503: NOTIFY_DOWN,
  })
  @UseInterceptors(IdempotencyInterceptor)
  async create(
    @ClientId() clientId: string,
    @Body() body: StartVerificationDto,
    @EndUserIp() endUserIp: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
    @HeldIdempotencyKey() held: HeldKey | undefined,
  ) {
    const result = await this.start.execute({
      ...body,
      clientId,
      channel: body.channel ?? 'auto',
      purpose: body.purpose ?? DEFAULT_PURPOSE,
      endUserIp,
      answer: idempotentAnswer(held, 201, (verification: VerificationRecord) => this.view(verification)),
    });
    setRateLimitHeaders(reply, result.quota);
    if (result.kind === 'dry_run') {
      void reply.status(200);
      return { dryRun: true, channel: result.channel, templateId: result.templateId };
    }
    void reply.status(201);
    return this.view(result.verification);
  }

  @Get('verifications/:id')
  @ApiOperation({ summary: 'Read a verification' })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: VerificationResponse })
  @ApiProblems({ 401: ['unauthorized'], 404: ['verification_not_found'], 503: [STORE_DOWN] })
  async read(@ClientId() clientId: string, @Param('id') id: string) {
    return this.view(await this.get.execute({ clientId, id }));
  }

  @Post('verifications/:id/resend')
  @HttpCode(200)
  @ApiOperation({ summary: 'Send a new code that replaces the previous one' })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: VerificationResponse, headers: RATE_LIMIT_HEADERS })
  @ApiProblems({
    ...BODY_PROBLEMS,
    404: ['verification_not_found'],
    409: ['verification_not_pending'],
    422: ['channel_not_available', 'unknown_template'],
    429: ['resend_too_soon', 'max_sends_reached', 'rate_limited_destination', 'destination_daily_limit'],
    503: NOTIFY_DOWN,
  })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @UseInterceptors(IdempotencyInterceptor)
  async resendCode(
    @ClientId() clientId: string,
    @Param('id') id: string,
    @Body() body: ResendVerificationDto,
    @Res({ passthrough: true }) reply: FastifyReply,
    @HeldIdempotencyKey() held: HeldKey | undefined,
  ) {
    const result = await this.resend.execute({
      clientId,
      id,
      channel: body?.channel,
      answer: idempotentAnswer(held, 200, (verification: VerificationRecord) => this.view(verification)),
    });
    setRateLimitHeaders(reply, result.quota);
    return this.view(result.verification);
  }

  @Post('verifications/:id/check')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Check a code',
    description: 'A finished verification answers 200 with `valid: false` and its status.',
  })
  @ApiParam(ID_PARAM)
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiOkResponse({ type: CheckResponse })
  @ApiProblems({
    ...BODY_PROBLEMS,
    404: ['verification_not_found'],
    409: ['idempotency_in_progress'],
    422: ['idempotency_key_reused'],
    503: [STORE_DOWN, 'outcome_unknown'],
  })
  @UseInterceptors(IdempotencyInterceptor)
  async checkCode(
    @ClientId() clientId: string,
    @Param('id') id: string,
    @Body() body: CheckCodeDto,
    @HeldIdempotencyKey() held: HeldKey | undefined,
  ) {
    const answer = (result: CheckCodeResult) => ({
      id,
      valid: result.valid,
      status: result.status,
      attemptsRemaining: result.attemptsRemaining,
    });
    const result = await this.check.execute({
      clientId,
      id,
      code: body.code,
      answer: idempotentAnswer(held, 200, answer),
    });
    return answer(result);
  }

  @Post('verifications/:id/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel a pending verification' })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: VerificationResponse, description: 'The verification, now `canceled`' })
  @ApiProblems({
    401: ['unauthorized'],
    404: ['verification_not_found'],
    409: ['verification_not_pending'],
    503: [STORE_DOWN],
  })
  async cancelVerification(@ClientId() clientId: string, @Param('id') id: string) {
    return this.view(await this.cancel.execute({ clientId, id }));
  }

  @Post('verification-checks')
  @HttpCode(200)
  @ApiOperation({
    summary: "Check a code against the number's pending verification",
    description:
      'A wrong code, an unknown number and a finished verification all answer `{"valid":false,"status":"pending"}`.',
  })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiOkResponse({ type: CheckByNumberResponse })
  @ApiProblems({
    ...BODY_PROBLEMS,
    409: ['idempotency_in_progress'],
    422: ['invalid_phone_number', 'idempotency_key_reused'],
    503: [STORE_DOWN, 'outcome_unknown'],
  })
  @UseInterceptors(IdempotencyInterceptor)
  async checkByNumber(
    @ClientId() clientId: string,
    @Body() body: CheckCodeForNumberDto,
    @HeldIdempotencyKey() held: HeldKey | undefined,
  ) {
    return this.checkForNumber.execute({
      clientId,
      to: body.to,
      code: body.code,
      purpose: body.purpose ?? DEFAULT_PURPOSE,
      answer: idempotentAnswer(held, 200, (result: CheckCodeForNumberResult) => result),
    });
  }

  private view(record: VerificationRecord) {
    return VerificationResponse.of(record, this.clock.now(), {
      cooldownMs: this.settings.otp.resendCooldownSeconds * 1000,
      maxSends: this.settings.otp.maxSends,
    });
  }
}

function setRateLimitHeaders(reply: FastifyReply, quota: Quota | undefined): void {
  if (quota) void reply.headers(rateLimitHeaders(quota));
}
