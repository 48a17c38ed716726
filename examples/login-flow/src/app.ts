import { randomBytes, randomUUID } from 'node:crypto';
import cookie from '@fastify/cookie';
import Fastify, { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  CheckResult,
  OtpApiError,
  OtpClient,
  OtpWebhookEvent,
  Verification,
  verifyWebhook,
  WebhookVerificationError,
} from '@notify-otp/client';

/**
 * An app backend that signs users up and logs them in with a code sent to their phone, talking to the OTP service
 * only through @notify-otp/client. Users, sessions and flows live in memory: a real app keeps them in its database.
 */
export interface LoginFlowOptions {
  otp: OtpClient;
  /** Signs the session cookie. */
  sessionSecret: string;
  /** The `whsec_…` secret of this app's entry in the service's WEBHOOKS; without it no webhook route. */
  webhookSecret?: string;
  logger?: boolean;
}

export interface User {
  id: string;
  phone: string;
  name: string;
  createdAt: string;
}

/** One sign-up or login in progress: which verification it waits on. The browser only ever sees `flowId`. */
interface Flow {
  id: string;
  purpose: 'signup' | 'login';
  phone: string;
  name?: string;
  verificationId: string;
  /** Something the webhooks told us that the user should know (the automatic call, an expiry). */
  notice?: string;
}

export interface LoginFlowState {
  users: Map<string, User>;
  flows: Map<string, Flow>;
  sessions: Map<string, string>;
  webhookEvents: OtpWebhookEvent[];
}

const SESSION_COOKIE = 'sid';

/** Loose input: "+1 (206) 555-0100" is "+12065550100"; the service validates the rest. */
function normalise(phone: unknown): string {
  return typeof phone === 'string' ? phone.replace(/[\s().-]/g, '') : '';
}

class UserFacingError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

function minutes(seconds: number | undefined): string {
  const m = Math.max(1, Math.ceil((seconds ?? 60) / 60));
  return m === 1 ? 'a minute' : `${m} minutes`;
}

/** What an end user is told for each of the service's error codes. Never the raw detail: it is for developers. */
export function messageFor(error: OtpApiError): UserFacingError {
  const wait = error.retryAfter;
  switch (error.code) {
    case 'invalid_phone_number':
      return new UserFacingError(400, 'Enter your phone number with its country code, e.g. +1 206 555 0100.');
    case 'country_not_allowed':
      return new UserFacingError(400, 'We cannot send codes to numbers in this country yet.');
    case 'channel_not_available':
      return new UserFacingError(400, 'We cannot call this number; ask for a text message instead.');
    case 'invalid_request':
      return error.fieldError('code')
        ? new UserFacingError(400, 'Enter the code you received, digits only.')
        : new UserFacingError(400, 'Check what you entered and try again.');
    case 'resend_too_soon':
      return new UserFacingError(429, `Wait ${wait ?? 30} seconds before asking for another code.`, wait);
    case 'max_sends_reached':
      return new UserFacingError(
        429,
        'We have sent as many codes as we can for this attempt. Start again later.',
      );
    case 'rate_limited_destination':
    case 'rate_limited_ip':
    case 'rate_limited_api_key':
    case 'rate_limited_prefix':
    case 'prefix_blocked':
    case 'destination_daily_limit':
      return new UserFacingError(429, `Too many codes were asked for. Try again in ${minutes(wait)}.`, wait);
    case 'verification_not_found':
    case 'verification_not_pending':
      return new UserFacingError(410, 'This code request has ended. Ask for a new code.');
    default:
      return error.status === 0 || error.status >= 500
        ? new UserFacingError(503, 'We cannot send codes right now. Try again in a minute.', wait ?? 60)
        : new UserFacingError(500, 'Something went wrong on our side. Try again.');
  }
}

function checkRefusal(result: CheckResult): UserFacingError {
  switch (result.status) {
    case 'pending':
      return result.attemptsRemaining > 0
        ? new UserFacingError(
            400,
            `That code is not right. ${result.attemptsRemaining} attempt${result.attemptsRemaining === 1 ? '' : 's'} left.`,
          )
        : new UserFacingError(429, 'Too many wrong codes for this number. Try again tomorrow.');
    case 'failed':
      return new UserFacingError(429, 'Too many wrong codes. Ask for a new code to try again.');
    case 'expired':
      return new UserFacingError(410, 'This code has expired. Ask for a new one.');
    case 'canceled':
      return new UserFacingError(410, 'A newer code replaced this one. Use the latest code we sent.');
    default:
      return new UserFacingError(410, 'This code was used already. Ask for a new one.');
  }
}

