import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { FastifyRequest } from 'fastify';
import { parseEndUserIp } from '../rate-limiting/end-user-ip';

/** The validated `X-End-User-IP` header, or undefined when absent; anything else is a 400 naming the header. */
export const EndUserIp = createParamDecorator((_: unknown, context: ExecutionContext): string | undefined =>
  parseEndUserIp(context.switchToHttp().getRequest<FastifyRequest>().headers['x-end-user-ip']),
);
