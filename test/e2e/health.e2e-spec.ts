import { RunningService, startService } from '../support/service';

describe('health probes', () => {
  let svc: RunningService;

  beforeAll(async () => {
    svc = await startService({}, 'health');
  });
  afterAll(() => svc.close());

  it('live answers without credentials', async () => {
    const res = await svc.http.get('/health/live');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ok');
  });

  it('ready checks Redis and that the Notify configuration is ACTIVE', async () => {
    const res = await svc.http.get('/health/ready');
    expect(res.status).toBe(200);
    expect(res.body.info).toMatchObject({
      redis: { status: 'up' },
      notify: { status: 'up', tier: 'ADVANCED' },
    });
  });
});