function sent(flow: Flow, verification: Verification) {
  const latest = verification.sendAttempts.at(-1);
  const how = latest?.channel === 'voice' ? 'We are calling' : 'We sent a text message to';
  return {
    flowId: flow.id,
    phone: verification.to,
    channel: latest?.channel ?? 'sms',
    message: `${how} ${verification.to} with a code.`,
    /** When "Send again" may be pressed: the UI shows a countdown until then. */
    nextResendAt: verification.nextResendAt,
  };
}

export function buildLoginFlow(options: LoginFlowOptions): { app: FastifyInstance; state: LoginFlowState } {
  const { otp } = options;
  const state: LoginFlowState = {
    users: new Map(),
    flows: new Map(),
    sessions: new Map(),
    webhookEvents: [],
  };
  const app = Fastify({ logger: options.logger ?? false });
  void app.register(cookie, { secret: options.sessionSecret });

  app.setErrorHandler((error, _request, reply) => {
    const known =
      error instanceof OtpApiError ? messageFor(error) : error instanceof UserFacingError ? error : null;
    if (!known) {
      const status = (error as { statusCode?: number }).statusCode;
      if (status && status < 500)
        return reply.code(status).send({ error: 'Check what you entered and try again.' });
      app.log.error(error);
      return reply.code(500).send({ error: 'Something went wrong on our side. Try again.' });
    }
    if (known.retryAfter !== undefined) void reply.header('Retry-After', String(known.retryAfter));
    return reply.code(known.status).send({ error: known.message });
  });

  const flowOf = (body: unknown, purpose: Flow['purpose']): Flow => {
    const flowId = (body as { flowId?: unknown } | undefined)?.flowId;
    const flow = typeof flowId === 'string' ? state.flows.get(flowId) : undefined;
    if (!flow || flow.purpose !== purpose)
      throw new UserFacingError(410, 'This code request has ended. Start again.');
    return flow;
  };

  const startFlow = async (
    request: FastifyRequest,
    purpose: Flow['purpose'],
    phone: string,
    name?: string,
  ) => {
    const verification = await otp.start(
      { to: phone, purpose, channel: 'auto' },
      // Keeps the service's per-IP limit about the end user, not about this backend.
      { endUserIp: request.ip },
    );
    const flow: Flow = {
      id: randomUUID(),
      purpose,
      phone: verification.to,
      name,
      verificationId: verification.id,
    };
    state.flows.set(flow.id, flow);
    return sent(flow, verification);
  };

  const checkFlow = async (flow: Flow, code: unknown): Promise<void> => {
    if (typeof code !== 'string' || !/^\d{4,10}$/.test(code.trim())) {
      throw new UserFacingError(400, 'Enter the code you received, digits only.');
    }
    const result = await otp.check(flow.verificationId, code.trim());
    if (result.valid) {
      state.flows.delete(flow.id);
      return;
    }
    if (result.status !== 'pending') state.flows.delete(flow.id);
    throw checkRefusal(result);
  };

  const openSession = (reply: FastifyReply, user: User) => {
    const sessionId = randomBytes(24).toString('base64url');
    state.sessions.set(sessionId, user.id);
    void reply.setCookie(SESSION_COOKIE, sessionId, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      signed: true,
      secure: 'auto',
      maxAge: 7 * 24 * 3600,
    });
  };

  const currentUser = (request: FastifyRequest): User | undefined => {
    const raw = request.cookies[SESSION_COOKIE];
    const unsigned = raw ? request.unsignCookie(raw) : undefined;
    const userId = unsigned?.valid && unsigned.value ? state.sessions.get(unsigned.value) : undefined;
    return [...state.users.values()].find((u) => u.id === userId);
  };

  // Sign-up: the phone number, then the code, then the account.
  app.post('/signup', async (request, reply) => {
    const { phone, name } = (request.body ?? {}) as { phone?: unknown; name?: unknown };
    const to = normalise(phone);
    if (!to) throw new UserFacingError(400, 'Enter your phone number.');
    if (state.users.has(to))
      throw new UserFacingError(409, 'This number already has an account. Log in instead.');
    const displayName = typeof name === 'string' && name.trim() ? name.trim().slice(0, 80) : 'New user';
    return reply.code(202).send(await startFlow(request, 'signup', to, displayName));
  });

  app.post('/signup/verify', async (request, reply) => {
    const flow = flowOf(request.body, 'signup');
    await checkFlow(flow, (request.body as { code?: unknown }).code);
    if (state.users.has(flow.phone))
      throw new UserFacingError(409, 'This number already has an account. Log in.');
    const user: User = {
      id: randomUUID(),
      phone: flow.phone,
      name: flow.name ?? 'New user',
      createdAt: new Date().toISOString(),
    };
    state.users.set(user.phone, user);
    openSession(reply, user);
    return reply.code(201).send({ user });
  });

  // Login: the phone number, then the code, then a session cookie.
  app.post('/login', async (request, reply) => {
    const to = normalise((request.body as { phone?: unknown } | undefined)?.phone);
    if (!to) throw new UserFacingError(400, 'Enter your phone number.');
    if (!state.users.has(to)) throw new UserFacingError(404, 'No account uses this number. Sign up first.');
    return reply.code(202).send(await startFlow(request, 'login', to));
  });

  app.post('/login/verify', async (request, reply) => {
    const flow = flowOf(request.body, 'login');
    await checkFlow(flow, (request.body as { code?: unknown }).code);
    const user = state.users.get(flow.phone);
    if (!user) throw new UserFacingError(410, 'This account no longer exists.');
    openSession(reply, user);
    return { user };
  });

  // "Send again" (after the cooldown) and "Call me instead" (the voice fallback a user asks for).
  app.post('/resend', async (request, reply) => {
    const body = (request.body ?? {}) as { flowId?: unknown; channel?: unknown };
    const flowId = typeof body.flowId === 'string' ? body.flowId : '';
    const flow = state.flows.get(flowId);
    if (!flow) throw new UserFacingError(410, 'This code request has ended. Start again.');
    const channel = body.channel === 'voice' ? 'voice' : body.channel === 'sms' ? 'sms' : undefined;
    const verification = await otp.resend(flow.verificationId, channel ? { channel } : {});
    flow.notice = undefined;
    return reply.code(202).send(sent(flow, verification));
  });

  // What the code screen polls: the verification's delivery, and what the webhooks said.
  app.get('/flows/:flowId', async (request) => {
    const flow = state.flows.get((request.params as { flowId: string }).flowId);
    if (!flow) throw new UserFacingError(410, 'This code request has ended. Start again.');
    const verification = await otp.get(flow.verificationId);
    const latest = verification.sendAttempts.at(-1);
    return {
      flowId: flow.id,
      status: verification.status,
      channel: latest?.channel,
      delivery: latest?.deliveryStatus,
      nextResendAt: verification.nextResendAt,
      notice: flow.notice ?? null,
    };
  });

  app.get('/me', async (request, reply) => {
    const user = currentUser(request);
    if (!user) return reply.code(401).send({ error: 'Log in first.' });
    return { user };
  });

  app.post('/logout', async (request, reply) => {
    const raw = request.cookies[SESSION_COOKIE];
    const unsigned = raw ? request.unsignCookie(raw) : undefined;
    if (unsigned?.valid && unsigned.value) state.sessions.delete(unsigned.value);
    void reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.code(204).send();
  });

  if (options.webhookSecret) {
    const secret = options.webhookSecret;
    const seen = new Set<string>();
    void app.register(async (hooks) => {
      // The signature covers the exact bytes: keep the body as a string instead of parsing it.
      hooks.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) =>
        done(null, body),
      );
      hooks.post('/webhooks/otp', async (request, reply) => {
        let event: OtpWebhookEvent;
        try {
          event = verifyWebhook(request.body as string, request.headers, secret);
        } catch (error) {
          if (error instanceof WebhookVerificationError)
            return reply.code(400).send({ error: 'Bad signature.' });
          throw error;
        }
        // Delivered at least once: the same webhook-id may come again.
        const webhookId = String(request.headers['webhook-id']);
        if (seen.has(webhookId)) return reply.code(204).send();
        seen.add(webhookId);
        state.webhookEvents.push(event);
        const flow = [...state.flows.values()].find((f) => f.verificationId === event.data.id);
        if (flow && event.type === 'verification.delivery_failed') {
          flow.notice = event.data.voiceFallback
            ? 'We could not deliver the text message, so we are calling you with a new code.'
            : 'We could not deliver the code. Check the number, or ask us to call you.';
        } else if (flow && event.type === 'verification.expired') {
          flow.notice = 'The code expired. Ask for a new one.';
        }
        return reply.code(204).send();
      });
    });
  }

  return { app, state };
}
