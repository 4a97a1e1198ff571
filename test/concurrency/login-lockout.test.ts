// Issue 9: the login failure limit holds when the guesses arrive at once — on the hosted form and the device
// enrolment API, on the real Redis and on the memory store (which interleaves at the password hash).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Browser, findForm } from '../helpers/browser.js';
import { RelyingParty } from '../helpers/relying-party.js';
import { startTestIdp, type TestIdp } from '../helpers/test-idp.js';
import { requestsArrived, STORES, tally } from '../helpers/concurrency.js';

const PASSWORD = 'Demo-Passwort-2026';
const WRONG = 30;
const MAX = 5; // LOGIN_MAX_FAILURES_PER_ACCOUNT default

interface OpenLogin {
  browser: Browser;
  action: string;
  fields: Record<string, string>;
}

/** Opens a login page (its own interaction and browser) for each of `n` attempts. */
async function openLogins(idp: TestIdp, n: number, clientId = 'financecloud'): Promise<OpenLogin[]> {
  const rp = await RelyingParty.discover(idp, clientId);
  return Promise.all(
    Array.from({ length: n }, async () => {
      const browser = new Browser();
      const page = await browser.go((await rp.start()).url, {}, rp.redirectUri);
      expect(page.status).toBe(200);
      const form = findForm(page.html, '/login');
      return { browser, action: new URL(form.action, page.url).toString(), fields: form.fields };
    }),
  );
}

/**
 * Posts the password form; the outcome as the browser sees it: 302 on to the second factor, or (post/redirect/get)
 * 303 back to the login page, which then answers 401 wrong or 429 locked.
 */
async function submit(login: OpenLogin, loginId: string, password: string): Promise<string> {
  let response = await login.browser.request(login.action, { method: 'POST', form: { ...login.fields, loginId, password } });
  await response.arrayBuffer();
  if (response.status === 302 && /\/(second-factor|approval|sms)$/.test(response.headers.get('location') ?? '')) return 'secondFactor';
  if (response.status === 303) {
    response = await login.browser.request(new URL(response.headers.get('location')!, login.action).toString());
    await response.arrayBuffer();
  }
  return { 401: 'invalid', 429: 'locked' }[response.status] ?? `status ${response.status}`;
}

/** Starts an enrolment as the app does; the outcome: 201 (code sent), or the error code. */
async function enrol(idp: TestIdp, loginId: string, password: string): Promise<string> {
  const response = await fetch(`${idp.url}/ident/api/enrolments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'accept-language': 'de' },
    body: JSON.stringify({ loginId, password }),
  });
  const body = (await response.json()) as { error?: string };
  return response.status === 201 ? 'created' : `${response.status} ${body.error}`;
}

describe.each(STORES)('login failure limit under simultaneous requests ($name)', ({ name, redis }) => {
  const note = name === 'memory' ? ' (memory: requests interleave at the password hash)' : '';

  describe('hosted login form', () => {
    let idp: TestIdp;
    beforeAll(async () => {
      idp = await startTestIdp({ redis });
    });
    afterAll(async () => idp.close());

    it(`${WRONG} wrong passwords at once, the right one while they run: exactly ${MAX} checked, the right one locked${note}`, async () => {
      const logins = await openLogins(idp, WRONG + 1);
      const arrived = requestsArrived(idp.server, WRONG);
      const wrong = logins.slice(0, WRONG).map((l, i) => submit(l, '200001', `Falsch-${i}`));
      await arrived; // all wrong guesses are at the server, still running
      const right = submit(logins[WRONG]!, '200001', PASSWORD);
      const outcomes = await Promise.all(wrong);

      // Four wrong answers, then the fifth failure locks; every other guess is refused before any check.
      expect(tally(outcomes)).toEqual({ invalid: MAX - 1, locked: WRONG - (MAX - 1) });
      expect(await right).toBe('locked');
      // Afterwards the account stays locked for the right password, also by its email.
      const [later] = await openLogins(idp, 1);
      expect(await submit(later!, 'erika@example.de', PASSWORD)).toBe('locked');
    });

    it(`the right password among ${WRONG} simultaneous wrong ones: at most one success, and it frees no slots of the guesses in flight${note}`, async () => {
      // 100002 is a broker's employee: smartMSC is the portal that admits that role (OIDC-5).
      const logins = await openLogins(idp, WRONG + 1, 'smartmsc');
      const outcomes = await Promise.all(logins.map((l, i) => (i === 0 ? submit(l, '100002', PASSWORD) : submit(l, '100002', `Falsch-${i}`))));
      const counts = tally(outcomes.slice(1));
      expect(outcomes.slice(1)).not.toContain('secondFactor');
      expect(['secondFactor', 'locked']).toContain(outcomes[0]);
      // A success forgives only the failures that had finished before it (at most MAX - 1); guesses still running
      // keep their slots, so at most 2 * MAX wrong passwords are ever checked and the burst ends in a lock.
      expect(counts.invalid ?? 0).toBeLessThanOrEqual(2 * (MAX - 1));
      expect((counts.invalid ?? 0) + (counts.locked ?? 0)).toBe(WRONG);
    });
  });

  describe('device enrolment API (POST /ident/api/enrolments)', () => {
    let idp: TestIdp;
    beforeAll(async () => {
      idp = await startTestIdp({ redis });
    });
    afterAll(async () => idp.close());

    it(`${WRONG} wrong passwords at once, then the right one: no activation SMS, 429 login.locked${note}`, async () => {
      const sent = idp.container.smsSink!.list().length;
      const arrived = requestsArrived(idp.server, WRONG);
      const wrong = Array.from({ length: WRONG }, (_, i) => enrol(idp, '200001', `Falsch-${i}`));
      await arrived; // all wrong guesses are at the server, still running
      const right = enrol(idp, '200001', PASSWORD);
      expect(tally(await Promise.all(wrong))).toEqual({ '401 login.invalid': MAX - 1, '429 login.locked': WRONG - (MAX - 1) });
      expect(await right).toBe('429 login.locked');
      expect(await enrol(idp, '200001', PASSWORD)).toBe('429 login.locked');
      expect(idp.container.smsSink!.list().length).toBe(sent);
    });
  });
});
