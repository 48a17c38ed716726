import { Controller, Get, Inject, NotFoundException, Query, UseGuards } from '@nestjs/common';
import { NotifyEmulator } from '@app/notify-emulator';
import { SANDBOX_EMULATOR } from '../dispatch/dispatch.module';
import { parsePhoneNumber } from '../dispatch/phone-numbers';
import { ApiKeyGuard } from './api-key.guard';
import { SandboxMessagesQuery } from './dto';

/** Sandbox only: what the in-process Notify emulator "delivered", so a developer can read the code. */
@Controller('sandbox')
@UseGuards(ApiKeyGuard)
export class SandboxController {
  constructor(@Inject(SANDBOX_EMULATOR) private readonly emulator: NotifyEmulator | null) {}

  @Get('messages')
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
