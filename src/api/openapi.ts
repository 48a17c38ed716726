import { applyDecorators } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ApiResponse, DocumentBuilder, getSchemaPath, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { TWILIO_AUTH, TWILIO_TAG } from '../twilio/twilio-openapi';
import { ProblemDetails } from './responses';

export const API_KEY_AUTH = 'api-key';

/** A plausible detail per stable code, for the document's examples. */
const DETAILS: Record<string, string> = {
  invalid_request: 'to must be a string',
  unauthorized: 'Send a valid API key as "Authorization: Bearer <key>".',
  notify_event_rejected: 'The SNS signature could not be verified.',
  verification_not_found: 'No verification with this id exists for this API client.',
  not_found: 'The sandbox is off: this service sends through AWS.',
  message_not_found: 'The sandbox delivered no message with this id (or has forgotten it).',
  verification_not_pending: 'The verification is approved; start a new one.',
  idempotency_in_progress: 'A request with this Idempotency-Key is still being processed.',
  payload_too_large: 'Request body is too large',
  unsupported_media_type: 'Send the request body as JSON with "Content-Type: application/json".',
  invalid_phone_number: 'The destination is not a valid phone number; send it in E.164 form.',
  country_not_allowed: 'Verification codes cannot be sent to numbers in CU.',
  channel_not_available: 'The Notify configuration cannot send by voice.',
  unknown_template: 'No template for locale "xx".',
  idempotency_key_reused: 'This Idempotency-Key was used with a different request body.',
  resend_too_soon: 'Wait 30 s before sending another code.',
  max_sends_reached: 'This verification has already sent 5 codes; start a new verification later.',
  destination_daily_limit: 'No more codes can be sent to this number today.',
  rate_limited_destination: 'Too many codes were sent to this number recently; try again later.',
  rate_limited_ip: 'Too many verifications were started from this end-user IP address; try again later.',
  rate_limited_api_key: 'This API key started too many verifications; slow down.',
  rate_limited_prefix: 'Too many codes were sent to numbers in this range; try again later.',
  prefix_blocked: 'Codes to numbers in this range are paused (SMS pumping protection).',
  store_unavailable: 'The verification store is unreachable; try again shortly.',
  not_ready: 'Not ready: redis.',
  notify_capacity: 'Notify is sending at its configured rate; try again shortly.',
  notify_configuration_not_found: 'The Notify configuration does not exist.',
  notify_configuration_inactive: 'The Notify configuration is not ACTIVE.',
  notify_access_denied: 'The service may not call Notify.',
  notify_daily_limit: 'The Notify configuration reached its daily message limit.',
  notify_spend_limit: 'The account reached its monthly spend limit.',
  notify_request_rejected: 'Notify rejected the request.',
  notify_unavailable: 'Notify did not answer in time; try again shortly.',
};

const TITLES: Record<number, string> = {
  400: 'Invalid request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  409: 'Conflict',
  413: 'Payload too large',
  415: 'Unsupported media type',
  422: 'Unprocessable request',
  429: 'Too many requests',
  503: 'Service unavailable',
};

/** Documents error answers: per status, the problem+json schema, one example per stable code, and Retry-After. */
export function ApiProblems(
  answers: Partial<Record<number, readonly string[]>>,
): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...Object.entries(answers).map(([key, codes = []]) => {
      const status = Number(key);
      const examples = Object.fromEntries(
        codes.map((code) => [
          code,
          {
            value: {
              type: `urn:notify-otp:problem:${code}`,
              title: TITLES[status],
              status,
              detail: DETAILS[code] ?? TITLES[status],
              code,
              ...(code === 'invalid_request' ? { errors: [{ field: 'to', message: DETAILS[code] }] } : {}),
            },
          },
        ]),
      );
      const retry = status === 429 || status === 503;
      return ApiResponse({
        status,
        description: `${TITLES[status]}: ${codes.map((code) => `\`${code}\``).join(', ')}`,
        content: {
          'application/problem+json': { schema: { $ref: getSchemaPath(ProblemDetails) }, examples },
        },
        headers: retry
          ? {
              'Retry-After': {
                description: 'Seconds to wait before trying again',
                schema: { type: 'integer' },
              },
            }
          : undefined,
      });
    }),
  );
}

/** On answers to sends (start, resend): the quota of the policy closest to its limit. */
export const RATE_LIMIT_HEADERS = {
  'RateLimit-Limit': {
    description: 'Requests the tightest policy allows in its window',
    schema: { type: 'integer' },
  },
  'RateLimit-Remaining': { description: 'Requests left in that window', schema: { type: 'integer' } },
  'RateLimit-Reset': { description: 'Seconds until that window resets', schema: { type: 'integer' } },
};

/** The problems every body-carrying /v1 route can answer before it runs. */
export const BODY_PROBLEMS = {
  400: ['invalid_request'],
  401: ['unauthorized'],
  413: ['payload_too_large'],
  415: ['unsupported_media_type'],
} as const;

export function buildOpenApiDocument(app: NestFastifyApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('notify-otp')
    .setDescription(
      'Phone verification (one-time codes) on AWS End User Messaging Notify. Errors are RFC 9457 ' +
        '`application/problem+json` with a stable `code`; `429` and `503` answers carry `Retry-After`.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An API key (API_KEYS)' }, API_KEY_AUTH)
    .addTag('verifications', 'Start, resend, check and cancel verifications')
    .addTag('sandbox', 'Sandbox mode only: the messages the in-process Notify emulator "delivered"')
    .addTag('operations', 'Probes and metrics for the platform; no API key')
    .addTag('delivery-events', 'Called by AWS (SNS, EventBridge) with delivery events; no API key')
    .addBasicAuth(
      {
        type: 'http',
        scheme: 'basic',
        description: 'Username: an Account SID (AC + 32 hex); password: an API key',
      },
      TWILIO_AUTH,
    )
    .addTag(
      TWILIO_TAG,
      'Twilio Verify v2 compatible: form bodies, Basic auth, Twilio JSON and error codes (README: Migrating from Twilio Verify)',
    )
    .build();
  return SwaggerModule.createDocument(app, config, { extraModels: [ProblemDetails] });
}

/** Serves the document at /docs (Swagger UI) and /docs-json. */
export function setupOpenApi(app: NestFastifyApplication): void {
  SwaggerModule.setup('docs', app, buildOpenApiDocument(app), {
    jsonDocumentUrl: 'docs-json',
    customSiteTitle: 'notify-otp API',
  });
}
