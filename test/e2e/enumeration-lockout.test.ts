// The login form gives nothing away: unknown ids and wrong passwords look the same, lockout covers both,
// the shared-email hint needs a right password; plus the no-mobile page (ACC-4) and the English texts.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestIdp, type TestIdp } from '../helpers/test-idp.js';
import { Browser, alertText, type Page } from '../helpers/browser.js';
import { RelyingParty } from '../helpers/relying-party.js';
import { ManualClock, SECOND } from '../../src/shared/clock.js';
import { MESSAGES, translate } from '../../src/i18n/messages.js';

const PASSWORD = 'Demo-Passwort-2026';
const de = (key: keyof typeof MESSAGES) => MESSAGES[key].de;
const en = (key: keyof typeof MESSAGES) => MESSAGES[key].en;

async function openLogin(idp: TestIdp, browser = new Browser()): Promise<{ browser: Browser; page: Page; rp: RelyingParty }> {
  const rp = await RelyingParty.discover(idp, 'financecloud');
  const started = await rp.start();
  const page = await browser.go(started.url, {}, rp.redirectUri);
  expect(page.status).toBe(200);
  expect(page.html).toContain('name="password"');
  return { browser, page, rp };
}

/** Types login id and password into the login form of `page` and submits it. */
function attempt(browser: Browser, page: Page, loginId: string, password: string): Promise<Page> {
  return browser.submit(page, '/login', { loginId, password });
}

const isLoginForm = (page: Page) => page.html.includes('name="password"') && page.html.includes('/login"');

describe('no account enumeration', () => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await startTestIdp();
  });
  afterAll(async () => idp.close());

  it('a wrong password for an existing id and an unknown id look the same', async () => {
    const { browser, page } = await openLogin(idp);
    const known = await attempt(browser, page, '200001', 'Falsches-Passwort-1');
    const unknown = await attempt(browser, known, '299999', 'Falsches-Passwort-1');
    const unknownEmail = await attempt(browser, unknown, 'niemand@example.de', 'Falsches-Passwort-1');
    const knownEmail = await attempt(browser, unknownEmail, 'erika@example.de', 'Falsches-Passwort-1');

    for (const p of [known, unknown, unknownEmail, knownEmail]) {
      expect(p.status).toBe(known.status);
      expect(alertText(p.html)).toBe(de('login.invalid'));
      expect(isLoginForm(p)).toBe(true);
    }
    expect(known.status).toBeGreaterThanOrEqual(400);
    expect(known.status).toBeLessThan(500);
  });

  it('the shared-email hint appears only with a correct password', async () => {
    const { browser, page } = await openLogin(idp);
    const wrong = await attempt(browser, page, 'familie@example.de', 'Falsches-Passwort-1');
    expect(alertText(wrong.html)).toBe(de('login.invalid'));
    expect(wrong.html).not.toContain(de('login.ambiguousEmail'));

    const rightForAnna = await attempt(browser, wrong, 'familie@example.de', PASSWORD);
    expect(alertText(rightForAnna.html)).toBe(de('login.ambiguousEmail'));
    expect(isLoginForm(rightForAnna)).toBe(true);

    const rightForBen = await attempt(browser, rightForAnna, 'FAMILIE@example.de ', 'Demo-Passwort-2026-B');
    expect(alertText(rightForBen.html)).toBe(de('login.ambiguousEmail'));
  });

  it('with the access number the shared-email account logs in (leaves the login form)', async () => {
    const { browser, page } = await openLogin(idp);
    const next = await attempt(browser, page, '200003', PASSWORD);
    expect(next.status).toBe(200);
    expect(isLoginForm(next)).toBe(false);
    expect(next.url).toMatch(/\/interaction\/[^/]+\/(second-factor|approval)$/);
  });

  it('ACC-4: a customer without mobile gets the no-mobile page naming his broker and the contact', async () => {
    const { browser, page } = await openLogin(idp);
    const next = await attempt(browser, page, '200002', PASSWORD);
    expect(next.status).toBe(403);
    expect(isLoginForm(next)).toBe(false);
    expect(next.html).toContain(de('notice.noMobile.heading'));
    expect(next.html).toContain(de('notice.noMobile.text'));
    expect(next.html).toContain(de('notice.noMobile.customer'));
    expect(next.html).toContain('Maklerbüro Sommer');
    expect(next.html).toContain('makler@example.de');
    expect(next.html).toContain('+4915111111101');
  });

  it('the no-mobile page is only shown after the right password', async () => {
    const { browser, page } = await openLogin(idp);
    const next = await attempt(browser, page, '200002', 'Falsches-Passwort-1');
    expect(alertText(next.html)).toBe(de('login.invalid'));
    expect(next.html).not.toContain('Maklerbüro Sommer');
  });

  it('English via Accept-Language: en', async () => {
    const { browser, page } = await openLogin(idp, new Browser({ 'accept-language': 'en-US,en;q=0.9' }));
    expect(page.html).toContain(en('login.heading'));
    expect(page.html).toContain(en('login.password'));
    expect(page.html).not.toContain(de('login.password'));
    const wrong = await attempt(browser, page, '200001', 'Falsches-Passwort-1');
    expect(alertText(wrong.html)).toBe(en('login.invalid'));
    const noMobile = await attempt(browser, wrong, '200002', PASSWORD);
    expect(noMobile.html).toContain(en('notice.noMobile.heading'));
    expect(noMobile.html).toContain('Maklerbüro Sommer');
  });

  it('English via ?lang=en, remembered for the next page', async () => {
    const { browser, page } = await openLogin(idp);
    expect(page.html).toContain(de('login.heading'));
    const english = await browser.go(`${page.url}?lang=en`);
    expect(english.status).toBe(200);
    expect(english.html).toContain(en('login.intro').replace('{client}', 'FinanceCloud'));
    const wrong = await attempt(browser, english, '299999', 'Falsches-Passwort-1');
    expect(alertText(wrong.html)).toBe(en('login.invalid'));
    const ambiguous = await attempt(browser, wrong, 'familie@example.de', PASSWORD);
    expect(alertText(ambiguous.html)).toBe(en('login.ambiguousEmail'));
  });
});

