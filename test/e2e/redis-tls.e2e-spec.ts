import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../src/app.factory';
import { localCertificate } from '../support/certificate';
import { eventually, freePort } from '../support/redis-process';
import { auth, codeIn, latestMessage, startService } from '../support/service';

/**
 * Redis as ElastiCache with in-transit encryption and RBAC serves it: TLS only (no plain port), the default user
 * off, one ACL user. The service reaches it with a rediss:// URL, REDIS_TLS_CA_FILE, REDIS_USERNAME and
 * REDIS_PASSWORD.
 */
describe('Redis over TLS with an ACL user (REDIS_TLS_CA_FILE, REDIS_USERNAME, REDIS_PASSWORD)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'otp-tls-'));
  const caFile = join(dir, 'ca.pem');
  let port: number;
  let child: ChildProcess;
  const credentials = { REDIS_USERNAME: 'otp-service', REDIS_PASSWORD: 'tls-acl-password-0123456789' };

  beforeAll(async () => {
    const { key, cert } = localCertificate();
    writeFileSync(join(dir, 'key.pem'), key);
    writeFileSync(caFile, cert);
    port = await freePort();
    child = spawn(
      'redis-server',
      [
        '--port',
        '0',
        '--tls-port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--tls-cert-file',
        caFile,
        '--tls-key-file',
        join(dir, 'key.pem'),
        '--tls-ca-cert-file',
        caFile,
        '--tls-auth-clients',
        'no',
        '--save',
        '',
        '--appendonly',
        'no',
        '--user',
        'default',
        'off',
        '--user',
        credentials.REDIS_USERNAME,
        'on',
        `>${credentials.REDIS_PASSWORD}`,
        '~*',
        '&*',
        '+@all',
      ],
      { stdio: 'ignore' },
    );
    await eventually(
      async () =>
        new Promise<boolean>((resolve) => {
          const socket = connect(port, '127.0.0.1', () => {
            socket.destroy();
            resolve(true);
          });
          socket.on('error', () => resolve(false));
        }),
      10_000,
      `redis-server with TLS on ${port}`,
    );
  });
  afterAll(async () => {
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  });

  const url = () => `rediss://127.0.0.1:${port}`;

  it('serves the whole flow over TLS, authenticated as the ACL user', async () => {
    const svc = await startService(
      { REDIS_URL: url(), REDIS_TLS_CA_FILE: caFile, ...credentials },
      'redis-tls',
    );
    try {
      expect((await svc.http.get('/health/ready')).status).toBe(200);
      const to = '+12065558200';
      const created = await svc.http.post('/v1/verifications').set(auth).send({ to, channel: 'sms' });
      expect(created.status).toBe(201);
      const check = await svc.http
        .post(`/v1/verifications/${created.body.id}/check`)
        .set(auth)
        .send({ code: codeIn(latestMessage(svc.emulator, to)) });
      expect(check.body).toMatchObject({ valid: true, status: 'approved' });
    } finally {
      await svc.close();
    }
  });

  const boot = (env: Record<string, string>) =>
    createApp({
      NODE_ENV: 'test',
      REDIS_URL: url(),
      OTP_HASH_SECRET: 'x'.repeat(32),
      NOTIFY_CONFIGURATION_ID: 'otp-config',
      NOTIFY_ENDPOINT: 'http://127.0.0.1:9',
      LOG_LEVEL: 'silent',
      ...env,
    });

  it("refuses to start when the server's certificate is not trusted (no REDIS_TLS_CA_FILE)", async () => {
    await expect(boot(credentials)).rejects.toThrow(/unreachable at startup \(.*self.signed certificate/);
  });

  it('refuses to start with a wrong password, naming neither it nor the right one', async () => {
    const boot2 = boot({
      REDIS_TLS_CA_FILE: caFile,
      REDIS_USERNAME: 'otp-service',
      REDIS_PASSWORD: 'wrong-password',
    });
    await expect(boot2).rejects.toThrow(/unreachable at startup \(WRONGPASS/);
    await boot2.catch((error: Error) => expect(error.message).not.toContain('wrong-password'));
  });
});
