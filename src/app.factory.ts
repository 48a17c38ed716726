import { randomUUID } from 'node:crypto';
import { Logger as NestLogger, ValidationError, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { JsonObjectBodyPipe } from './api/json-object-body.pipe';
import { AppModule, AppOptions } from './app.module';
import { InvalidRequest, UnsupportedMediaType } from './common/domain-error';
import { sendProblem } from './api/problem.filter';
import { validateEnv } from './config/env.validation';

function flatten(errors: ValidationError[], parent = ''): { field: string; message: string }[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

export function createAdapter(env: Record<string, string | undefined> = {}): FastifyAdapter {
  const settings = validateEnv({ ...process.env, ...env });
  const adapter = new FastifyAdapter({
    bodyLimit: settings.BODY_LIMIT_BYTES,
    trustProxy: false,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
  });
  // JSON only: a form or text body is a 415, not a string that validation then puzzles over.
  adapter.getInstance().addHook('onRequest', async (request, reply) => {
    const hasBody =
      Number(request.headers['content-length'] ?? 0) > 0 ||
      request.headers['transfer-encoding'] !== undefined;
    const type = request.headers['content-type'] ?? '';
    if (hasBody && !/^application\/([a-z.+-]+\+)?json\s*(;|$)/i.test(type)) {
      sendProblem(reply, new UnsupportedMediaType(), new NestLogger('Problem'));
      return reply;
    }
  });
  return adapter;
}

/** Everything main.ts sets up on an app; e2e tests call it too, so they test what ships. */
export function configureApp(app: NestFastifyApplication): NestFastifyApplication {
  app.useLogger(app.get(Logger));
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
  app.enableShutdownHooks();
  return app;
}

export async function createApp(
  env: Record<string, string | undefined> = {},
  options: AppOptions = {},
): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(env, options),
    createAdapter(env),
    {
      bufferLogs: true,
    },
  );
  return configureApp(app);
}
