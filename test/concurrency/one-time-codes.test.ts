// Issue 9: every one-time code (activation, SMS login, password setting, mobile change) allows at most its number
// of tries, whatever arrives at once, and is used exactly once — on the real Redis and on the memory store.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { Browser, findForm, type Page } from '../helpers/browser.js';
import { RelyingParty } from '../helpers/relying-party.js';
import { startTestIdp, type TestIdp } from '../helpers/test-idp.js';
import { enrolDevice, lastCode } from '../helpers/device.js';
import { smartmscAccessToken } from '../helpers/login-flow.js';
import { requestsArrived, STORES, tally } from '../helpers/concurrency.js';

const PASSWORD = 'Demo-Passwort-2026';
const N = 30;
const TRIES = 5; // ENROLMENT_CODE_MAX_TRIES and the SMS code's maxTries, by default

const wrongCode = (code: string, i: number) => String((Number(code) + 1 + i) % 1_000_000).padStart(6, '0');

function publicKeyJwk() {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  return { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y };
}

async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<string> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const json = (await response.json()) as { error?: string };
  return response.ok ? String(response.status) : `${response.status} ${json.error}`;
}

/**
 * Posts a form of `page` without following the redirect: 'finished' when the provider takes over (the login is done),
 * otherwise the status the browser got (a page with an error, or 302 back to the start of a login already gone).
 */
async function post(browser: Browser, page: Page, actionPart: string, typed: Record<string, string>): Promise<number | 'finished'> {
  const form = findForm(page.html, actionPart);
  const response = await browser.request(new URL(form.action, page.url).toString(), { method: 'POST', form: { ...form.fields, ...typed } });
  await response.arrayBuffer();
  return /\/auth\//.test(response.headers.get('location') ?? '') ? 'finished' : response.status;
}

/** N wrong guesses at once and the right one while they run; the outcomes of the wrong ones and of the right one. */
async function burst(idp: TestIdp, guess: (i: number | null) => Promise<string | number>): Promise<{ wrong: Record<string, number>; right: string | number }> {
  const arrived = requestsArrived(idp.server, N);
  const wrong = Array.from({ length: N }, (_, i) => guess(i));
  await arrived; // all wrong guesses are at the server, still running
  const right = await guess(null);
  return { wrong: tally((await Promise.all(wrong)).map(String)), right };
}