describe('lockout (LOGIN_MAX_FAILURES_PER_ACCOUNT=3, default 900 s lock)', () => {
  let idp: TestIdp;
  const clock = new ManualClock(Date.UTC(2026, 10, 22, 9, 0, 0)); // 10:00 in Berlin (CET)
  beforeAll(async () => {
    idp = await startTestIdp({ clock, env: { LOGIN_MAX_FAILURES_PER_ACCOUNT: '3' } });
  });
  afterAll(async () => idp.close());

  const lockedDe = translate('de', 'login.locked', { until: '10:15' });

  it('three wrong passwords lock an existing account with the time; an unknown id the same way', async () => {
    const { browser, page } = await openLogin(idp);
    let known = page;
    for (let i = 1; i <= 2; i++) {
      known = await attempt(browser, known, '200001', `Falsch-${i}`);
      expect(alertText(known.html)).toBe(de('login.invalid'));
    }
    known = await attempt(browser, known, '200001', 'Falsch-3');
    expect(alertText(known.html)).toBe(lockedDe);
    expect(lockedDe).toContain('10:15');

    let unknown = known;
    for (let i = 1; i <= 2; i++) {
      unknown = await attempt(browser, unknown, '299999', `Falsch-${i}`);
      expect(alertText(unknown.html)).toBe(de('login.invalid'));
    }
    unknown = await attempt(browser, unknown, '299999', 'Falsch-3');
    expect(unknown.status).toBe(known.status);
    expect(alertText(unknown.html)).toBe(alertText(known.html));

    // the lock holds for further tries of either, with the same answer
    const unknownAgain = await attempt(browser, unknown, '299999', PASSWORD);
    expect(alertText(unknownAgain.html)).toBe(lockedDe);
  });

  it('during the lock the RIGHT password is refused with the locked message', async () => {
    clock.advance(60 * SECOND);
    const { browser, page } = await openLogin(idp);
    const refused = await attempt(browser, page, '200001', PASSWORD);
    expect(alertText(refused.html)).toBe(lockedDe);
    expect(isLoginForm(refused)).toBe(true);
    // the email of the locked account is locked too
    const byEmail = await attempt(browser, refused, 'erika@example.de', PASSWORD);
    expect(alertText(byEmail.html)).toBe(lockedDe);
  });

  it('in English the locked message names the time too', async () => {
    const { browser, page } = await openLogin(idp, new Browser({ 'accept-language': 'en' }));
    const refused = await attempt(browser, page, '200001', PASSWORD);
    expect(alertText(refused.html)).toBe(translate('en', 'login.locked', { until: '10:15' }));
  });

  it('after LOGIN_LOCKOUT_SECONDS the right password works again', async () => {
    clock.advance(900 * SECOND);
    const { browser, page } = await openLogin(idp);
    const next = await attempt(browser, page, '200001', PASSWORD);
    expect(next.status).toBe(200);
    expect(isLoginForm(next)).toBe(false);
    expect(alertText(next.html) ?? '').not.toContain(de('login.locked').slice(0, 20));
    // no device is enrolled in this IdP: the set-up page (second factor step) follows the password
    expect(next.url).toMatch(/\/interaction\/[^/]+\/(second-factor|approval)$/);
    expect(next.html).toContain(de('noDevice.heading'));
  });

  it('after the lock has ended the count starts afresh: two wrong passwords do not lock', async () => {
    const { browser, page } = await openLogin(idp);
    let p = page;
    for (let i = 1; i <= 2; i++) {
      p = await attempt(browser, p, '200001', `Falsch-${i}`);
      expect(alertText(p.html)).toBe(de('login.invalid'));
    }
  });
});
