import { createHash } from 'node:crypto';

/** Two API clients, acme and globex, each with the key `<name>-key`: the `API_KEYS` value that configures them. */
export const TWO_CLIENTS_API_KEYS = ['acme', 'globex']
  .map((name) => `${name}:${createHash('sha256').update(`${name}-key`).digest('hex')}`)
  .join(',');

/** The Authorization header of one of the two clients. */
export const as = (name: 'acme' | 'globex') => ({ Authorization: `Bearer ${name}-key` });

/** A code that is not `code`: its last digit moved by one. */
export const wrongCodeFor = (code: string) => code.replace(/\d$/, (d) => String((Number(d) + 1) % 10));
