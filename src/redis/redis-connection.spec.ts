import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReplyError } from 'ioredis';
import { toProblem } from '../api/problem.filter';
import { clusterOptions } from './redis-connection';
import { asStoreError } from './store-errors';

describe(clusterOptions.name, () => {
  const base = { keyPrefix: 'otp:', commandTimeoutMs: 700 };

  it('fails fast and bounds redirections, with the per-node options under redisOptions', () => {
    const options = clusterOptions(base);
    expect(options).toMatchObject({
      keyPrefix: 'otp:',
      enableOfflineQueue: false,
      maxRedirections: 16,
      retryDelayOnTryAgain: 100,
      retryDelayOnClusterDown: 100,
      retryDelayOnFailover: 100,
      redisOptions: { commandTimeout: 700, maxRetriesPerRequest: 1 },
    });
    expect(options.redisOptions).not.toHaveProperty('keyPrefix');
    expect(options.redisOptions).not.toHaveProperty('tls');
    expect(options.dnsLookup).toBeUndefined();
  });

  it('with TLS hands host names through unresolved (ElastiCache certificates name hosts) and reads the CA file', () => {
    const caFile = join(mkdtempSync(join(tmpdir(), 'otp-ca-')), 'ca.pem');
    writeFileSync(caFile, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    const options = clusterOptions({
      ...base,
      tls: true,
      tlsCaFile: caFile,
      username: 'otp',
      password: 'pw',
    });
    expect(options.redisOptions).toMatchObject({ username: 'otp', password: 'pw' });
    expect(String(options.redisOptions?.tls?.ca)).toContain('BEGIN CERTIFICATE');
    const resolved: [unknown, string][] = [];
    options.dnsLookup!('clustercfg.otp.abc123.use1.cache.amazonaws.com', (err, address) =>
      resolved.push([err, address]),
    );
    expect(resolved).toEqual([[null, 'clustercfg.otp.abc123.use1.cache.amazonaws.com']]);
  });

  it('names REDIS_TLS_CA_FILE when it cannot be read', () => {
    expect(() => clusterOptions({ ...base, tls: true, tlsCaFile: '/nonexistent/ca.pem' })).toThrow(
      /REDIS_TLS_CA_FILE \/nonexistent\/ca.pem cannot be read/,
    );
  });
});

describe('cluster errors are 503 store_unavailable', () => {
  // What ioredis rejects a command with: Redis's replies as ReplyError, its own failures as plain errors.
  const problemOf = (error: Error) => toProblem(asStoreError(error));

  it.each([
    'MOVED 15822 127.0.0.1:7003',
    'ASK 3999 127.0.0.1:7002',
    'CLUSTERDOWN The cluster is down',
    'TRYAGAIN Multiple keys request during rehashing of slot',
    "READONLY You can't write against a read only replica.",
  ])('the reply %s', (message) => {
    expect(problemOf(new ReplyError(message))).toMatchObject({
      problem: { status: 503, code: 'store_unavailable' },
    });
  });

  it.each([
    'Too many Cluster redirections. Last error: Error: Connection is closed.',
    'Failed to refresh slots cache.',
    'None of startup nodes is available',
    "Cluster isn't ready and enableOfflineQueue options is false",
  ])('the client error %s', (message) => {
    expect(problemOf(new Error(message))).toMatchObject({
      problem: { status: 503, code: 'store_unavailable' },
    });
  });

  it('a MULTI aborted by an outage, but not one aborted by a bug', () => {
    const aborted = (cause: Error) =>
      Object.assign(new ReplyError('EXECABORT Transaction discarded because of previous errors.'), {
        previousErrors: [cause],
      });
    expect(problemOf(aborted(new ReplyError('CLUSTERDOWN The cluster is down'))).problem.code).toBe(
      'store_unavailable',
    );
    expect(
      problemOf(aborted(new ReplyError("ERR wrong number of arguments for 'get' command"))).problem.code,
    ).toBe('internal_error');
  });
});
