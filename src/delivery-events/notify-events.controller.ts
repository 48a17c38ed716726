import { Controller, Headers, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { FastifyRequest } from 'fastify';
import { ApiProblems } from '../api/openapi';
import { EVENTBRIDGE_SECRET_HEADER, HandleEventBridgeEvent } from './handle-eventbridge-event';
import { HandleSnsMessage } from './handle-sns-message';

export const SNS_EVENTS_PATH = '/v1/notify-events/sns';

const RESULT = (results: string[]) => ({
  schema: { type: 'object', properties: { result: { type: 'string', enum: results } } },
});

/**
 * Where AWS reports delivery events. No API key: SNS cannot send one. SNS messages prove themselves by signature,
 * EventBridge calls by the API destination's secret header. The body is read raw (`@Req`), outside the API's
 * validation pipes: SNS posts JSON as text/plain.
 */
@ApiTags('delivery-events')
@Controller('v1/notify-events')
export class NotifyEventsController {
  constructor(
    private readonly sns: HandleSnsMessage,
    private readonly eventBridge: HandleEventBridgeEvent,
  ) {}

  @Post('sns')
  @HttpCode(200)
  @ApiOperation({
    summary: 'SNS HTTPS subscription endpoint for Notify delivery events',
    description:
      'Every message must be signed by SNS (SignatureVersion 1 or 2, certificate from an SNS host) and come from ' +
      'a topic in SNS_TOPIC_ARNS. Subscription confirmations are confirmed; a repeated MessageId is a no-op.',
  })
  @ApiConsumes('text/plain', 'application/json')
  @ApiBody({
    description: 'The SNS message (Notification, SubscriptionConfirmation, UnsubscribeConfirmation)',
  })
  @ApiOkResponse({
    description: 'Handled (or already handled)',
    ...RESULT([
      'recorded',
      'stale',
      'unknown',
      'ignored',
      'duplicate',
      'subscription_confirmed',
      'unsubscribed',
    ]),
  })
  @ApiProblems({ 400: ['invalid_request'], 403: ['notify_event_rejected'], 503: ['store_unavailable'] })
  async snsMessage(@Req() request: FastifyRequest) {
    return { result: await this.sns.execute(request.body) };
  }

  @Post('eventbridge')
  @HttpCode(200)
  @ApiOperation({
    summary: 'EventBridge API destination for Notify delivery events',
    description: `An \`aws.sms-voice\` event; the connection must send EVENTBRIDGE_SECRET in \`${EVENTBRIDGE_SECRET_HEADER}\`.`,
  })
  @ApiHeader({ name: EVENTBRIDGE_SECRET_HEADER, required: true, description: 'EVENTBRIDGE_SECRET' })
  @ApiBody({ description: 'The EventBridge envelope; `detail` is the delivery event record' })
  @ApiOkResponse({ description: 'Handled', ...RESULT(['recorded', 'stale', 'unknown', 'ignored']) })
  @ApiProblems({ 400: ['invalid_request'], 403: ['notify_event_rejected'], 503: ['store_unavailable'] })
  async eventBridgeEvent(
    @Headers(EVENTBRIDGE_SECRET_HEADER) secret: string | undefined,
    @Req() request: FastifyRequest,
  ) {
    return { result: await this.eventBridge.execute(secret, request.body) };
  }
}
