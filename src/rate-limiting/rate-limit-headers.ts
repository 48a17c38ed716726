import { Quota } from './rate-limits';

/**
 * The quota that RateLimit-* headers report when several policies counted a request: the one closest to its limit
 * (the smallest share left), then the one with fewer left, then the one that resets later.
 */
export function closestToLimit(quotas: Quota[]): Quota | undefined {
  let best: Quota | undefined;
  for (const quota of quotas) {
    if (!best || closer(quota, best)) best = quota;
  }
  return best;
}

function closer(a: Quota, b: Quota): boolean {
  const shareA = a.remaining / a.limit;
  const shareB = b.remaining / b.limit;
  if (shareA !== shareB) return shareA < shareB;
  if (a.remaining !== b.remaining) return a.remaining < b.remaining;
  return a.resetSeconds > b.resetSeconds;
}

/** `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset` (delta seconds), as the IETF draft first named them. */
export function rateLimitHeaders(quota: Quota): Record<string, string> {
  return {
    'RateLimit-Limit': String(quota.limit),
    'RateLimit-Remaining': String(quota.remaining),
    'RateLimit-Reset': String(quota.resetSeconds),
  };
}
