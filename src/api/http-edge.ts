import { IncomingMessage, Server, ServerOptions, ServerResponse, STATUS_CODES } from 'node:http';
import { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { Logger } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyServerOptions } from 'fastify';
import { DomainError } from '../common/domain-error';
import {
  ExpectationFailed,
  HeadersTooLarge,
  HttpVersionNotSupported,
  MalformedRequest,
  MethodNotImplemented,
  RequestTimeout,
  ShuttingDown,
} from './http-edge-errors';
import { toProblem } from './problem.filter';

/** Node's default, set explicitly so that the 431 answer can say it. */
const MAX_HEADER_BYTES = 16384;

export interface HttpEdgeSettings {
  requestTimeoutMs: number;
  /** After the server stops accepting connections, how long requests in flight may still take. */
  shutdownGraceMs: number;
}

/** Where the edge's answers are counted (otp_problems_total) and where a route's reply gets a problem. */
export interface EdgeProblems {
  count(status: number, code: string): void;
  send(reply: FastifyReply, error: unknown): void;
}

/** A parse error of Node's HTTP parser (llhttp), as the server's `clientError` event gives it. */
type ClientError = Error & { code?: string; reason?: string };

/** What the parser refused, as the problem it deserves. */
export function parserProblem(error: ClientError, requestTimeoutMs: number): DomainError {
  switch (error.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new RequestTimeout(requestTimeoutMs);
    case 'HPE_HEADER_OVERFLOW':
      return new HeadersTooLarge(MAX_HEADER_BYTES);
    case 'HPE_INVALID_METHOD':
      return new MethodNotImplemented();
    // `PRI * HTTP/2.0`: HTTP/2 with prior knowledge, which this HTTP/1.1 server does not speak.
    case 'HPE_PAUSED_H2_UPGRADE':
      return new HttpVersionNotSupported();
    case 'HPE_UNEXPECTED_CONTENT_LENGTH':
      return new MalformedRequest(
        'The request has more than one Content-Length header (RFC 9112, section 6.3).',
      );
    case 'HPE_INVALID_TRANSFER_ENCODING':
      return new MalformedRequest(
        'Transfer-Encoding must end in "chunked" and cannot come with Content-Length (RFC 9112, section 6.3).',
      );
    case 'HPE_INVALID_URL':
      return new MalformedRequest('The URL holds a character that must be percent-encoded (RFC 3986).');
    case 'HPE_INVALID_VERSION':
      // The same code covers a bad line ending after the version; only a version the parser does not know is a 505.
      if (error.reason === 'Invalid HTTP version') return new HttpVersionNotSupported();
      break;
  }
  const reason = error.reason ? `: ${error.reason}` : '';
  return new MalformedRequest(`The request is not valid HTTP/1.1${reason}.`);
}

/** A whole HTTP/1.1 response holding the problem, for a socket that has no ServerResponse to write it with. */
function rawResponse(error: DomainError): { status: number; code: string; text: string } {
  const { problem, retryAfter } = toProblem(error);
  const body = JSON.stringify(problem);
  const head = [
    `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status] ?? ''}`,
    'Content-Type: application/problem+json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    ...(retryAfter === undefined ? [] : [`Retry-After: ${retryAfter}`]),
  ];
  return { status: problem.status, code: problem.code, text: `${head.join('\r\n')}\r\n\r\n${body}` };
}

/** Writes the answer, then closes once it is flushed. */
function answerRaw(socket: Duplex, error: DomainError, problems: EdgeProblems): void {
  const { status, code, text } = rawResponse(error);
  problems.count(status, code);
  socket.once('finish', () => socket.destroy());
  socket.end(text);
}

function answerResponse(res: ServerResponse, error: DomainError, problems: EdgeProblems): void {
  const { problem, retryAfter } = toProblem(error);
  problems.count(problem.status, problem.code);
  const body = JSON.stringify(problem);
  res.writeHead(problem.status, {
    'Content-Type': 'application/problem+json',
    'Content-Length': Buffer.byteLength(body),
    Connection: 'close',
    ...(retryAfter === undefined ? {} : { 'Retry-After': String(retryAfter) }),
  });
  res.end(body);
}

interface Connection {
  /** Responses not yet finished on this socket (more than one when the client pipelines). */
  inFlight: Set<ServerResponse>;
  /** `bytesRead` when the socket last had nothing in flight: more since then is a request not yet parsed. */
  bytesAtRest: number;
}

/**
 * The HTTP edge: every answer the server gives before a route runs is problem+json, the request timeout holds
 * to within a fraction of a second, and closing the server (SIGTERM) closes idle connections at once and gives
 * requests in flight at most `shutdownGraceMs`.
 */
export class HttpEdge {
  private readonly connections = new Map<Socket, Connection>();
  private closing = false;
  private graceTimer?: NodeJS.Timeout;
  private readonly answered = new WeakSet<Duplex>();
  private readonly logger = new Logger('Http');

  constructor(
    private readonly settings: HttpEdgeSettings,
    private readonly problems: EdgeProblems,
  ) {}

  /** Options for Fastify's constructor. */
  serverOptions(): {
    http: ServerOptions;
    clientErrorHandler: NonNullable<FastifyServerOptions['clientErrorHandler']>;
    return503OnClosing: boolean;
  } {
    const http: ServerOptions = {
      maxHeaderSize: MAX_HEADER_BYTES,
      requestTimeout: this.settings.requestTimeoutMs,
      headersTimeout: this.settings.requestTimeoutMs,
      // Node looks for requests past their timeout every connectionsCheckingInterval (default 30 s), so a 10 s
      // timeout could take 40 s; a quarter of the timeout, at most 500 ms, keeps it within half a second.
      connectionsCheckingInterval: Math.max(
        50,
        Math.min(500, Math.floor(this.settings.requestTimeoutMs / 4)),
      ),
      // A missing Host would get Node's empty 400; the onRequest hook below answers it as a problem instead.
      requireHostHeader: false,
    };
    return {
      http,
      clientErrorHandler: (error, socket) => this.onClientError(error, socket),
      // Fastify's own 503 while closing is not problem+json; requests arriving then are served (see close()).
      return503OnClosing: false,
    };
  }

