import { connect, Socket } from 'node:net';

/** What came back on a raw connection: the parsed answer, if a whole one arrived, and whether the server closed. */
export interface RawAnswer {
  status?: number;
  headers: Record<string, string>;
  body: string;
  /** Everything received, for failure messages. */
  raw: string;
}

/**
 * Parses the first whole final HTTP/1.1 response in `data` (interim 1xx answers skipped; Content-Length framing, as
 * every answer here has). `closed`: the server closed, so what arrived is all there is (a HEAD answer has no body).
 */
export function parseResponse(data: Buffer, closed = false): RawAnswer | undefined {
  let text = data.toString('latin1');
  let offset = 0;
  while (/^HTTP\/1\.[01] 1\d\d /.test(text.slice(offset)) && text.indexOf('\r\n\r\n', offset) >= 0) {
    offset = text.indexOf('\r\n\r\n', offset) + 4;
  }
  text = text.slice(offset);
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const [statusLine, ...lines] = text.slice(0, end).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const length = Number(headers['content-length'] ?? 0);
  const bodyBytes = data.subarray(offset + end + 4);
  if (bodyBytes.length < length && !closed) return undefined;
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]);
  return { status, headers, body: bodyBytes.subarray(0, length).toString('utf8'), raw: text };
}

export class RawClient {
  readonly socket: Socket;
  private data = Buffer.alloc(0);
  readonly closed: Promise<void>;
  private waiters: (() => void)[] = [];

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.data = Buffer.concat([this.data, chunk]);
      this.wake();
    });
    // A reset after the answer (the server closed with bytes of ours unread) is the end of the exchange, not a failure.
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    void this.closed.then(() => this.wake());
  }

  static open(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  write(bytes: string | Buffer): void {
    this.socket.write(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes);
  }

  get received(): string {
    return this.data.toString('latin1');
  }

  /** The first whole answer, or what there was when the server closed without one. */
  async answer(): Promise<RawAnswer> {
    for (;;) {
      const closed = this.socket.destroyed;
      const parsed = parseResponse(this.data, closed);
      if (parsed) return parsed;
      if (closed) return { headers: {}, body: '', raw: this.received };
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  close(): void {
    this.socket.destroy();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

/** Sends `bytes` on a new connection and returns the answer. */
export async function exchange(port: number, bytes: string | Buffer): Promise<RawAnswer> {
  const client = await RawClient.open(port);
  try {
    client.write(bytes);
    return await client.answer();
  } finally {
    client.close();
  }
}
