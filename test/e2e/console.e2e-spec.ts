import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AddressInfo } from 'node:net';
import { Browser, chromium, Page } from 'playwright-core';
import { DEFAULT_CONFIGURATION_ID, NotifyEmulator } from '@app/notify-emulator';
import { deletePrefix, uniquePrefix } from '../support/redis';
import { AWS_MODE_API_KEY, RunningService, startService, withAwsModeApp } from '../support/service';

/** Debian's Chromium (`apt-get install chromium`; .ci/run installs it), or CHROMIUM_PATH. */
function chromiumPath(): string {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  try {
    return execFileSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], {
      encoding: 'utf8',
    }).trim();
  } catch {
    throw new Error('Chromium is not installed: apt-get install -y chromium (or set CHROMIUM_PATH)');
  }
}

const ARTIFACTS = join(__dirname, '..', 'artifacts');
const PHONE = { width: 375, height: 812 };
const DESKTOP = { width: 1400, height: 900 };

jest.setTimeout(90_000);

describe('the console at /console, driven in Chromium as a person would', () => {
  let svc: RunningService;
  let browser: Browser;
  let base: string;
  /** Every request the page makes, to prove it talks to this service only, and to /v1 and /sandbox for data. */
  const requested: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    svc = await startService({}, 'console');
    await svc.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(svc.app.getHttpServer().address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox'] });
  });
  afterAll(async () => {
    await browser?.close();
    await svc?.close();
  });

  async function openConsole(viewport: { width: number; height: number }): Promise<Page> {
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    page.on('request', (request) => requested.push(request.url()));
    await page.goto(`${base}/console`);
    return page;
  }

  async function signIn(page: Page, shot: string): Promise<void> {
    const key = page.getByLabel('API key');
    expect(await key.inputValue()).toBe('sandbox'); // prefilled in sandbox mode
    await page.screenshot({ path: join(ARTIFACTS, shot), fullPage: true });
    await page.getByRole('button', { name: 'Use this key' }).click();
    await page.getByRole('tab', { name: 'Test' }).waitFor();
  }

  /** Nothing sticks out sideways: the page fits the viewport's width. */
  async function expectNoSidewaysScroll(page: Page): Promise<void> {
    // A string, evaluated in the page: this file is compiled without the DOM's types.
    const [scrollWidth, innerWidth] = (await page.evaluate(
      '[document.documentElement.scrollWidth, window.innerWidth]',
    )) as [number, number];
    expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
  }

  it('on a phone: enter the key, send a code, read it in the inbox, type it, check, see approved', async () => {
    const page = await openConsole(PHONE);
    await signIn(page, 'phone-1-key.png');
    // The template list comes from GET /v1/templates.
    await page
      .getByLabel('Template')
      .locator('option', { hasText: 'spanish' })
      .waitFor({ state: 'attached' });

    // A bad number first: the problem's detail is shown.
    await page.getByLabel('Phone number').fill('+1206');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByRole('alert').filter({ hasText: 'not a valid phone number' }).waitFor();

    const to = '+12065557101';
    await page.getByLabel('Phone number').fill(to);
    await page.getByLabel('Channel').selectOption('sms');
    await expectNoSidewaysScroll(page);
    await page.screenshot({ path: join(ARTIFACTS, 'phone-2-test.png'), fullPage: true });
    await page.getByRole('button', { name: 'Send' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: 'Verification started: the code is on its way.' })
      .waitFor();
    await page.locator('.status[data-status="pending"]').first().waitFor();

    await page.getByRole('tab', { name: 'Inbox' }).click();
    const body = page.locator('ul.inbox li', { hasText: to }).first().locator('.body');
    await body.waitFor();
    const code = /code is (\d{6})\./.exec(await body.innerText())?.[1];
    expect(code).toMatch(/^\d{6}$/);
    await expectNoSidewaysScroll(page);
    await page.screenshot({ path: join(ARTIFACTS, 'phone-3-inbox.png'), fullPage: true });

    await page.getByRole('tab', { name: 'Verification' }).click();
    await page.getByLabel('Code').fill(code!);
    await page.getByRole('button', { name: 'Check' }).click();
    await page.getByRole('status').filter({ hasText: 'the code is right' }).waitFor();
    await page.locator('h2 + p .status[data-status="approved"]').waitFor();
    expect(await page.getByText('Status:').innerText()).toContain('approved');
    await expectNoSidewaysScroll(page);
    await page.screenshot({ path: join(ARTIFACTS, 'phone-4-approved.png'), fullPage: true });
    await page.context().close();
  });

  it('on a desktop: an undeliverable SMS, played in the sandbox, shows the voice fallback in the timeline', async () => {
    const page = await openConsole(DESKTOP);
    await signIn(page, 'desktop-1-key.png');
    await page.getByLabel('Phone number').fill('+12065557102');
    await page.screenshot({ path: join(ARTIFACTS, 'desktop-2-test.png'), fullPage: true });
    await page.getByRole('button', { name: 'Send' }).click(); // channel auto: SMS first
    await page.getByText('SMS sent').waitFor();

    await page.getByLabel(/Delivery event for the SMS/).selectOption('TEXT_UNREACHABLE');
    await page.getByRole('button', { name: 'Play event' }).click();
    const timeline = page.getByRole('region', { name: 'Timeline' });
    await timeline.getByText('SMS failed').waitFor();
    await timeline.getByText('Call placed (voice fallback)').waitFor();
    await expectNoSidewaysScroll(page);
    await page.screenshot({ path: join(ARTIFACTS, 'desktop-3-fallback.png'), fullPage: true });

    await page.getByRole('tab', { name: 'Inbox' }).click();
    await page.locator('ul.inbox li', { hasText: 'Call to +12065557102' }).first().waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'desktop-4-inbox.png'), fullPage: true });

    await page.getByRole('tab', { name: 'Verification' }).click();
    await page.getByRole('button', { name: 'Cancel verification' }).click();
    await page.locator('h2 + p .status[data-status="canceled"]').waitFor();
    await page.context().close();

    const hosts = new Set(requested.map((url) => new URL(url).origin));
    expect([...hosts]).toEqual([base]);
    const data = requested.map((url) => new URL(url).pathname).filter((path) => !path.startsWith('/console'));
    expect(data.every((path) => path.startsWith('/v1/') || path.startsWith('/sandbox/'))).toBe(true);
  });
});

