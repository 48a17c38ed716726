import { Body, Controller, Get, HttpCode, Param, Post, Res, UseGuards } from '@nestjs/common';
import { FastifyReply } from 'fastify';
import { Clock } from '../common/clock';
import { Settings } from '../config/settings';
import { ResendVerification } from '../issuance/resend-verification';
import { StartVerification } from '../issuance/start-verification';
import { VerificationRecord } from '../issuance/verification';
import { CancelVerification } from '../verification/cancel-verification';
import { CheckCode } from '../verification/check-code';
import { CheckCodeForNumber } from '../verification/check-code-for-number';
import { GetVerification } from '../verification/get-verification';
import { ApiKeyGuard, ClientId } from './api-key.guard';
import { CheckCodeDto, CheckCodeForNumberDto, ResendVerificationDto, StartVerificationDto } from './dto';
import { toVerificationView } from './verification.view';

const DEFAULT_PURPOSE = 'default';

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
  async create(
    @ClientId() clientId: string,
    @Body() body: StartVerificationDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const result = await this.start.execute({
      ...body,
      clientId,
      channel: body.channel ?? 'auto',
      purpose: body.purpose ?? DEFAULT_PURPOSE,
    });
    if (result.kind === 'dry_run') {
      void reply.status(200);
      return { dryRun: true, channel: result.channel, templateId: result.templateId };
    }
    void reply.status(201);
    return this.view(result.verification);
  }

  @Get('verifications/:id')
  async read(@ClientId() clientId: string, @Param('id') id: string) {
    return this.view(await this.get.execute({ clientId, id }));
  }

  @Post('verifications/:id/resend')
  @HttpCode(200)
  async resendCode(
    @ClientId() clientId: string,
    @Param('id') id: string,
    @Body() body: ResendVerificationDto,
  ) {
    return this.view(await this.resend.execute({ clientId, id, channel: body?.channel }));
  }

  @Post('verifications/:id/check')
  @HttpCode(200)
  async checkCode(@ClientId() clientId: string, @Param('id') id: string, @Body() body: CheckCodeDto) {
    const { valid, status, attemptsRemaining } = await this.check.execute({ clientId, id, code: body.code });
    return { id, valid, status, attemptsRemaining };
  }

  @Post('verifications/:id/cancel')
  @HttpCode(200)
  async cancelVerification(@ClientId() clientId: string, @Param('id') id: string) {
    return this.view(await this.cancel.execute({ clientId, id }));
  }

  @Post('verification-checks')
  @HttpCode(200)
  async checkByNumber(@ClientId() clientId: string, @Body() body: CheckCodeForNumberDto) {
    return this.checkForNumber.execute({
      clientId,
      to: body.to,
      code: body.code,
      purpose: body.purpose ?? DEFAULT_PURPOSE,
    });
  }

  private view(record: VerificationRecord) {
    return toVerificationView(record, this.clock.now(), {
      cooldownMs: this.settings.otp.resendCooldownSeconds * 1000,
      maxSends: this.settings.otp.maxSends,
    });
  }
}
