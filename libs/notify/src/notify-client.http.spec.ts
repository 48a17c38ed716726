import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NotifyClient } from './notify-client';
import { NotifyError } from './notify-error';
import type { NotifyClientOptions } from './notify.types';

/*
 * The real SDK against a bare local HTTP server: proves the client wiring that a fake SDK cannot, namely the
 * awsJson1_0 request, the timeouts (which only warn unless told to throw), the retry count and how real
 * transport failures surface. Protocol fidelity beyond that is the Notify emulator's job.
 */

interface Received {
  target: string | undefined;
  contentType: string | undefined;
  body: unknown;
}

type Handler = (request: IncomingMessage, response: ServerResponse, body: string) => void;

async function listen(handler: Handler): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      received.push({
        target: request.headers['x-amz-target'] as string | undefined,
        contentType: request.headers['content-type'],
        body: body ? JSON.parse(body) : undefined,
      });
      handler(request, response, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}`, received };
}

async function stop(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

function json(response: ServerResponse, status: number, payload: unknown, requestId = 'req-local-1'): void {
  response.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': requestId });
  response.end(JSON.stringify(payload));
}

function options(endpoint: string, extra: Partial<NotifyClientOptions> = {}): NotifyClientOptions {
  return {
    region: 'us-east-1',
    endpoint,
    credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local-secret' },
    ...extra,
  };
}

async function rejectionOf(promise: Promise<unknown>): Promise<NotifyError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(NotifyError);
    return error as NotifyError;
  }
  throw new Error('expected a rejection');
}

const SEND = { configurationId: 'nc-1', to: '+12065550100', variables: { code: '482913' } };

describe(`${NotifyClient.name} over HTTP with the real SDK`, () => {
  const servers: Server[] = [];
  const clients: NotifyClient[] = [];

  async function start(handler: Handler, extra: Partial<NotifyClientOptions> = {}) {
    const stub = await listen(handler);
    servers.push(stub.server);
    const client = new NotifyClient(options(stub.url, extra));
    clients.push(client);
    return { client, received: stub.received };
  }

  afterEach(async () => {
    clients.splice(0).forEach((client) => client.close());
    await Promise.all(servers.splice(0).map(stop));
  });

  it('posts an awsJson1_0 request and parses the result', async () => {
    const { client, received } = await start((_request, response) =>
      json(response, 200, {
        MessageId: 'msg-1',
        TemplateId: 'tpl-1',
        ResolvedMessageBody: 'Your code is 482913',
      }),
    );

    const result = await client.sendText({ ...SEND, timeToLiveSeconds: 300, dryRun: false });

    expect(result).toEqual({ messageId: 'msg-1', templateId: 'tpl-1', resolvedBody: 'Your code is 482913' });
    expect(received).toEqual([
      {
        target: 'PinpointSMSVoiceV2.SendNotifyTextMessage',
        contentType: 'application/x-amz-json-1.0',
        body: {
          NotifyConfigurationId: 'nc-1',
          DestinationPhoneNumber: '+12065550100',
          TemplateVariables: { code: '482913' },
          TimeToLive: 300,
          DryRun: false,
        },
      },
    ]);
  });

  it('parses a modeled error without retrying it', async () => {
    const { client, received } = await start((_request, response) =>
      json(response, 400, {
        __type: 'ValidationException',
        Message: 'Country not enabled',
        Reason: 'COUNTRY_NOT_ENABLED',
        Fields: [{ Name: 'DestinationPhoneNumber', Message: 'country US is not enabled' }],
      }),
    );

    const error = await rejectionOf(client.sendText(SEND));

    expect(error).toMatchObject({
      kind: 'validation',
      message: 'SendNotifyTextMessage: Country not enabled',
      reason: 'COUNTRY_NOT_ENABLED',
      fields: [{ name: 'DestinationPhoneNumber', message: 'country US is not enabled' }],
      requestId: 'req-local-1',
      httpStatusCode: 400,
      attempts: 1,
    });
    expect(received).toHaveLength(1);
  });

  it('retries throttling (refused before any work) up to maxAttempts and then reports it as retryable', async () => {
    const { client, received } = await start(
      (_request, response) =>
        json(response, 400, { __type: 'ThrottlingException', Message: 'Slow down' }, 'req-t'),
      { maxAttempts: 2 },
    );

    const error = await rejectionOf(client.sendText(SEND));

    expect(error).toMatchObject({ kind: 'throttled', retryable: true, attempts: 2, requestId: 'req-t' });
    expect(received.map((request) => request.target)).toEqual([
      'PinpointSMSVoiceV2.SendNotifyTextMessage',
      'PinpointSMSVoiceV2.SendNotifyTextMessage',
    ]);
  });

  it('makes three attempts by default for throttling', async () => {
    const { client, received } = await start((_request, response) =>
      json(response, 400, { __type: 'ThrottlingException', Message: 'Slow down' }),
    );

    await rejectionOf(client.describeConfiguration('nc-1'));

    expect(received).toHaveLength(3);
  });

  // The send operations take no client token (no ClientToken, unlike create-notify-configuration, in
  // https://docs.aws.amazon.com/cli/latest/reference/pinpoint-sms-voice-v2/send-notify-text-message.html): a server
  // fault may come after the message went out, so a retry could deliver a second code.
  it('does not retry a server fault, which may come after the send', async () => {
    const { client, received } = await start(
      (_request, response) =>
        json(response, 500, { __type: 'InternalServerException', Message: 'Oops' }, 'req-500'),
      { maxAttempts: 3 },
    );

    const error = await rejectionOf(client.sendText(SEND));

    expect(error).toMatchObject({ kind: 'internal', retryable: true, attempts: 1, requestId: 'req-500' });
    expect(received).toHaveLength(1);
  });

  it('does not retry a timeout or a dropped connection: Notify may have taken the request', async () => {
    const hung = await start(() => undefined, { requestTimeoutMs: 200, maxAttempts: 3 });
    expect(await rejectionOf(hung.client.sendText(SEND))).toMatchObject({ kind: 'timeout', attempts: 1 });
    expect(hung.received).toHaveLength(1);

    const dropped = await start((request) => request.socket.destroy(), { maxAttempts: 3 });
    expect(await rejectionOf(dropped.client.sendText(SEND))).toMatchObject({
      kind: 'network',
      code: 'ECONNRESET',
    });
    expect(dropped.received).toHaveLength(1);
  });

  it('gives up on an unanswered request after requestTimeoutMs', async () => {
    const { client, received } = await start(() => undefined, { requestTimeoutMs: 200, maxAttempts: 1 });

    const started = Date.now();
    const error = await rejectionOf(client.describeTemplates());
    const elapsed = Date.now() - started;

    expect(error).toMatchObject({ kind: 'timeout', retryable: true, code: 'ETIMEDOUT', attempts: 1 });
    expect(elapsed).toBeGreaterThanOrEqual(150);
    expect(elapsed).toBeLessThan(3_000);
    expect(received).toHaveLength(1);
  });

  it('reports a dropped connection as a network error', async () => {
    const { client } = await start((request) => request.socket.destroy(), { maxAttempts: 1 });

    const error = await rejectionOf(client.sendText(SEND));

    expect(error).toMatchObject({ kind: 'network', retryable: true, code: 'ECONNRESET' });
  });

  it('reports a refused connection as a network error', async () => {
    const stub = await listen(() => undefined);
    await stop(stub.server);
    const client = new NotifyClient(options(stub.url, { maxAttempts: 2 }));
    clients.push(client);

    const error = await rejectionOf(client.sendText(SEND));

    // Refused before the request left: retried (nothing can have been sent), then reported.
    expect(error).toMatchObject({ kind: 'network', retryable: true, code: 'ECONNREFUSED', attempts: 2 });
    expect(error.message).not.toContain('482913');
  });
});
