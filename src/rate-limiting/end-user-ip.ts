import { isIP } from 'node:net';
import { InvalidRequest } from '../common/domain-error';

export const END_USER_IP_HEADER = 'X-End-User-IP';

/**
 * The end user's IP address, which the app backend passes on in `X-End-User-IP` (the socket address is the
 * backend's). Absent: undefined, and the per-IP policy does not apply. Anything but one IPv4 or IPv6 address is the
 * caller's mistake (400). IPv4-mapped IPv6 addresses count as the IPv4 address; IPv6 addresses come back expanded.
 */
export function parseEndUserIp(value: string | string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  const raw = typeof value === 'string' ? value.trim() : '';
  const version = raw.includes('%') ? 0 : isIP(raw);
  if (version === 4) return raw;
  if (version === 6) {
    const groups = ipv6Groups(raw);
    const mapped = groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
    if (mapped) return [groups[6] >> 8, groups[6] & 0xff, groups[7] >> 8, groups[7] & 0xff].join('.');
    return groups.map((g) => g.toString(16)).join(':');
  }
  const message = `${END_USER_IP_HEADER} must be one IPv4 or IPv6 address`;
  throw new InvalidRequest(message, [{ field: END_USER_IP_HEADER, message }]);
}

/**
 * What the per-IP policy counts: an IPv4 address, or an IPv6 /64 (one subscriber's network: rotating addresses
 * inside it must not buy more starts). Takes what parseEndUserIp returned.
 */
export function ipNetwork(ip: string): string {
  if (!ip.includes(':')) return ip;
  return `${ip.split(':').slice(0, 4).join(':')}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address (isIP said so), with `::` and a dotted IPv4 tail expanded. */
function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase();
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number);
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = tail === undefined ? [] : tail ? tail.split(':') : [];
  const zeros = tail === undefined ? 0 : 8 - left.length - right.length;
  return [...left, ...Array<string>(zeros).fill('0'), ...right].map((g) => parseInt(g, 16));
}
