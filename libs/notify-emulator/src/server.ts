import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type EmitOptions,
  type EmittedEvent,
  EventDeliveryError,
  NoEventDestinationError,
  UnknownMessageError,
} from './delivery-events';
import { injectedError, NotifyError, serializationError, unknownOperation } from './errors';
import { checkFault, type FaultQueue } from './faults';
import { isSupportedOperation, type NotifyOperations } from './operations';
import type { EmulatedMessage } from './types';
import { ID_OR_ARN } from './constraints';

const TARGET_PREFIX = 'PinpointSMSVoiceV2.';
const CONTENT_TYPE = 'application/x-amz-json-1.0';
export const MAX_BODY_BYTES = 1024 * 1024;
/** Past this, an oversized upload is cut off instead of drained. */
const MAX_DRAINED_BYTES = 16 * MAX_BODY_BYTES;
const EVENTS_ROUTE = /^\/_emulator\/messages\/([^/]+)\/events$/;
/** A message's whole story is a handful of events; more in one request is a mistake. */
const MAX_EVENT_TYPES = 20;
/** PutMessageFeedback's MessageId constraints: the model's id pattern, at most 64 characters. */
const MAX_MESSAGE_ID_LENGTH = 64;

interface EmitRequest {
  eventTypes: string[];
  duplicate?: boolean;
  reorder?: boolean;
}

export interface EmulatorBackend {
  operations: NotifyOperations;
  faults: FaultQueue;
  messages(filter: { to?: string }): EmulatedMessage[];
  reset(): void;
  emitEvents(messageId: string, eventTypes: string[], options: EmitOptions): Promise<EmittedEvent[]>;
}

/** The HTTP face of the emulator: awsJson1_0 on `POST /`, and a small admin API under `/_emulator/`. */
export class EmulatorServer {
  private readonly server: Server;
  /** Pending fault delays, released on close so that no timer outlives the server. */
  private readonly delays = new Map<NodeJS.Timeout, () => void>();

  constructor(private readonly backend: EmulatorBackend) {
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  listen(port: number, host: string): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      this.server.once('error', onError);
      this.server.listen(port, host, () => {
        this.server.off('error', onError);
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  /** Keep-alive sockets (the SDK keeps them) are closed too, or the process would wait on them. */
  close(): Promise<void> {
    for (const [timer, release] of this.delays) {
      clearTimeout(timer);
      release();
    }
    this.delays.clear();
    if (!this.server.listening) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.server.close((error) => (error ? reject(error) : resolve()));
      this.server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    try {
      const url = new URL(req.url ?? '/', 'http://emulator');
      if (url.pathname.startsWith('/_emulator/')) {
        await this.handleAdmin(req, res, url);
        return;
      }
      const body = await readBody(req);
      if (req.method !== 'POST' || url.pathname !== '/') {
        throw new NotifyError(
          'UnknownOperationException',
          `No operation at ${req.method} ${url.pathname}`,
          {},
          404,
        );
      }
      const target = req.headers['x-amz-target'];
      const operation =
        typeof target === 'string' && target.startsWith(TARGET_PREFIX)
          ? target.slice(TARGET_PREFIX.length)
          : '';
      if (!isSupportedOperation(operation))
        throw unknownOperation(typeof target === 'string' ? target : '(none)');
      // AWS dispatches awsJson1_0 calls on their Content-Type as well as their target: a call with another type
      // is an unknown operation to it (https://github.com/disneystreaming/smithy4s/issues/167, where Kinesis
      // answered `application/octet-stream` with UnknownOperationException).
      if (mediaType(req.headers['content-type']) !== CONTENT_TYPE) {
        throw new NotifyError(
          'UnknownOperationException',
          `Notify operations take Content-Type ${CONTENT_TYPE}`,
        );
      }

      const fault = this.backend.faults.take(operation);
      if (fault?.delayMs) await this.delay(fault.delayMs);
      if (fault?.dropConnection) {
        req.socket.destroy();
        return;
      }
      if (fault?.exception) throw injectedError(fault, operation, parseJsonLeniently(body));

      const result = this.backend.operations.invoke(operation, parseJson(body));
      send(res, 200, result, { 'x-amzn-RequestId': requestId });
    } catch (error) {
      const notifyError =
        error instanceof NotifyError
          ? error
          : new NotifyError('InternalServerException', `Emulator failure: ${(error as Error).message}`);
      if (!(error instanceof NotifyError)) console.error('Notify emulator failed on a request', error);
      const headers: Record<string, string> = {
        'x-amzn-RequestId': requestId,
        'x-amzn-ErrorType': notifyError.exception,
      };
      if (notifyError.statusCode === 413) headers.Connection = 'close';
      send(res, notifyError.statusCode, notifyError.body(requestId), headers);
    }
  }

  private async handleAdmin(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const body = await readBody(req);
    const route = `${req.method} ${url.pathname}`;
    const eventsRoute = EVENTS_ROUTE.exec(url.pathname);
    if (req.method === 'POST' && eventsRoute) {
      await this.emitEvents(res, eventsRoute[1], body);
      return;
    }
    switch (route) {
      case 'GET /_emulator/messages': {
        // A '+' left unencoded in a query string decodes as a space; put it back for E.164 numbers.
        const to = url.searchParams.get('to')?.replace(/^ /, '+') ?? undefined;
        sendAdmin(res, 200, this.backend.messages({ to }));
        return;
      }
      case 'POST /_emulator/faults': {
        let fault;
        try {
          fault = checkFault(parseJson(body));
        } catch (error) {
          sendAdmin(res, 400, { message: (error as Error).message });
          return;
        }
        this.backend.faults.add(fault);
        sendAdmin(res, 201, fault);
        return;
      }
      case 'DELETE /_emulator/faults':
        this.backend.faults.clear();
        sendAdmin(res, 204);
        return;
      case 'POST /_emulator/reset':
        this.backend.reset();
        sendAdmin(res, 204);
        return;
      default:
        sendAdmin(res, 404, { message: `No admin route ${route}` });
    }
  }

  /** Plays the configuration set's EventBridge destination for a delivered message. */
  private async emitEvents(res: ServerResponse, rawMessageId: string, body: Buffer): Promise<void> {
    let messageId: string;
    let request: EmitRequest;
    try {
      messageId = decodeMessageId(rawMessageId);
      request = checkEmitRequest(parseJson(body));
    } catch (error) {
      sendAdmin(res, 400, { message: (error as Error).message });
      return;
    }
    try {
      const events = await this.backend.emitEvents(messageId, request.eventTypes, {
        via: 'eventbridge',
        duplicate: request.duplicate,
        reorder: request.reorder,
      });
      sendAdmin(
        res,
        201,
        events.map((event) => event.record),
      );
    } catch (error) {
      const status = emitFailureStatus(error);
      let message = (error as Error).message;
      if (status === 409) message += '; the standalone emulator needs NOTIFY_EMULATOR_EVENTBRIDGE_URL';
      if (status === 500) {
        console.error('Notify emulator failed to emit delivery events', error);
        message = `Emulator failure: ${message}`;
      }
      sendAdmin(res, status, { message });
    }
  }

  private delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.delays.delete(timer);
        resolve();
      }, ms);
      this.delays.set(timer, resolve);
    });
  }
}