describe.each(STORES)('one-time codes under simultaneous requests ($name)', ({ name, redis }) => {
  // Memory store calls complete without a real wait: these requests barely interleave there (they passed on the old code too).
  const note = name === 'memory' ? ' (memory: barely interleaves, proves little)' : '';
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await startTestIdp({ redis });
  });
  afterAll(async () => idp.close());

  describe('activation code (POST /ident/api/enrolments/{id}/complete)', () => {
    const complete = (enrolmentId: string, code: string) =>
      postJson(`${idp.url}/ident/api/enrolments/${enrolmentId}/complete`, { code, publicKeyJwk: publicKeyJwk(), name: 'Phone', platform: 'ios', osVersion: '17.2', pushSubscription: null });

    async function startEnrolment(loginId: string): Promise<{ id: string; code: string }> {
      const response = await fetch(`${idp.url}/ident/api/enrolments`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ loginId, password: PASSWORD }) });
      expect(response.status).toBe(201);
      const { enrolmentId } = (await response.json()) as { enrolmentId: string };
      const account = await idp.container.accounts.findByAccessNumber(loginId);
      return { id: enrolmentId, code: lastCode(idp, account!.mobile!) };
    }

    it(`${N} wrong codes at once and the right one while they run: ${TRIES} compared, the right one refused, no device${note}`, async () => {
      const { id, code } = await startEnrolment('100001');
      const { wrong, right } = await burst(idp, (i) => complete(id, i === null ? code : wrongCode(code, i)));
      expect(wrong['400 enrolment.codeWrong']).toBe(TRIES - 1);
      expect((wrong['429 enrolment.tooManyTries'] ?? 0) + (wrong['410 enrolment.codeExpired'] ?? 0)).toBe(N - (TRIES - 1));
      expect(['429 enrolment.tooManyTries', '410 enrolment.codeExpired']).toContain(right);
      expect(await idp.container.devices.listByAccount('acc_broker')).toHaveLength(0);
    });

    it(`${N} completions with the right code at once: exactly one device${note}`, async () => {
      const { id, code } = await startEnrolment('100002');
      const outcomes = await Promise.all(Array.from({ length: N }, () => complete(id, code)));
      // Every submission is a try counted before the comparison: after the winner, the rest find the code used up
      // (410) or the tries spent (429).
      const counts = tally(outcomes);
      expect(counts['201']).toBe(1);
      expect((counts['410 enrolment.codeExpired'] ?? 0) + (counts['429 enrolment.tooManyTries'] ?? 0)).toBe(N - 1);
      expect(await idp.container.devices.listByAccount('acc_employee')).toHaveLength(1);
    });
  });

  describe('SMS login code (POST /interaction/{uid}/sms)', () => {
    /** An SMS-method login up to the code page, with the code the phone received. */
    async function atCodePage(loginId: string, mobile: string): Promise<{ browser: Browser; page: Page; code: string }> {
      const rp = await RelyingParty.discover(idp, 'financecloud');
      const browser = new Browser();
      const login = await browser.go((await rp.start()).url, {}, rp.redirectUri);
      const page = await browser.submit(login, '/login', { loginId, password: PASSWORD }, rp.redirectUri);
      expect(page.url).toMatch(/\/sms$/);
      return { browser, page, code: lastCode(idp, mobile) };
    }
    beforeAll(async () => {
      await idp.container.accounts.update('acc_subcustomer', { twoFactorMethod: 'sms' }, Date.now());
    });

    it(`${N} wrong codes at once and the right one while they run: ${TRIES} compared, the right one refused${note}`, async () => {
      const { browser, page, code } = await atCodePage('200005', '+4915122222205');
      const { wrong, right } = await burst(idp, (i) => post(browser, page, '/sms', { code: i === null ? code : wrongCode(code, i) }));
      // 400 sms.wrong, 429 sms.tooManyTries (the fifth wrong one and every guess after it, never compared)
      expect(wrong).toEqual({ '400': TRIES - 1, '429': N - (TRIES - 1) });
      expect(right).toBe(429);
    });

    it(`${N} submissions of the right code at once: the login finishes once${note}`, async () => {
      const { browser, page, code } = await atCodePage('200006', '+4915122222206');
      const outcomes = await Promise.all(Array.from({ length: N }, () => post(browser, page, '/sms', { code })));
      // One goes on to the relying party; the others find the code used up (410), the tries spent (429) or the
      // login already finished (302 back to its start).
      expect(outcomes.filter((s) => s === 'finished')).toHaveLength(1);
      expect(outcomes.filter((s) => s === 410 || s === 429 || s === 302)).toHaveLength(N - 1);
    });
  });

  describe('password-setting code (POST /password/code)', () => {
    async function atCodePage(loginId: string, mobile: string): Promise<{ browser: Browser; page: Page; code: string }> {
      const browser = new Browser();
      const forgot = await browser.go(`${idp.url}/password/forgot`);
      const page = await browser.submit(forgot, '/password/forgot', { loginId });
      expect(page.url).toMatch(/\/password\/code$/);
      const sms = idp.container.smsSink!.list().filter((m) => m.to === mobile && m.purpose === 'password').at(-1);
      return { browser, page, code: /Passworts: (\d{6}) /.exec(sms!.text)![1]! };
    }
    const changes = async (accountId: string) => (await idp.container.audit.list({ accountId, type: 'password.changed' })).length;

    it(`${N} wrong codes at once and the right one while they run: ${TRIES} compared, no new password${note}`, async () => {
      const { browser, page, code } = await atCodePage('100003', '+4915111111103');
      const before = await changes('acc_subbroker');
      const { wrong, right } = await burst(idp, (i) => post(browser, page, '/password/code', { code: i === null ? code : wrongCode(code, i), password: 'Blauer-Wal-tanzt-77', repeat: 'Blauer-Wal-tanzt-77' }));
      expect(wrong).toEqual({ '400': TRIES - 1, '429': N - (TRIES - 1) });
      expect(right).toBe(429);
      expect(await changes('acc_subbroker')).toBe(before);
    });

    it(`${N} submissions of the right code at once: the password is set once${note}`, async () => {
      const { browser, page, code } = await atCodePage('100002', '+4915111111102');
      const before = await changes('acc_employee');
      const outcomes = await Promise.all(Array.from({ length: N }, (_, i) => post(browser, page, '/password/code', { code, password: `Blauer-Wal-tanzt-${i}x`, repeat: `Blauer-Wal-tanzt-${i}x` })));
      expect(outcomes.filter((s) => s === 200)).toHaveLength(1);
      expect(outcomes.filter((s) => s === 410 || s === 429)).toHaveLength(N - 1);
      expect(await changes('acc_employee')).toBe(before + 1);
    });
  });

  describe('mobile-change code (POST /api/broker/customers/{accessNumber}/mobile/confirm)', () => {
    let token: string;
    beforeAll(async () => {
      token = await smartmscAccessToken(idp, '100001', await enrolDevice(idp, '100001'));
    });
    const auth = () => ({ authorization: `Bearer ${token}`, accept: 'application/json' });
    const mobileApi = (accessNumber: string, path: string, body: unknown) => postJson(`${idp.url}/api/broker/customers/${accessNumber}/mobile${path}`, body, auth());
    const changes = async (accountId: string) => (await idp.container.audit.list({ accountId, type: 'mobile.changed' })).length;

    it(`${N} wrong codes at once and the right one while they run: ${TRIES} compared, the number stays${note}`, async () => {
      expect(await mobileApi('200003', '', { mobile: '0151 33333301' })).toBe('202');
      const code = lastCode(idp, '+4915133333301');
      const { wrong, right } = await burst(idp, (i) => mobileApi('200003', '/confirm', { code: i === null ? code : wrongCode(code, i) }));
      expect(wrong).toEqual({ '400 sms.wrong': TRIES - 1, '429 sms.tooManyTries': N - (TRIES - 1) });
      expect(right).toBe('429 sms.tooManyTries');
      expect((await idp.container.accounts.findByAccessNumber('200003'))!.mobile).toBe('+4915122222203');
      expect(await changes('acc_shared1')).toBe(0);
    });

    it(`${N} confirmations with the right code at once: one change, audited once${note}`, async () => {
      expect(await mobileApi('200004', '', { mobile: '0151 33333302' })).toBe('202');
      const code = lastCode(idp, '+4915133333302');
      const outcomes = await Promise.all(Array.from({ length: N }, () => mobileApi('200004', '/confirm', { code })));
      const counts = tally(outcomes);
      expect(counts['200']).toBe(1);
      expect((counts['410 sms.expired'] ?? 0) + (counts['410 mobile.noPendingChange'] ?? 0) + (counts['429 sms.tooManyTries'] ?? 0)).toBe(N - 1);
      expect((await idp.container.accounts.findByAccessNumber('200004'))!.mobile).toBe('+4915133333302');
      expect(await changes('acc_shared2')).toBe(1);
    });
  });
});
