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
import { SandboxMessageNotFound } from '../common/domain-error';
import { parsePhoneNumber } from '../core/phone-number';
import { ApiKeyGuard, ClientId } from '../api/api-key.guard';
import { SandboxEventsDto, SandboxMessagesQuery } from '../api/dto';
import { API_KEY_AUTH, ApiProblems, BODY_PROBLEMS } from '../api/openapi';
import { SandboxEventResponse, SandboxMessageResponse, SandboxResetResponse } from '../api/responses';
import { ResetSandbox } from './reset-sandbox';
import { SandboxInbox } from './sandbox-inbox';
import { SimulateDeliveryEvents } from './simulate-delivery-events';

const SANDBOX_OFF = 'The sandbox is off: this service sends through AWS.';

/**
 * Sandbox only: what the in-process Notify emulator "delivered", so a developer can read the code, and what Notify
 * would report about it afterwards. Each API client sees and plays only the messages of its own verifications.
 */
@ApiTags('sandbox')
@ApiBearerAuth(API_KEY_AUTH)
@Controller('sandbox')
@UseGuards(ApiKeyGuard)
export class SandboxController {
  constructor(
    @Inject(SandboxInbox) private readonly inbox: SandboxInbox | null,
    @Inject(SimulateDeliveryEvents) private readonly simulate: SimulateDeliveryEvents | null,
    @Inject(ResetSandbox) private readonly reset: ResetSandbox | null,
  ) {}

  @Get('messages')
  @ApiOperation({
    summary: 'Messages the sandbox "delivered" for your verifications, newest first (sandbox mode only)',
    description:
      'A `+` typed into the query string unencoded (`?to=+12065550100`) is read as the `+` it was.',
  })
  @ApiOkResponse({ type: [SandboxMessageResponse] })
  @ApiProblems({
    400: ['invalid_request'],
    401: ['unauthorized'],
    404: ['not_found'],
    422: ['invalid_phone_number'],
  })
  async messages(@ClientId() clientId: string, @Query() query: SandboxMessagesQuery) {
    if (!this.inbox) throw new NotFoundException(SANDBOX_OFF);
    const to = query.to ? parsePhoneNumber(query.to).e164 : undefined;
    return (await this.inbox.messages(clientId, to)).map((m) => ({
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
  async events(
    @ClientId() clientId: string,
    @Param('messageId') messageId: string,
    @Body() body: SandboxEventsDto,
  ) {
    if (!this.simulate || !this.inbox) throw new NotFoundException(SANDBOX_OFF);
    // Another client's message is as unknown as one that was never sent.
    if (!(await this.inbox.owns(clientId, messageId))) throw new SandboxMessageNotFound();
    return this.simulate.execute(messageId, body.eventTypes);
  }

  @Post('reset')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Clear your sandbox limits, counters and inbox (sandbox mode only)',
    description:
      "For the numbers your messages went to: their send limits, their prefix's SMS-pumping counts and block, " +
      "their failed-check count and Notify's daily count; your API key's start count; your inbox. Your " +
      'verifications stay as they are. Other API clients are not touched.',
  })
  @ApiOkResponse({ type: SandboxResetResponse })
  @ApiProblems({ 401: ['unauthorized'], 404: ['not_found'] })
  resetSandbox(@ClientId() clientId: string) {
    if (!this.reset) throw new NotFoundException(SANDBOX_OFF);
    return this.reset.execute(clientId);
  }
}
