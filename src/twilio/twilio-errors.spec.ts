import {
  CountryNotAllowed,
  InvalidPhoneNumber,
  InvalidRequest,
  MaxSendsReached,
  RateLimited,
  ResendTooSoon,
  StoreUnavailable,
  Unauthorized,
  VerificationNotFound,
  VerificationNotPending,
} from '../common/domain-error';
import { toTwilioError } from './twilio-errors';

const PATH = '/Services/VA00/Verifications';

function twilio(error: unknown) {
  const { error: mapped } = toTwilioError(error, PATH);
  return {
    status: mapped.status,
    code: mapped.code,
    message: mapped.message,
    retry: mapped.retryAfterSeconds,
  };
}

describe(toTwilioError.name, () => {
  it('names the invalid parameter in a 60200 (https://www.twilio.com/docs/errors/60200)', () => {
    const invalid = new InvalidRequest('Code must be 4 to 10 ASCII digits', [
      { field: 'Code', message: '…' },
    ]);
    expect(twilio(invalid)).toMatchObject({ status: 400, code: 60200, message: 'Invalid parameter: Code' });
    expect(twilio(new InvalidPhoneNumber())).toMatchObject({
      status: 400,
      code: 60200,
      message: 'Invalid parameter: To',
    });
  });

  it('answers our limits with Twilio’s 429s, Retry-After kept', () => {
    expect(twilio(new MaxSendsReached(5))).toMatchObject({ status: 429, code: 60203 });
    expect(twilio(new ResendTooSoon(12))).toEqual({
      status: 429,
      code: 20429,
      message: 'Too Many Requests',
      retry: 12,
    });
    expect(twilio(new RateLimited('rate_limited_destination', 60))).toMatchObject({
      status: 429,
      code: 20429,
      retry: 60,
    });
    expect(twilio(new RateLimited('prefix_blocked', 60))).toMatchObject({ status: 403, code: 60410 });
  });

  it('maps a refused country to Geo-Permissions (https://www.twilio.com/docs/errors/60605)', () => {
    expect(twilio(new CountryNotAllowed('CU'))).toMatchObject({ status: 403, code: 60605 });
  });

  it('answers an unknown or finished verification with 20404 naming the path', () => {
    const notFound = { status: 404, code: 20404, message: `The requested resource ${PATH} was not found` };
    expect(twilio(new VerificationNotFound())).toMatchObject(notFound);
    expect(twilio(new VerificationNotPending('approved'))).toMatchObject(notFound);
  });

  it('answers authentication, outages and bugs as Twilio does', () => {
    expect(twilio(new Unauthorized())).toMatchObject({ status: 401, code: 20003, message: 'Authenticate' });
    expect(twilio(new StoreUnavailable())).toMatchObject({ status: 503, code: 20503, retry: 1 });
    expect(twilio(new TypeError('bug'))).toMatchObject({ status: 500, code: 20500 });
  });
});