describe('the console page over HTTP', () => {
  let svc: RunningService;
  beforeAll(async () => {
    svc = await startService({}, 'console-http');
  });
  afterAll(() => svc.close());

  it('is reached from /, offers the sandbox key in sandbox mode, and may load nothing from another host', async () => {
    const root = await svc.http.get('/');
    expect(root.status).toBe(302);
    expect(root.headers.location).toBe('/console/');
    const page = await svc.http.get('/console/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('<meta name="notify-otp-mode" content="sandbox" />');
    expect(page.text).toContain('<meta name="notify-otp-sandbox-key" content="sandbox" />');
    const csp = page.headers['content-security-policy'];
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toMatch(/script-src 'self' 'sha256-[A-Za-z0-9+/]+=*'(;|$)/);
  });

  it('serves its five files and nothing else under /console/', async () => {
    for (const file of ['app.js', 'preact.mjs', 'hooks.mjs', 'htm.mjs']) {
      const res = await svc.http.get(`/console/${file}`);
      expect([file, res.status, res.headers['content-type']]).toEqual([
        file,
        200,
        expect.stringMatching(/javascript/),
      ]);
    }
    expect((await svc.http.get('/console/style.css')).headers['content-type']).toMatch(/^text\/css/);
    for (const other of ['index.html', 'preact.mjs.map', 'htm.umd.js', '../package.json']) {
      expect([other, (await svc.http.get(`/console/${other}`)).status]).toEqual([other, 404]);
    }
  });

  it('a request without a key, as a browser makes it, says which key to use and where the console is', async () => {
    const res = await svc.http.get('/sandbox/messages');
    expect(res.status).toBe(401);
    expect(res.body.detail).toContain('the key is "sandbox"');
    expect(res.body.detail).toContain('/console');
  });

  it('in AWS mode with API_KEYS: no key offered, no hint about it', async () => {
    const emulator = new NotifyEmulator();
    await emulator.listen();
    const prefix = uniquePrefix('console-aws');
    try {
      await withAwsModeApp(emulator, DEFAULT_CONFIGURATION_ID, prefix, {}, async (http) => {
        const page = await http.get('/console/');
        expect(page.text).toContain('<meta name="notify-otp-mode" content="aws" />');
        expect(page.text).toContain('<meta name="notify-otp-sandbox-key" content="" />');
        const refused = await http.get('/v1/templates');
        expect(refused.status).toBe(401);
        expect(refused.body.detail).not.toContain('sandbox');
        const templates = await http
          .get('/v1/templates')
          .set({ Authorization: `Bearer ${AWS_MODE_API_KEY}` });
        expect(templates.status).toBe(200);
        expect(templates.body.templates.length).toBeGreaterThan(0);
      });
    } finally {
      await emulator.close();
      await deletePrefix(prefix);
    }
  });
});
