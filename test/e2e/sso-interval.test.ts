// OIDC-6: single sign-on never beats the interval. A session's second factor counts for another authorization only
// within the account's interval; "Immer" (0) asks a fresh second factor every time; acr/amr/auth_time stay truthful.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { JWTPayload } from 'jose';
import { startTestIdp, type TestIdp } from '../helpers/test-idp.js';
import { Browser, type Page } from '../helpers/browser.js';
import { passwordLogin, RelyingParty, type StartedLogin } from '../helpers/relying-party.js';
import { forgetIdpSession } from '../helpers/remembered.js';
import { DAY, HOUR, ManualClock, MINUTE, SECOND } from '../../src/shared/clock.js';

const MFA = 'urn:financeident:acr:mfa';
const PWD = 'urn:financeident:acr:pwd';
const MOBILE = '+4915122222205'; // 200005: SMS, interval 0 in the demo data

function setup(env: Record<string, string> = {}) {
  const ctx = {} as { idp: TestIdp; cloud: RelyingParty; app: RelyingParty; clock: ManualClock };
  beforeAll(async () => {
    ctx.clock = new ManualClock(Date.now());
    // Sessions outlive the longest interval here, so only the interval can end single sign-on.
    ctx.idp = await startTestIdp({ clock: ctx.clock, env: { SESSION_TTL_SECONDS: String(30 * 24 * 3600), ...env } });
    ctx.cloud = await RelyingParty.discover(ctx.idp, 'financecloud');
    ctx.app = await RelyingParty.discover(ctx.idp, 'financeapp');
  });
  afterAll(async () => ctx.idp.close());
  beforeEach(async () => {
    ctx.clock.advance(HOUR); // no SMS cool-down or cap left over
    await ctx.idp.container.intervals.setOwnInterval('acc_smsonly', 0);
  });
  return ctx;
}

type Ctx = ReturnType<typeof setup>;

/** Password and SMS code of 200005 at `rp`; returns the ID token's claims. */
async function fullLogin(c: Ctx, browser: Browser, rp: RelyingParty, started?: StartedLogin): Promise<JWTPayload> {
  const login = started ?? (await rp.start());
  const smsPage = await passwordLogin(browser, rp, login, '200005', 'Demo-Passwort-2026');
  expect(smsPage.url).toMatch(/\/sms$/);
  const code = /Login-Code: (\d{6}) /.exec(c.idp.container.smsSink!.lastTo(MOBILE)!.text)![1]!;
  const callback = await browser.submit(smsPage, '/sms', { code }, rp.redirectUri);
  expect(callback.status).toBe(0);
  return rp.verifyIdToken((await rp.finish(callback.url, login)).id_token!);
}

/** An authorization at `rp` in `browser` with no typing: either the RP gets a code (SSO) or a page is shown. */
async function attempt(rp: RelyingParty, browser: Browser, extra: Record<string, string> = {}): Promise<{ page: Page; started: StartedLogin }> {
  const started = await rp.start(extra);
  return { page: await browser.go(started.url, {}, rp.redirectUri), started };
}

const errorOf = (page: Page) => (page.status === 0 ? new URL(page.url).searchParams.get('error') : null);

describe('interval 0 ("Immer")', () => {
  const c = setup();

  it('another relying party in the same browser asks the password and a fresh second factor; prompt=none gets login_required', async () => {
    const browser = new Browser();
    const first = await fullLogin(c, browser, c.cloud);
    expect(first.acr).toBe(MFA);

    c.clock.advance(MINUTE); // past the SMS cool-down, far past any grace (none is configured)
    const silent = await attempt(c.app, browser, { prompt: 'none' });
    expect(errorOf(silent.page)).toBe('login_required');
    expect(new URL(silent.page.url).searchParams.get('code')).toBeNull();

    const sent = c.idp.container.smsSink!.list().length;
    const next = await attempt(c.app, browser);
    expect(next.page.status).toBe(200);
    expect(next.page.html).toContain('name="password"');
    expect(c.idp.container.smsSink!.list()).toHaveLength(sent); // nothing sent before the password

    const second = await fullLogin(c, browser, c.app, next.started);
    expect(second).toMatchObject({ acr: MFA, amr: ['pwd', 'mfa', 'sms'] });
    expect(second.auth_time).toBe(Math.floor(c.clock.now() / 1000));
    expect(second.auth_time).toBeGreaterThan(first.auth_time as number);
  });

  it('the same relying party again in the same browser asks again as well', async () => {
    const browser = new Browser();
    await fullLogin(c, browser, c.cloud);
    const again = await attempt(c.cloud, browser);
    expect(again.page.status).toBe(200);
    expect(again.page.html).toContain('name="password"');
  });
});

