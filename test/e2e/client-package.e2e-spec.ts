import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { listen } from '../support/listening';
import { RunningService, startService } from '../support/service';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');
const CLIENT = join(ROOT, 'libs', 'client');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
/** Each step is bounded, so a stuck registry or build fails the test instead of hanging it. */
const STEP = { timeout: 90_000, maxBuffer: 16 * 1024 * 1024 };

/**
 * The client as a user gets it: `npm pack` (which builds it), a real `npm install` of the tarball into a fresh
 * project, a type-check of an ESM and a CommonJS program against its declarations, and both programs run against
 * the service in sandbox mode.
 */
describe('@notify-otp/client, packed and installed into a fresh project', () => {
  let svc: RunningService;
  let baseUrl: string;
  let work: string;

  beforeAll(async () => {
    svc = await startService({}, 'client-package');
    baseUrl = await listen(svc);
    work = mkdtempSync(join(tmpdir(), 'otp-client-pack-'));
  });

  afterAll(async () => {
    await svc?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('builds to ESM and CJS with declarations, installs from its tarball, type-checks and runs both', async () => {
    await run('npm', ['pack', '--pack-destination', work, '--silent'], { ...STEP, cwd: CLIENT });
    const [tarball] = readdirSync(work).filter((f) => f.endsWith('.tgz'));
    expect(tarball).toMatch(/^notify-otp-client-\d+\.\d+\.\d+\.tgz$/);
    const { stdout: listing } = await run('tar', ['-tzf', join(work, tarball)], STEP);
    expect(listing.split('\n').filter(Boolean).sort()).toEqual(
      expect.arrayContaining([
        'package/package.json',
        'package/dist/index.mjs',
        'package/dist/index.cjs',
        'package/dist/index.d.mts',
        'package/dist/index.d.cts',
      ]),
    );
    expect(listing).not.toMatch(/\.spec\.|src\//);

    const project = join(work, 'app');
    await run('mkdir', ['-p', project]);
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'smoke', private: true, version: '0.0.0' }),
    );
    await run(
      'npm',
      ['install', '--no-audit', '--no-fund', '--prefer-offline', '--save-exact', join(work, tarball)],
      { ...STEP, cwd: project },
    );
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          target: 'ES2022',
          lib: ['ES2022', 'DOM'],
          types: [],
          strict: true,
          skipLibCheck: true,
          outDir: 'out',
        },
        files: ['smoke.mts', 'smoke.cts'],
      }),
    );
    copyFileSync(join(__dirname, 'client-package', 'smoke.ts'), join(project, 'smoke.mts'));
    copyFileSync(join(__dirname, 'client-package', 'smoke.ts'), join(project, 'smoke.cts'));
    await run('node', [TSC, '-p', 'tsconfig.json'], { ...STEP, cwd: project });

    for (const [file, format, to] of [
      ['smoke.mjs', 'esm', '+12065550151'],
      ['smoke.cjs', 'cjs', '+12065550152'],
    ]) {
      const { stdout } = await run('node', [join('out', file), baseUrl, format, to], {
        ...STEP,
        cwd: project,
      });
      expect(JSON.parse(stdout)).toEqual({
        format,
        started: { status: 'pending', to, sends: 1 },
        wrong: { id: expect.stringMatching(/^VE/), valid: false, status: 'pending', attemptsRemaining: 4 },
        resendTooSoon: { status: 429, code: 'resend_too_soon', retryAfter: expect.any(Number), errors: [] },
        right: { id: expect.stringMatching(/^VE/), valid: true, status: 'approved', attemptsRemaining: 3 },
        read: 'approved',
        invalidNumber: {
          status: 422,
          code: 'invalid_phone_number',
          errors: [{ field: 'to', message: expect.any(String) }],
        },
        dryRun: { dryRun: true, channel: 'sms', templateId: expect.any(String) },
        byNumber: { valid: false, status: 'pending' },
        notFound: { status: 404, code: 'verification_not_found', errors: [] },
        webhook: { type: 'verification.approved', id: expect.stringMatching(/^VE/) },
      });
    }
  }, 240_000);
});
