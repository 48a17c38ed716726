import { randomUUID } from 'node:crypto';
import { ValidationError, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { JsonObjectBodyPipe } from './api/json-object-body.pipe';
import { InvalidRequest } from './common/domain-error';
import { validateEnv } from './config/env.validation';

function flatten(errors: ValidationError[], parent = ''): { field: string; message: string }[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/** Builds the whole app as `main.ts` runs it; e2e tests use the same function, so they test what ships. */
export async function createApp(env: Record<string, string | undefined> = {}): Promise<NestFastifyApplication> {
  const settings = validateEnv({ ...process.env, ...env });
  const adapter = new FastifyAdapter({
    bodyLimit: settings.BODY_LIMIT_BYTES,
    trustProxy: false,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
  });
  // JSON only: a text/plain body is a 415, not a string that validation then puzzles over.
  adapter.getInstance().removeContentTypeParser(['text/plain']);
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(env), adapter, { bufferLogs: true });
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
        return new InvalidRequest(list.map((e) => e.message).join('; ') || 'The request body is invalid.', list);
      },
    }),
  );
  app.enableShutdownHooks();
  return app;
}
