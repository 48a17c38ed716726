import { STATUS_CODES } from 'node:http';
import { applyDecorators } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ApiResponse, DocumentBuilder, getSchemaPath, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { CodeWithStatus, exampleProblem, ProblemCode, ProblemStatus } from './problem-table';
import { ProblemDetails } from './responses';

export const API_KEY_AUTH = 'api-key';
/** The /v2 Twilio-compatible surface (src/twilio): its Basic auth scheme and tag in the one document. */
export const TWILIO_AUTH = 'twilio-basic';
export const TWILIO_TAG = 'twilio-verify-v2';

/** Per status, the codes answered with it; a code under a status its table row does not give fails to compile. */
export type ProblemAnswers = { [S in ProblemStatus]?: readonly CodeWithStatus<S>[] };

/** Documents error answers: per status, the problem+json schema, one example per stable code, and Retry-After. */
export function ApiProblems(answers: ProblemAnswers): MethodDecorator & ClassDecorator {
  const byStatus = Object.entries(answers) as [string, readonly ProblemCode[]][];
  return applyDecorators(
    ...byStatus.map(([key, codes]) => {
      const status = Number(key);
      const examples = Object.fromEntries(codes.map((code) => [code, { value: exampleProblem(code) }]));
      const retry = status === 429 || status === 503;
      return ApiResponse({
        status,
        description: `${STATUS_CODES[status]}: ${codes.map((code) => `\`${code}\``).join(', ')}`,
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
} as const satisfies ProblemAnswers;

export function buildOpenApiDocument(app: NestFastifyApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('notify-otp')
    .setDescription(
      'Phone verification (one-time codes) on AWS End User Messaging Notify. Errors are RFC 9457 ' +
        '`application/problem+json` with a stable `code`; `429` and `503` answers carry `Retry-After`. Any request ' +
        "may also get the HTTP layer's own problems: `400 malformed_request` (not valid HTTP/1.1), " +
        '`408 request_timeout`, `417 expectation_failed`, `431 headers_too_large`, `501 method_not_implemented`, ' +
        '`503 shutting_down` and `505 http_version_not_supported`.',
    )
    .setVersion('1')
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'API key',
        description:
          'An API key of API_KEYS. Without API_KEYS (outside production, e.g. the sandbox of `npm start`) the key ' +
          'is `sandbox`: type `sandbox` here.',
      },
      API_KEY_AUTH,
    )
    .addTag('verifications', 'Start, resend, check and cancel verifications')
    .addTag('templates', "The Notify configuration's templates")
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