/** A path segment is percent-encoded; a malformed encoding or an id AWS would not issue is a TypeError. */
function decodeMessageId(raw: string): string {
  let messageId: string;
  try {
    messageId = decodeURIComponent(raw);
  } catch {
    throw new TypeError('The message id in the path is not validly percent-encoded');
  }
  if (messageId.length > MAX_MESSAGE_ID_LENGTH || !ID_OR_ARN.test(messageId)) {
    throw new TypeError('The message id must be 1 to 64 characters of A-Z a-z 0-9 _ : / -');
  }
  return messageId;
}

function checkEmitRequest(input: unknown): EmitRequest {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new TypeError('The body must be a JSON object');
  }
  const body = input as Record<string, unknown>;
  const unknownKeys = Object.keys(body).filter(
    (key) => !['eventTypes', 'duplicate', 'reorder'].includes(key),
  );
  if (unknownKeys.length > 0) throw new TypeError(`Unknown properties: ${unknownKeys.join(', ')}`);
  const { eventTypes, duplicate, reorder } = body;
  if (
    !Array.isArray(eventTypes) ||
    eventTypes.length === 0 ||
    eventTypes.length > MAX_EVENT_TYPES ||
    !eventTypes.every((type) => typeof type === 'string')
  ) {
    throw new TypeError(`eventTypes must be an array of 1 to ${MAX_EVENT_TYPES} event type names`);
  }
  if (duplicate !== undefined && typeof duplicate !== 'boolean') {
    throw new TypeError('duplicate must be a boolean');
  }
  if (reorder !== undefined && typeof reorder !== 'boolean') throw new TypeError('reorder must be a boolean');
  return { eventTypes: eventTypes as string[], duplicate, reorder };
}

function emitFailureStatus(error: unknown): number {
  if (error instanceof UnknownMessageError) return 404;
  if (error instanceof NoEventDestinationError) return 409;
  if (error instanceof EventDeliveryError) return 502;
  // deliveryRecords' verdict on an event type that does not exist or does not fit the message's channel.
  if (error instanceof TypeError) return 400;
  return 500;
}

/**
 * Reads the whole body. An oversized one is drained (so the client gets to read the 413 rather than a reset
 * connection) up to a hard cap, after which the socket is cut.
 */
function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      if (size > MAX_DRAINED_BYTES) req.destroy();
      if (!tooLarge) chunks.push(chunk);
    });
    req.on('end', () => {
      if (!tooLarge) return resolve(Buffer.concat(chunks));
      reject(
        new NotifyError('RequestEntityTooLargeException', `Request body exceeds ${MAX_BODY_BYTES} bytes`),
      );
    });
    req.on('error', reject);
    req.on('close', () => {
      if (!req.complete) reject(new Error('Request aborted'));
    });
  });
}

function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0].trim().toLowerCase();
}

/** For an injected fault's ResourceId: the request's own id if it has one, whatever else is wrong with it. */
function parseJsonLeniently(body: Buffer): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function parseJson(body: Buffer): unknown {
  if (body.length === 0) return {};
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw serializationError('The request body is not valid JSON');
  }
}

function send(res: ServerResponse, status: number, body: object, headers: Record<string, string>): void {
  if (res.destroyed || res.writableEnded) return;
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'Content-Type': CONTENT_TYPE,
    'Content-Length': Buffer.byteLength(payload),
  });
  res.end(payload);
}

function sendAdmin(res: ServerResponse, status: number, body?: unknown): void {
  if (res.destroyed || res.writableEnded) return;
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) });
  res.end(payload);
}