  /** Hooks the server and the Fastify instance; call once, before the app starts. */
  install(instance: FastifyInstance): void {
    const server: Server = instance.server;
    server.on('connection', (socket: Socket) => this.onConnection(socket));
    server.prependListener('request', (req: IncomingMessage, res: ServerResponse) =>
      this.onRequest(req, res),
    );
    // Without a listener Node drops a CONNECT without a word; we are no proxy.
    server.on('connect', (_req: IncomingMessage, socket: Duplex) =>
      answerRaw(socket, new MethodNotImplemented(), this.problems),
    );
    // Without a listener Node answers any Expect but 100-continue with an empty 417.
    server.on('checkExpectation', (_req: IncomingMessage, res: ServerResponse) =>
      answerResponse(res, new ExpectationFailed(), this.problems),
    );
    instance.addHook('onRequest', async (request, reply) => {
      const { httpVersionMajor, httpVersionMinor } = request.raw;
      if (httpVersionMajor !== 1) {
        // HTTP/0.9 and a request line claiming HTTP/2.0: the parser lets both through.
        this.problems.send(reply, new HttpVersionNotSupported());
        return reply;
      }
      if (httpVersionMinor === 1 && request.headers.host === undefined) {
        this.problems.send(
          reply,
          new MalformedRequest('An HTTP/1.1 request needs a Host header (RFC 9112, section 3.2).'),
        );
        return reply;
      }
    });
    instance.addHook('preClose', (done) => {
      this.close();
      done();
    });
  }

  private onClientError(error: ClientError, socket: Duplex): void {
    // A reset connection has no one to answer; a socket answered once is not answered again (the parser may
    // report more errors for bytes that follow the first).
    if (error.code === 'ECONNRESET' || socket.destroyed || this.answered.has(socket)) return;
    this.answered.add(socket);
    const res = (socket as Duplex & { _httpMessage?: ServerResponse })._httpMessage;
    // Bytes of a response already on their way: another response would corrupt it.
    if (!socket.writable || (res && res.headersSent)) {
      socket.destroy();
      return;
    }
    answerRaw(socket, parserProblem(error, this.settings.requestTimeoutMs), this.problems);
  }

  private onConnection(socket: Socket): void {
    if (this.closing) {
      socket.destroy();
      return;
    }
    this.connections.set(socket, { inFlight: new Set(), bytesAtRest: 0 });
    socket.once('close', () => {
      this.connections.delete(socket);
      if (this.closing && this.connections.size === 0) clearTimeout(this.graceTimer);
    });
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const socket = req.socket;
    const connection = this.connections.get(socket);
    if (!connection) return;
    connection.inFlight.add(res);
    if (this.closing) res.setHeader('Connection', 'close');
    res.once('close', () => {
      connection.inFlight.delete(res);
      if (connection.inFlight.size > 0) return;
      connection.bytesAtRest = socket.bytesRead;
      if (this.closing) this.release(socket, connection);
    });
  }

  /** Closing: idle connections close now, those with requests in flight when their last response is sent. */
  private close(): void {
    if (this.closing) return;
    this.closing = true;
    let idle = 0;
    let inFlight = 0;
    for (const [socket, connection] of this.connections) {
      if (connection.inFlight.size === 0) {
        idle += 1;
        this.release(socket, connection);
        continue;
      }
      inFlight += connection.inFlight.size;
      for (const res of connection.inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
    }
    this.logger.log(
      {
        event: 'http_closing',
        idleConnections: idle,
        requestsInFlight: inFlight,
        graceMs: this.settings.shutdownGraceMs,
      },
      `HTTP server closing: ${idle} idle connections closed, ${inFlight} requests in flight get up to ${this.settings.shutdownGraceMs} ms`,
    );
    if (this.connections.size > 0) {
      this.graceTimer = setTimeout(() => this.expireGrace(), this.settings.shutdownGraceMs);
    }
  }

  /** A socket with nothing in flight, while closing: an idle one closes; a request half received gets a 503. */
  private release(socket: Socket, connection: Connection): void {
    if (socket.destroyed) return;
    if (socket.bytesRead > connection.bytesAtRest && !this.answered.has(socket)) {
      this.answered.add(socket);
      answerRaw(socket, new ShuttingDown(), this.problems);
      return;
    }
    socket.destroy();
  }

  /** The grace period is over: what is still in flight gets a 503 if it can, and every connection closes. */
  private expireGrace(): void {
    let cut = 0;
    for (const [socket, connection] of this.connections) {
      for (const res of connection.inFlight) {
        cut += 1;
        if (!res.headersSent && !res.writableEnded) answerResponse(res, new ShuttingDown(), this.problems);
      }
      if (socket.writableLength === 0) socket.destroy();
      else socket.once('drain', () => socket.destroy());
      setTimeout(() => socket.destroy(), 1000).unref();
    }
    this.logger.warn(
      { event: 'http_grace_expired', requestsCut: cut },
      `SHUTDOWN_GRACE_MS (${this.settings.shutdownGraceMs} ms) over: ${cut} requests still in flight were cut off`,
    );
  }
}
