import { closestToLimit, rateLimitHeaders } from './rate-limit-headers';

describe(closestToLimit.name, () => {
  const quota = (policy: string, limit: number, remaining: number, resetSeconds = 60) => ({
    policy,
    limit,
    remaining,
    resetSeconds,
  });

  it('picks the smallest share left, then the fewest left, then the latest reset', () => {
    expect(closestToLimit([quota('a', 300, 299), quota('b', 5, 4), quota('c', 20, 19)])?.policy).toBe('b');
    expect(closestToLimit([quota('a', 10, 5), quota('b', 2, 1)])?.policy).toBe('b');
    expect(closestToLimit([quota('a', 4, 2, 60), quota('b', 4, 2, 900)])?.policy).toBe('b');
    expect(closestToLimit([])).toBeUndefined();
  });
});

describe(rateLimitHeaders.name, () => {
  it('writes limit, remaining and reset seconds', () => {
    expect(rateLimitHeaders({ policy: 'x', limit: 5, remaining: 4, resetSeconds: 900 })).toEqual({
      'RateLimit-Limit': '5',
      'RateLimit-Remaining': '4',
      'RateLimit-Reset': '900',
    });
  });
});
