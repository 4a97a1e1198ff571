// Issue 10.1: the SMS code page says a code was sent only when one was. A new login sends its first code at once
// (the cool-down belongs to one login); a cap, a cool-down or a failing provider is said as such, with the time
// from which to ask again — also on a reload. With the recording sink and with a local HTTP server as the provider.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { alertText, Browser, type Page } from '../helpers/browser.js';
import { passwordLogin, RelyingParty } from '../helpers/relying-party.js';
import { startTestIdp, type TestIdp } from '../helpers/test-idp.js';
import { FakeSmsProvider } from '../helpers/fake-sms-provider.js';
import { DAY, HOUR, ManualClock, SECOND } from '../../src/shared/clock.js';
import { translate, type MessageKey } from '../../src/i18n/messages.js';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { DeviceClient } from '../../src/ident-client/device-client.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The device simulator (`npm run ident`) as a child process; feeds `input` to its prompt. */
function runCli(url: string, args: string[], input: string): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(ROOT, 'node_modules/.bin/tsx'), ['scripts/ident.ts', ...args], { cwd: ROOT, env: { ...process.env, IDP_URL: url, NODE_OPTIONS: '' }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout }));
    child.stdin.end(input);
  });
}

const MOBILE = '+4915122222205';
const MASKED = '+49 151 ••••• 05'; // as people write it
const de = (key: MessageKey, params?: Record<string, string | number>) => translate('de', key, params);
const en = (key: MessageKey, params?: Record<string, string | number>) => translate('en', key, params);
const intro = (html: string) => /<p class="intro">([^<]*)<\/p>/.exec(html)?.[1]?.replaceAll('&#43;', '+') ?? '';
const SENT = de('sms.intro', { mobile: MASKED });
const PENDING = de('sms.introPending', { mobile: MASKED });

async function smsLogin(idp: TestIdp, rp: RelyingParty, browser = new Browser(), extra: Record<string, string> = {}): Promise<{ browser: Browser; page: Page }> {
  const started = await rp.start(extra);
  const page = await passwordLogin(browser, rp, started, '200005', 'Demo-Passwort-2026');
  expect(page.url).toMatch(/\/sms$/);
  return { browser, page };
}

const submitCode = (browser: Browser, page: Page, code: string, rp: RelyingParty) => browser.submit(page, '/sms', { code }, rp.redirectUri);

describe('SMS code page with the recording sink', () => {
  let idp: TestIdp;
  let rp: RelyingParty;
  const clock = new ManualClock();
  beforeAll(async () => {
    idp = await startTestIdp({ clock });
    rp = await RelyingParty.discover(idp, 'financecloud');
  });
  afterAll(async () => idp.close());
  beforeEach(() => {
    clock.advance(DAY);
    idp.container.smsSink!.clear();
  });
  const codeOf = () => /Login-Code: (\d{6}) /.exec(idp.container.smsSink!.lastTo(MOBILE)!.text)![1]!;

  it('a second login within 30 s (a step-up with acr_values) gets its own code at once and can use it', async () => {
    const first = await smsLogin(idp, rp);
    expect(intro(first.page.html)).toBe(SENT);
    expect(await submitCode(first.browser, first.page, codeOf(), rp)).toMatchObject({ status: 0 });

    clock.advance(5 * SECOND);
    const second = await smsLogin(idp, rp, new Browser(), { acr_values: 'urn:financeident:acr:mfa' });
    expect(second.page.status).toBe(200);
    expect(alertText(second.page.html)).toBeNull();
    expect(intro(second.page.html)).toBe(SENT);
    expect(idp.container.smsSink!.list()).toHaveLength(2);
    expect(await submitCode(second.browser, second.page, codeOf(), rp)).toMatchObject({ status: 0 });
  });

  it('after the hourly cap a new login says no SMS was sent and from when, never "sent" — also on a reload', async () => {
    for (let i = 0; i < 5; i++) await smsLogin(idp, rp);
    expect(idp.container.smsSink!.list()).toHaveLength(5);
    const refused = await smsLogin(idp, rp);
    const nextHour = (Math.floor(clock.now() / HOUR) + 1) * HOUR;
    expect(refused.page.status).toBe(429);
    expect(alertText(refused.page.html)).toBe(de('sms.tooMany', { retryAt: nextHour }));
    expect(intro(refused.page.html)).toBe(PENDING);
    expect(refused.page.html).not.toContain('gesendet.');
    const reload = await refused.browser.go(refused.page.url);
    expect(alertText(reload.html)).toBe(de('sms.tooMany', { retryAt: nextHour }));
    expect(intro(reload.html)).toBe(PENDING);
    expect(idp.container.smsSink!.list()).toHaveLength(5);
  });

  it('a resend during the cool-down says no new SMS was sent and until when; the earlier code still works', async () => {
    const { browser, page } = await smsLogin(idp, rp);
    const code = codeOf();
    clock.advance(10 * SECOND);
    const tooSoon = await browser.submit(page, '/sms/resend', {});
    expect(tooSoon.status).toBe(429);
    expect(alertText(tooSoon.html)).toBe(de('sms.resendTooSoon', { seconds: 20, retryAt: clock.now() + 20 * SECOND }));
    expect(idp.container.smsSink!.list()).toHaveLength(1);
    expect(await submitCode(browser, tooSoon, code, rp)).toMatchObject({ status: 0 });
  });
});

