import { DomainError } from '../common/domain-error';

/**
 * Refusals of the HTTP layer itself, given before any route runs (src/api/http-edge.ts): they are not the domain's,
 * but they are problems with a stable `code` like every other answer, so the same filter and metrics handle them.
 */

export class MalformedRequest extends DomainError {
  readonly code = 'malformed_request';
  readonly status = 400;
  constructor(detail: string) {
    super('Malformed request', detail);
  }
}

export class RequestTimeout extends DomainError {
  readonly code = 'request_timeout';
  readonly status = 408;
  constructor(timeoutMs: number) {
    super('Request timeout', `The request's headers and body did not arrive within ${timeoutMs} ms.`);
  }
}

export class ExpectationFailed extends DomainError {
  readonly code = 'expectation_failed';
  readonly status = 417;
  constructor() {
    super('Expectation failed', 'The only Expect this server meets is "100-continue".');
  }
}

export class HeadersTooLarge extends DomainError {
  readonly code = 'headers_too_large';
  readonly status = 431;
  constructor(maxBytes: number) {
    super('Request header fields too large', `The request line and headers exceed ${maxBytes} bytes.`);
  }
}

export class MethodNotImplemented extends DomainError {
  readonly code = 'method_not_implemented';
  readonly status = 501;
  constructor() {
    super('Method not implemented', 'This server implements GET, HEAD, POST and OPTIONS only.');
  }
}

export class HttpVersionNotSupported extends DomainError {
  readonly code = 'http_version_not_supported';
  readonly status = 505;
  constructor() {
    super('HTTP version not supported', 'Send the request as HTTP/1.1 (or HTTP/1.0).');
  }
}

export class ShuttingDown extends DomainError {
  readonly code = 'shutting_down';
  readonly status = 503;
  constructor() {
    super('Service unavailable', 'This instance is shutting down; retry the request.', {
      retryAfterSeconds: 1,
    });
  }
}
