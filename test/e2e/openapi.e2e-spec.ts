import { Writable } from 'node:stream';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { AppModule } from '../../src/app.module';
import { configureApp, createAdapter } from '../../src/app.factory';
import { deletePrefix, testRedisEnv, uniquePrefix } from '../support/redis';

interface Operation {
  tags?: string[];
  security?: Record<string, string[]>[];
  responses: Record<string, { content?: Record<string, { schema?: unknown; examples?: object }> }>;
}
type Paths = Record<string, Record<string, Operation>>;

describe('OpenAPI document at /docs-json and Swagger UI at /docs', () => {
  const prefix = uniquePrefix('openapi');
  let app: NestFastifyApplication;
  let paths: Paths;
  /** Every route the HTTP server really registered, collected by Fastify as Nest (and Swagger) added them. */
  const routes: { method: string; url: string }[] = [];

  beforeAll(async () => {
    const env = {
      NODE_ENV: 'test',
      ...testRedisEnv(),
      REDIS_KEY_PREFIX: prefix,
      OTP_HASH_SECRET: 'x'.repeat(32),
      LOG_LEVEL: 'silent',
    };
    const adapter = createAdapter(env);
    adapter.getInstance().addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) routes.push({ method, url: route.url });
    });
    const logStream = new Writable({ write: (_chunk, _enc, done) => done() });
    app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(env, { logStream }), adapter, {
      logger: false,
    });
    configureApp(app);
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    const res = await request(app.getHttpServer()).get('/docs-json');
    expect(res.status).toBe(200);
    paths = (res.body as { paths: Paths }).paths;
  });
  afterAll(async () => {
    await app?.close();
    await deletePrefix(prefix);
  });

  const served = () =>
    routes
      // The Swagger UI and the console are pages, not API routes.
      .filter(
        (r) => r.method !== 'HEAD' && r.method !== 'OPTIONS' && !/^\/(docs|console)(\/|-|$)|^\/$/.test(r.url),
      )
      .map((r) => ({ method: r.method.toLowerCase(), path: r.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}') }));

  it('documents every route the server serves (a route missing from the document fails here)', () => {
    const list = served();
    expect(list.length).toBeGreaterThanOrEqual(10);
    expect(list).toEqual(expect.arrayContaining([{ method: 'get', path: '/metrics' }]));
    const missing = list.filter(({ method, path }) => !paths[path]?.[method]);
    expect(missing).toEqual([]);
  });

  it('documents nothing the server does not serve', () => {
    const list = served();
    const documented = Object.entries(paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => ({ method, path })),
    );
    expect(documented.filter((d) => !list.some((r) => r.method === d.method && r.path === d.path))).toEqual(
      [],
    );
  });

  it('gives every operation a success answer, and every API operation its auth and problem+json errors', () => {
    for (const [path, ops] of Object.entries(paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const where = `${method.toUpperCase()} ${path}`;
        const codes = Object.keys(op.responses);
        expect({ where, success: codes.some((c) => /^2\d\d$/.test(c)) }).toEqual({ where, success: true });
        if (!path.startsWith('/v1') && !path.startsWith('/sandbox')) continue;
        // AWS calls these and proves itself by signature or secret header, not by API key.
        if (!path.startsWith('/v1/notify-events/')) {
          expect({ where, security: op.security }).toEqual({ where, security: [{ 'api-key': [] }] });
          expect({ where, has401: codes.includes('401') }).toEqual({ where, has401: true });
        }
        for (const code of codes.filter((c) => /^[45]\d\d$/.test(c))) {
          const content = op.responses[code].content?.['application/problem+json'];
          expect({ where, code, schema: content?.schema }).toEqual({
            where,
            code,
            schema: { $ref: '#/components/schemas/ProblemDetails' },
          });
          expect(Object.keys(content?.examples ?? {}).length).toBeGreaterThan(0);
        }
      }
    }
  });

  it('documents the store outage and Notify failures on the start route, with the headers it reads', async () => {
    const res = await request(app.getHttpServer()).get('/docs-json');
    const start = (res.body as { paths: Paths }).paths['/v1/verifications'].post as Operation & {
      parameters: { name: string; in: string }[];
    };
    expect(Object.keys(start.responses)).toEqual(
      expect.arrayContaining(['200', '201', '400', '401', '413', '415', '422', '429', '503']),
    );
    expect(Object.keys(start.responses['503'].content?.['application/problem+json'].examples ?? {})).toEqual(
      expect.arrayContaining(['store_unavailable', 'notify_unavailable']),
    );
    expect(start.parameters.map((p) => `${p.in}:${p.name}`)).toEqual(
      expect.arrayContaining(['header:Idempotency-Key', 'header:X-End-User-IP']),
    );
  });

  it('serves the Swagger UI without an API key', async () => {
    const res = await request(app.getHttpServer()).get('/docs');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.text).toContain('swagger');
  });
});
