import { CanActivate, createParamDecorator, ExecutionContext, Injectable } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { FastifyRequest } from 'fastify';
import { Unauthorized } from '../common/domain-error';
import { Settings } from '../config/settings';

const SANDBOX_KEY = 'sandbox';
type AuthenticatedRequest = FastifyRequest & { clientId?: string };

/**
 * `Authorization: Bearer <key>`. Keys are configured as SHA-256 digests (API_KEYS=name:sha256hex), compared in
 * constant time; the key's name is the API client that owns the verifications it creates.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly keys: { name: string; sha256: Buffer }[];
  /** Where the key `sandbox` is accepted, a refusal says so: no secret, and the next step for a newcomer. */
  private readonly hint: string;

  constructor(settings: Settings) {
    this.keys = [...settings.auth.apiKeys];
    this.hint = settings.auth.sandboxKey
      ? ' No API_KEYS are set, so the key is "sandbox"; in a browser, open /console.'
      : '';
    if (settings.auth.sandboxKey) {
      this.keys.push({ name: SANDBOX_KEY, sha256: createHash('sha256').update(SANDBOX_KEY).digest() });
    }
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const match = /^Bearer ([\x21-\x7e]{1,256})$/.exec(request.headers.authorization ?? '');
    if (!match) throw new Unauthorized(this.hint);
    const owner = this.clientFor(match[1]);
    if (!owner) throw new Unauthorized(this.hint);
    request.clientId = owner;
    return true;
  }

  /** The API client whose key this is, or undefined. Also used by the Twilio surface's Basic auth. */
  clientFor(apiKey: string): string | undefined {
    const digest = createHash('sha256').update(apiKey).digest();
    let owner: string | undefined;
    for (const key of this.keys) if (timingSafeEqual(key.sha256, digest)) owner = key.name;
    return owner;
  }
}

/** The API client that the guard authenticated. */
export const ClientId = createParamDecorator((_: unknown, context: ExecutionContext): string => {
  const clientId = context.switchToHttp().getRequest<AuthenticatedRequest>().clientId;
  if (!clientId) throw new Unauthorized();
  return clientId;
});