describe('interval 0 with a grace of 60 s (SSO_SECOND_FACTOR_GRACE_SECONDS)', () => {
  const c = setup({ SSO_SECOND_FACTOR_GRACE_SECONDS: '60' });

  it('single sign-on within the grace carries the second factor truthfully; after it, a login is needed', async () => {
    const browser = new Browser();
    const first = await fullLogin(c, browser, c.cloud);
    c.clock.advance(30 * SECOND);
    const within = await attempt(c.app, browser);
    expect(within.page.status).toBe(0);
    const claims = await c.app.verifyIdToken((await c.app.finish(within.page.url, within.started)).id_token!);
    // The ID token tells what happened: the second factor of the first login, at its time.
    expect(claims).toMatchObject({ acr: MFA, amr: ['pwd', 'mfa', 'sms'], auth_time: first.auth_time });

    c.clock.advance(31 * SECOND);
    expect(errorOf((await attempt(c.app, browser, { prompt: 'none' })).page)).toBe('login_required');
  });
});

describe('interval 7 days', () => {
  const c = setup();

  it('single sign-on carries the second factor for 7 days, then asks again', async () => {
    await c.idp.container.intervals.setOwnInterval('acc_smsonly', 7);
    const browser = new Browser();
    const first = await fullLogin(c, browser, c.cloud);

    c.clock.advance(7 * DAY - MINUTE);
    const within = await attempt(c.app, browser);
    expect(within.page.status).toBe(0);
    const claims = await c.app.verifyIdToken((await c.app.finish(within.page.url, within.started)).id_token!);
    expect(claims).toMatchObject({ acr: MFA, amr: ['pwd', 'mfa', 'sms'], auth_time: first.auth_time });

    c.clock.advance(2 * MINUTE);
    expect(errorOf((await attempt(c.app, browser, { prompt: 'none' })).page)).toBe('login_required');
    const next = await attempt(c.app, browser);
    expect(next.page.html).toContain('name="password"');
  });

  it('shortening the interval to 0 takes effect for an open session at once', async () => {
    await c.idp.container.intervals.setOwnInterval('acc_smsonly', 7);
    const browser = new Browser();
    await fullLogin(c, browser, c.cloud);
    expect((await attempt(c.app, browser)).page.status).toBe(0);

    await c.idp.container.intervals.setOwnInterval('acc_smsonly', 0);
    expect(errorOf((await attempt(c.app, browser, { prompt: 'none' })).page)).toBe('login_required');
  });

  it('a session that a remembered browser let in (acr pwd) counts only while the browser is remembered', async () => {
    await c.idp.container.intervals.setOwnInterval('acc_smsonly', 7);
    const remembered = new Browser();
    await fullLogin(c, remembered, c.cloud); // remembers this browser for 7 days
    // A new IdP session in the same browser: the password alone suffices (remembered), and acr says so.
    await forgetIdpSession(remembered, c.idp.url);
    const started = await c.cloud.start();
    const passwordOnly = await passwordLogin(remembered, c.cloud, started, '200005', 'Demo-Passwort-2026');
    expect(passwordOnly.status).toBe(0);
    const pwdClaims = await c.cloud.verifyIdToken((await c.cloud.finish(passwordOnly.url, started)).id_token!);
    expect(pwdClaims).toMatchObject({ acr: PWD, amr: ['pwd'] });

    const sso = await attempt(c.app, remembered);
    expect(sso.page.status).toBe(0);
    const ssoClaims = await c.app.verifyIdToken((await c.app.finish(sso.page.url, sso.started)).id_token!);
    expect(ssoClaims).toMatchObject({ acr: PWD, amr: ['pwd'] });

    await c.idp.container.rememberedBrowsers.endAll('acc_smsonly');
    expect(errorOf((await attempt(c.app, remembered, { prompt: 'none' })).page)).toBe('login_required');
  });
});
