import { CanActivate, createParamDecorator, ExecutionContext, Injectable } from '@nestjs/common';
import { FastifyRequest } from 'fastify';
import { ApiKeyGuard } from '../api/api-key.guard';
import { TWILIO_CODES, TwilioError } from './twilio-errors';
import { ACCOUNT_SID } from './twilio-sids';

export interface TwilioCaller {
  /** The API client (the API_KEYS name) that owns the services and verifications. */
  clientId: string;
  /** The Account SID the caller authenticated with, echoed as `account_sid`. */
  accountSid: string;
}

type TwilioRequest = FastifyRequest & { twilioCaller?: TwilioCaller };

const authenticate = () => new TwilioError(401, TWILIO_CODES.authenticate, 'Authenticate');

/**
 * Twilio's HTTP Basic authentication (https://www.twilio.com/docs/usage/requests-to-twilio): the username is an
 * Account SID (`AC` + 32 hex digits), the password one of our API keys, checked as the Bearer keys of /v1 are.
 * Anything else is 401 with Twilio's code 20003.
 */
@Injectable()
export class TwilioAuthGuard implements CanActivate {
  constructor(private readonly apiKeys: ApiKeyGuard) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<TwilioRequest>();
    const match = /^Basic ([A-Za-z0-9+/=]{1,1024})$/.exec(request.headers.authorization ?? '');
    if (!match) throw authenticate();
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const [accountSid, apiKey] = [decoded.slice(0, colon), decoded.slice(colon + 1)];
    if (colon < 0 || !ACCOUNT_SID.test(accountSid) || !/^[\x21-\x7e]{1,256}$/.test(apiKey))
      throw authenticate();
    const clientId = this.apiKeys.clientFor(apiKey);
    if (!clientId) throw authenticate();
    request.twilioCaller = { clientId, accountSid };
    return true;
  }
}

/** The caller TwilioAuthGuard authenticated. */
export const Caller = createParamDecorator((_: unknown, context: ExecutionContext): TwilioCaller => {
  const caller = context.switchToHttp().getRequest<TwilioRequest>().twilioCaller;
  if (!caller) throw authenticate();
  return caller;
});
