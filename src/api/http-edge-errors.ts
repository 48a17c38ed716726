import { DomainError } from '../common/domain-error';

/**
 * Refusals of the HTTP layer itself, given before any route runs (src/api/http-edge.ts): they are not the domain's,
 * but they are problems with a stable `code` like every other answer, so the same filter and metrics handle them;
 * their status and title are rows of the one table (problem-table.ts).
 */

export class MalformedRequest extends DomainError {
  readonly code = 'malformed_request';
  constructor(detail: string) {
    super(detail);
  }
}

export class RequestTimeout extends DomainError {
  readonly code = 'request_timeout';
  constructor(timeoutMs: number) {
    super(`The request's headers and body did not arrive within ${timeoutMs} ms.`);
  }
}

export class ExpectationFailed extends DomainError {
  readonly code = 'expectation_failed';
  constructor() {
    super('The only Expect this server meets is "100-continue".');
  }
}

export class HeadersTooLarge extends DomainError {
  readonly code = 'headers_too_large';
  constructor(maxBytes: number) {
    super(`The request line and headers exceed ${maxBytes} bytes.`);
  }
}

export class MethodNotImplemented extends DomainError {
  readonly code = 'method_not_implemented';
  constructor() {
    super('This server implements GET, HEAD, POST and OPTIONS only.');
  }
}

export class HttpVersionNotSupported extends DomainError {
  readonly code = 'http_version_not_supported';
  constructor() {
    super('Send the request as HTTP/1.1 (or HTTP/1.0).');
  }
}

export class ShuttingDown extends DomainError {
  readonly code = 'shutting_down';
  override readonly retryable = true;
  constructor() {
    super('This instance is shutting down; retry the request.', {
      retryAfterSeconds: 1,
    });
  }
}
