import { Controller, Get, Inject, NotFoundException, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { NotifyEmulator } from '@app/notify-emulator';
import { SANDBOX_EMULATOR } from '../dispatch/dispatch.module';
import { parsePhoneNumber } from '../dispatch/phone-numbers';
import { ApiKeyGuard } from './api-key.guard';
import { SandboxMessagesQuery } from './dto';
import { API_KEY_AUTH, ApiProblems } from './openapi';
import { SandboxMessageResponse } from './responses';

/** Sandbox only: what the in-process Notify emulator "delivered", so a developer can read the code. */
@ApiTags('sandbox')
@ApiBearerAuth(API_KEY_AUTH)
@Controller('sandbox')
@UseGuards(ApiKeyGuard)
export class SandboxController {
  constructor(@Inject(SANDBOX_EMULATOR) private readonly emulator: NotifyEmulator | null) {}

  @Get('messages')
  @ApiOperation({ summary: 'Messages the sandbox "delivered", newest first (sandbox mode only)' })
  @ApiOkResponse({ type: [SandboxMessageResponse] })
  @ApiProblems({
    400: ['invalid_request'],
    401: ['unauthorized'],
    404: ['not_found'],
    422: ['invalid_phone_number'],
  })
  messages(@Query() query: SandboxMessagesQuery) {
    if (!this.emulator) throw new NotFoundException('The sandbox is off: this service sends through AWS.');
    const to = query.to ? parsePhoneNumber(query.to).e164 : undefined;
    return this.emulator.messages(to ? { to } : undefined).map((m) => ({
      messageId: m.messageId,
      channel: m.channel === 'SMS' ? 'sms' : 'voice',
      to: m.destinationPhoneNumber,
      body: m.resolvedMessageBody,
      templateId: m.templateId,
      sentAt: m.sentAt.toISOString(),
    }));
  }
}
