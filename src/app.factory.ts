import { randomUUID } from 'node:crypto';
import { Logger as NestLogger, ValidationError, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { HttpEdge } from './api/http-edge';
import { JsonObjectBodyPipe } from './api/json-object-body.pipe';
import { setupOpenApi } from './api/openapi';
import { AppModule, AppOptions } from './app.module';
import { InvalidRequest, UnsupportedMediaType } from './common/domain-error';
import { QuietStartupLogger } from './common/startup';
import { serveConsole } from './console/console';
import { sendProblem } from './api/problem.filter';
import { HttpProblem } from './api/problem-table';
import { validateEnv } from './config/env.validation';
import { SNS_EVENTS_PATH } from './delivery-events/notify-events.controller';
import { Settings } from './config/settings';
import { Metrics } from './metrics/metrics';

function flatten(errors: ValidationError[], parent = ''): { field: string; message: string }[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/**
 * Answers the adapter gives before Nest sees a request (the router's refusals, the 415 hook). They are counted in
 * metrics too, once `configureApp` has the app's Metrics to give them.
 */
class AdapterProblems {
  metrics?: Metrics;
  private readonly logger = new NestLogger('Problem');

  send(reply: Parameters<typeof sendProblem>[0], error: unknown): void {
    sendProblem(reply, error, this.logger, this.metrics);
  }
}

const adapterProblems = new WeakMap<object, AdapterProblems>();

export function createAdapter(env: Record<string, string | undefined> = {}): FastifyAdapter {
  const settings = validateEnv({ ...process.env, ...env });
  const problems = new AdapterProblems();
  // The parser's refusals, CONNECT, timeouts and connections on shutdown (src/api/http-edge.ts).
  const edge = new HttpEdge(
    { requestTimeoutMs: settings.SERVER_REQUEST_TIMEOUT_MS, shutdownGraceMs: settings.SHUTDOWN_GRACE_MS },
    {
      count: (status, code) => problems.metrics?.problem(status, code),
      send: (reply, e) => problems.send(reply, e),
    },
  );
  const adapter = new FastifyAdapter({
    ...edge.serverOptions(),
    bodyLimit: settings.BODY_LIMIT_BYTES,
    requestTimeout: settings.SERVER_REQUEST_TIMEOUT_MS,
    connectionTimeout: settings.SERVER_CONNECTION_TIMEOUT_MS,
    keepAliveTimeout: settings.SERVER_KEEP_ALIVE_TIMEOUT_MS,
    trustProxy: false,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    // The router's own refusals (a path parameter over maxParamLength, a malformed URL) are problems too.
    frameworkErrors: (error: { code?: string }, _request: unknown, reply: unknown) => {
      const problem =
        error.code === 'FST_ERR_MAX_PARAM_LENGTH'
          ? new HttpProblem('uri_too_long', 'A path segment of the URL is too long.')
          : new HttpProblem('invalid_request', 'The URL is malformed.');
      const problemReply = reply as Parameters<typeof sendProblem>[0]; // Fastify types this reply generically
      problems.send(problemReply, problem);
    },
  });
  edge.install(adapter.getInstance());
  // JSON only: a form or text body is a 415, not a string that validation then puzzles over.
  adapter.getInstance().addHook('onRequest', async (request, reply) => {
    const hasBody =
      Number(request.headers['content-length'] ?? 0) > 0 ||
      request.headers['transfer-encoding'] !== undefined;
    // No body and a JSON Content-Type (curl -H 'Content-Type: application/json' -X POST) is no body, not empty JSON.
    if (!hasBody) delete request.headers['content-type'];
    // An unknown route is a 404 whatever its body.
    if (request.is404) return;
    const type = request.headers['content-type'] ?? '';
    // SNS posts its JSON as text/plain; that route parses and verifies the body itself.
    const snsText = request.url === SNS_EVENTS_PATH && /^text\/plain\s*(;|$)/i.test(type);
    // Twilio's wire format: the /v2 compatible surface takes form bodies (src/twilio/).
    const twilioForm =
      request.url.startsWith('/v2/') && /^application\/x-www-form-urlencoded\s*(;|$)/i.test(type);
    if (hasBody && !snsText && !twilioForm && !/^application\/([a-z.+-]+\+)?json\s*(;|$)/i.test(type)) {
      problems.send(reply, new UnsupportedMediaType());
      return reply;
    }
  });
  adapterProblems.set(adapter, problems);
  return adapter;
}

/** Everything main.ts sets up on an app; e2e tests call it too, so they test what ships. */
export function configureApp(app: NestFastifyApplication): NestFastifyApplication {
  app.useLogger(new QuietStartupLogger(app.get(Logger)));
  const problems = adapterProblems.get(app.getHttpAdapter());
  if (problems) problems.metrics = app.get(Metrics);
  app.useGlobalPipes(
    new JsonObjectBodyPipe(),
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: true,
      transform: true,
      stopAtFirstError: true,
      exceptionFactory: (errors) => {
        const list = flatten(errors);
        return new InvalidRequest(
          list.map((e) => e.message).join('; ') || 'The request body is invalid.',
          list,
        );
      },
    }),
  );
  const { corsOrigins } = app.get(Settings).app;
  if (corsOrigins.length > 0) {
    app.enableCors({
      origin: corsOrigins,
      methods: ['GET', 'POST'],
      allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-End-User-IP', 'X-Request-Id'],
      exposedHeaders: ['Retry-After', 'X-Request-Id'],
      maxAge: 600,
    });
  }
  serveConsole(app, app.get(Settings));
  setupOpenApi(app);
  // After a graceful stop the process exits 0 (and pino's buffers flush on 'exit') rather than re-raising SIGTERM.
  app.enableShutdownHooks([], { useProcessExit: true });
  return app;
}

export async function createApp(
  env: Record<string, string | undefined> = {},
  options: AppOptions = {},
): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(env, options),
    createAdapter(env),
    // abortOnError: a failed start rejects (main.ts exits 1 with the reason) instead of process.abort().
    { bufferLogs: true, abortOnError: false },
  );
  return configureApp(app);
}