describe('SMS code page with a failing or slow provider (a local HTTP server)', () => {
  let idp: TestIdp;
  let rp: RelyingParty;
  const provider = new FakeSmsProvider();
  const clock = new ManualClock();
  beforeAll(async () => {
    await provider.start();
    idp = await startTestIdp({ clock, env: { SMS_GATEWAY_URL: provider.url, SMS_GATEWAY_TIMEOUT_MS: '1000' } });
    rp = await RelyingParty.discover(idp, 'financecloud');
  });
  afterAll(async () => {
    await idp.close();
    await provider.stop();
  });
  beforeEach(() => {
    clock.advance(DAY);
    provider.reset();
  });

  it('the provider answers 500: the page says no SMS was sent and when to ask again, also on a reload; later a resend works', async () => {
    provider.fallback = 'fail500';
    const { browser, page } = await smsLogin(idp, rp);
    const retryAt = clock.now() + 30 * SECOND;
    expect(page.status).toBe(503);
    expect(alertText(page.html)).toBe(de('sms.notSent', { retryAt }));
    expect(intro(page.html)).toBe(PENDING);
    const reload = await browser.go(page.url);
    expect(alertText(reload.html)).toBe(de('sms.notSent', { retryAt }));
    expect(intro(reload.html)).toBe(PENDING);
    expect(provider.sent.size).toBe(0);

    provider.fallback = 'ok';
    clock.advance(31 * SECOND);
    const resent = await browser.submit(reload, '/sms/resend', {});
    expect(resent.status).toBe(200);
    expect(alertText(resent.html)).toBe(de('sms.resent'));
    expect(intro(resent.html)).toBe(SENT);
    expect(await submitCode(browser, resent, provider.lastCodeTo(MOBILE)!, rp)).toMatchObject({ status: 0 });
  });

  it('the provider accepts but answers after the timeout: the page says it could not confirm the SMS; its code works', async () => {
    provider.fallback = 'slow';
    provider.slowMs = 2500;
    const { browser, page } = await smsLogin(idp, rp, new Browser({ 'accept-language': 'en' }));
    expect(page.status).toBe(503);
    expect(alertText(page.html)).toBe(en('sms.deliveryUnknown', { retryAt: clock.now() + 30 * SECOND }));
    expect(page.html).not.toContain(en('sms.intro', { mobile: MASKED }));
    expect(provider.sent.size).toBe(1); // it reached the phone
    expect(await submitCode(browser, page, provider.lastCodeTo(MOBILE)!, rp)).toMatchObject({ status: 0 });
  });

  it('device enrolment, provider failing: 503 and no enrolment; provider slow: 202 "delivery unknown", and the code that arrived works', async () => {
    provider.fallback = 'fail500';
    const failed = await fetch(`${idp.url}/ident/api/enrolments`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ loginId: '100001', password: 'Demo-Passwort-2026' }) });
    expect(failed.status).toBe(503);
    expect(((await failed.json()) as { error: string }).error).toBe('sms.gatewayUnavailable');

    provider.fallback = 'slow';
    provider.slowMs = 2500;
    const client = new DeviceClient(idp.url);
    const started = await client.startEnrolment('100001', 'Demo-Passwort-2026');
    expect(started.delivery).toBe('unknown');
    const state = await client.completeEnrolment(started.enrolmentId, provider.lastCodeTo('+4915111111101')!, { name: 'Phone', platform: 'ios', osVersion: '17.2' });
    expect(await idp.container.devices.get(state.deviceId)).not.toBeNull();
  });

  it('the simulator says it could not confirm the SMS instead of "gesendet" when the provider does not answer', async () => {
    provider.fallback = 'slow';
    provider.slowMs = 2500;
    const stateFile = join(mkdtempSync(join(tmpdir(), 'fi-truthful-')), 'device.json');
    const run = runCli(idp.url, ['enrol', '--login', '100002', '--password', 'Demo-Passwort-2026', '--state', stateFile], '000000\n');
    const { stdout } = await run;
    expect(stdout).toContain('Nicht bestätigt, dass die SMS mit dem Freischaltcode');
    expect(stdout).not.toContain('Freischaltcode per SMS gesendet');
  }, 60_000);
});
