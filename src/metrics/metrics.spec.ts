import { VerificationRecord } from '../core/verification';
import { Metrics } from './metrics';

function record(overrides: Partial<VerificationRecord> = {}): VerificationRecord {
  return {
    id: 'VE1',
    clientId: 'acme',
    to: '+12065550100',
    country: 'US',
    purpose: 'default',
    channel: 'auto',
    status: 'pending',
    locale: 'en',
    createdAt: 0,
    expiresAt: 600_000,
    attempts: 0,
    failures: 0,
    maxAttempts: 5,
    codeVersion: 2,
    messageId: 'm2',
    sends: [
      { channel: 'sms', messageId: 'm1', sentAt: '1970-01-01T00:00:00.000Z' },
      { channel: 'voice', messageId: 'm2', sentAt: '1970-01-01T00:00:30.000Z' },
    ],
    sendCount: 2,
    lastSendAt: 30_000,
    ...overrides,
  };
}

async function values(metrics: Metrics, name: string) {
  const metric = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === name);
  return metric?.values.map(({ labels, value }) => ({ labels, value })) ?? [];
}

describe(Metrics.name, () => {
  it('derives the rate-limit policy from the problem code: every 429, and the limits that are not 429s', async () => {
    const metrics = new Metrics();
    metrics.problem(429, 'rate_limited_ip');
    metrics.problem(429, 'rate_limited_ip');
    metrics.problem(429, 'resend_too_soon');
    metrics.problem(429, 'prefix_blocked');
    metrics.problem(503, 'notify_capacity');
    metrics.problem(503, 'notify_unavailable');
    metrics.problem(400, 'invalid_request');

    expect(await values(metrics, 'otp_rate_limit_refusals_total')).toEqual([
      { labels: { policy: 'ip' }, value: 2 },
      { labels: { policy: 'resend_too_soon' }, value: 1 },
      { labels: { policy: 'prefix_blocked' }, value: 1 },
      { labels: { policy: 'notify_capacity' }, value: 1 },
    ]);
    expect(await values(metrics, 'otp_problems_total')).toContainEqual({
      labels: { status: '400', code: 'invalid_request' },
      value: 1,
    });
  });

  it('labels a verification by the channel of its latest send and its country, never more', async () => {
    const metrics = new Metrics();
    metrics.checked({ type: 'verification.checked', result: 'approved', verification: record() });
    const replacing = record({ country: '', sends: [record().sends[0]] });
    metrics.started({ type: 'verification.started', verification: replacing });
    metrics.replaced({ type: 'verification.replaced', verification: replacing, replacedId: 'VE0' });

    expect(await values(metrics, 'otp_verifications_total')).toEqual([
      { labels: { event: 'approved', channel: 'voice', country: 'US' }, value: 1 },
      { labels: { event: 'started', channel: 'sms', country: 'unknown' }, value: 1 },
      { labels: { event: 'replaced', channel: 'sms', country: 'unknown' }, value: 1 },
    ]);
  });

  it('reads the outbox depth at each scrape, and keeps the last value when the source fails', async () => {
    const metrics = new Metrics();
    expect(await values(metrics, 'otp_outbox_depth')).toEqual([{ labels: {}, value: 0 }]);
    metrics.setOutboxDepthSource(async () => 7);
    expect(await values(metrics, 'otp_outbox_depth')).toEqual([{ labels: {}, value: 7 }]);
    metrics.setOutboxDepthSource(async () => {
      throw new Error('Connection is closed.');
    });
    expect(await values(metrics, 'otp_outbox_depth')).toEqual([{ labels: {}, value: 7 }]);
  });
});
