import { NotFoundException } from '@nestjs/common';
import * as domain from '../common/domain-error';
import { toProblem } from './problem.filter';
import { HttpProblem, isProblemCode } from './problem-table';

/** One instance of every domain error class, with each code a class can carry. */
const SAMPLES: domain.DomainError[] = [
  new domain.InvalidRequest('to must be a string', [{ field: 'to', message: 'to must be a string' }]),
  new domain.UnsupportedMediaType(),
  new domain.VerificationNotFound(),
  new domain.SandboxMessageNotFound(),
  new domain.InvalidPhoneNumber(),
  new domain.CountryNotAllowed('CU'),
  new domain.ChannelNotAvailable('no voice'),
  new domain.UnknownTemplate('locale', 'No template for locale "xx".'),
  new domain.VerificationNotPending('approved'),
  new domain.ResendTooSoon(30),
  new domain.MaxSendsReached(5),
  new domain.FallbackAlreadyUsed(),
  new domain.DestinationLimitReached(),
  ...(
    [
      'rate_limited_destination',
      'rate_limited_ip',
      'rate_limited_api_key',
      'rate_limited_prefix',
      'prefix_blocked',
    ] as const
  ).map((code) => new domain.RateLimited(code, 60)),
  new domain.NotifyCapacityExhausted(2),
  new domain.IdempotencyKeyReused(),
  new domain.IdempotencyInProgress(),
  ...(
    [
      'notify_configuration_not_found',
      'notify_configuration_inactive',
      'notify_access_denied',
      'notify_daily_limit',
      'notify_spend_limit',
      'notify_request_rejected',
      'notify_unavailable',
    ] as const
  ).map((code) => new domain.NotifyUnavailable(code, 'Notify failed.')),
  new domain.Unauthorized(),
  new domain.StoreUnavailable(),
  new domain.OutcomeUnknown('the approval'),
  new domain.NotifyTimeout(),
  new domain.NotifyEventRejected('The SNS signature could not be verified.'),
];

describe('the problem table', () => {
  it('has a sample here for every domain error class (so the checks below see them all)', () => {
    const classes = Object.values(domain).filter(
      (value) => typeof value === 'function' && value.prototype instanceof domain.DomainError,
    ) as (abstract new (...args: never[]) => domain.DomainError)[];
    expect(
      classes.filter((cls) => !SAMPLES.some((error) => error instanceof cls)).map((c) => c.name),
    ).toEqual([]);
  });

  it('has a row for every code a domain error carries', () => {
    expect(SAMPLES.map((error) => error.code).filter((code) => !isProblemCode(code))).toEqual([]);
  });

  it('answers 503 exactly for the retryable failures (a dependency failed), and 4xx for every refusal', () => {
    for (const error of SAMPLES) {
      const { status } = toProblem(error).problem;
      expect({ code: error.code, status: error.retryable ? 503 : 'a 4xx' }).toEqual({
        code: error.code,
        status: status >= 400 && status < 500 ? 'a 4xx' : status,
      });
    }
  });

  it('builds a domain error into its row: type, title and status from the table, detail and errors from the error', () => {
    const error = new domain.CountryNotAllowed('CU');
    expect(toProblem(error)).toEqual({
      problem: {
        type: 'urn:notify-otp:problem:country_not_allowed',
        title: 'Country not allowed',
        status: 422,
        detail: 'Verification codes cannot be sent to numbers in CU.',
        code: 'country_not_allowed',
        errors: [{ field: 'to', message: 'Verification codes cannot be sent to numbers in CU.' }],
      },
      retryAfter: undefined,
    });
    expect(toProblem(new domain.StoreUnavailable(new Error('OOM command not allowed')))).toEqual({
      problem: {
        type: 'urn:notify-otp:problem:store_unavailable',
        title: 'Service unavailable',
        status: 503,
        detail: 'The verification store is unreachable; try again shortly.',
        code: 'store_unavailable',
      },
      retryAfter: 1,
    });
  });

  it('gives the HTTP layer its codes by status, and guesses nothing from an error message', () => {
    expect(
      toProblem(new HttpProblem('uri_too_long', 'A path segment of the URL is too long.')).problem,
    ).toMatchObject({ status: 414, code: 'uri_too_long', title: 'URI too long' });
    expect(toProblem(new NotFoundException('Cannot GET /nothing')).problem).toMatchObject({
      status: 404,
      code: 'not_found',
      detail: 'Cannot GET /nothing',
    });
    expect(toProblem({ statusCode: 413, message: 'Request body is too large' }).problem).toMatchObject({
      status: 413,
      code: 'payload_too_large',
    });
    // A Redis failure is recognised where Redis is called (src/redis/store-errors.ts), not from its text here.
    expect(toProblem(new Error('Connection is closed.')).problem).toMatchObject({
      status: 500,
      code: 'internal_error',
      detail: 'Something went wrong on our side.',
    });
  });
});
