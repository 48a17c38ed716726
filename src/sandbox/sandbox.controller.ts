import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { NotifyEmulator } from '@app/notify-emulator';
import { SANDBOX_EMULATOR } from './sandbox-emulator.module';
import { SimulateDeliveryEvents } from './simulate-delivery-events';
import { parsePhoneNumber } from '../core/phone-number';
import { ApiKeyGuard } from '../api/api-key.guard';
import { SandboxEventsDto, SandboxMessagesQuery } from '../api/dto';
import { API_KEY_AUTH, ApiProblems, BODY_PROBLEMS } from '../api/openapi';
import { SandboxEventResponse, SandboxMessageResponse } from '../api/responses';

const SANDBOX_OFF = 'The sandbox is off: this service sends through AWS.';

/**
 * Sandbox only: what the in-process Notify emulator "delivered", so a developer can read the code, and what Notify
 * would report about it afterwards.
 */
@ApiTags('sandbox')
@ApiBearerAuth(API_KEY_AUTH)
@Controller('sandbox')
@UseGuards(ApiKeyGuard)
export class SandboxController {
  constructor(
    @Inject(SANDBOX_EMULATOR) private readonly emulator: NotifyEmulator | null,
    @Inject(SimulateDeliveryEvents) private readonly simulate: SimulateDeliveryEvents | null,
  ) {}

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
    if (!this.emulator) throw new NotFoundException(SANDBOX_OFF);
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

  @Post('messages/:messageId/events')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Report delivery events for a sandbox message, as Notify would (sandbox mode only)',
    description:
      'Each event is recorded on its send attempt exactly as one arriving from SNS or EventBridge: ' +
      '`GET /v1/verifications/{id}` then shows it, an undeliverable SMS of an `auto` verification triggers the ' +
      'automatic call, and status webhooks fire.',
  })
  @ApiParam({ name: 'messageId', example: '3f1b0c1e-7c4a-4c1b-9a52-0f5d3a6b2e11' })
  @ApiOkResponse({ type: [SandboxEventResponse] })
  @ApiProblems({ ...BODY_PROBLEMS, 404: ['not_found', 'message_not_found'] })
  events(@Param('messageId') messageId: string, @Body() body: SandboxEventsDto) {
    if (!this.simulate) throw new NotFoundException(SANDBOX_OFF);
    return this.simulate.execute(messageId, body.eventTypes);
  }
}
