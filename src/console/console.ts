import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import fastifyStatic from '@fastify/static';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Settings } from '../config/settings';

export const CONSOLE_PATH = '/console';
const PUBLIC_DIR = join(__dirname, 'public');

/**
 * The files the console may load, and where each comes from: the app's own, and the ES module builds that Preact and
 * htm publish, served as they are from node_modules (no bundler). Nothing else under /console is served.
 */
const FILES = new Set(['/app.js', '/style.css', '/preact.mjs', '/hooks.mjs', '/htm.mjs']);
const ROOTS = [
  PUBLIC_DIR,
  dirname(require.resolve('preact')),
  dirname(require.resolve('preact/hooks')),
  dirname(require.resolve('htm')),
];

/** The bare specifiers the modules import, mapped to the files above; inline, so its hash goes in the CSP. */
const IMPORT_MAP = JSON.stringify({
  imports: {
    preact: `${CONSOLE_PATH}/preact.mjs`,
    'preact/hooks': `${CONSOLE_PATH}/hooks.mjs`,
    htm: `${CONSOLE_PATH}/htm.mjs`,
  },
});

/**
 * Scripts, styles, images and API calls from this service only: the page can talk to no other host, whatever it
 * is given to render. The one inline script is the import map, allowed by its hash.
 */
function contentSecurityPolicy(): string {
  const importMapHash = createHash('sha256').update(IMPORT_MAP).digest('base64');
  return [
    "default-src 'none'",
    `script-src 'self' 'sha256-${importMapHash}'`,
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** index.html with the mode filled in: the sandbox key is offered only where the service accepts it. */
function renderIndex(settings: Settings): string {
  const sandboxKey = settings.auth.sandboxKey ? 'sandbox' : '';
  return readFileSync(join(PUBLIC_DIR, 'index.html'), 'utf8')
    .replace('{{IMPORT_MAP}}', IMPORT_MAP)
    .replace('{{MODE}}', settings.notify.mode)
    .replace('{{SANDBOX_KEY}}', sandboxKey);
}

/**
 * The developer console at /console: a static Preact app that is a client of the public API (/v1, /sandbox) and
 * nothing more. `/` leads there, so a person who opens the service in a browser finds it.
 */
export function serveConsole(app: NestFastifyApplication, settings: Settings): void {
  const csp = contentSecurityPolicy();
  const index = renderIndex(settings);
  const fastify = app.getHttpAdapter().getInstance();
  // @nestjs/platform-fastify brings its own copy of fastify's types; the plugin is typed against the top-level one.
  const plugin = fastifyStatic as unknown as Parameters<typeof app.register>[0];
  void app.register(plugin, {
    root: ROOTS,
    prefix: `${CONSOLE_PATH}/`,
    decorateReply: false, // Swagger UI registers the plugin too
    index: false,
    allowedPath: (pathName: string) => FILES.has(pathName),
    cacheControl: true,
    maxAge: 0,
  });
  // Anything else under /console/ (a `..` included, which the plugin would refuse with a bare 403) is the app's 404.
  fastify.addHook('onRequest', async (request, reply) => {
    const path = request.url.split('?')[0];
    if (!path.startsWith(`${CONSOLE_PATH}/`) || path === `${CONSOLE_PATH}/`) return;
    if (!FILES.has(path.slice(CONSOLE_PATH.length))) {
      reply.callNotFound();
      return reply;
    }
  });
  fastify.get(CONSOLE_PATH, (_request, reply) => reply.redirect(`${CONSOLE_PATH}/`, 302));
  fastify.get(`${CONSOLE_PATH}/`, (_request, reply) =>
    reply
      .header('Content-Type', 'text/html; charset=utf-8')
      .header('Content-Security-Policy', csp)
      .header('Cache-Control', 'no-store')
      .header('X-Content-Type-Options', 'nosniff')
      .send(index),
  );
  fastify.get('/', (_request, reply) => reply.redirect(`${CONSOLE_PATH}/`, 302));
}
