// Issue 9: the caps on open and hourly approvals per account (APR-7, push bombing) and the one decision per approval
// (APR-4) hold when the requests arrive at once — on the real Redis and on the memory store.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Browser, findForm } from '../helpers/browser.js';
import { RelyingParty } from '../helpers/relying-party.js';
import { startTestIdp, type TestIdp } from '../helpers/test-idp.js';
import { enrolDevice, shownNumber } from '../helpers/device.js';
import { STORES, tally } from '../helpers/concurrency.js';
import { DeviceApiError, DeviceClient } from '../../src/ident-client/device-client.js';

const PASSWORD = 'Demo-Passwort-2026';
const N = 30;

/**
 * `n` logins of `loginId` past the password (one after the other: the password limit allows only a few checks of
 * one account at a time), each left just before its second factor; returns their browsers and second-factor URLs.
 */
async function pastPassword(idp: TestIdp, loginId: string, n: number): Promise<{ browser: Browser; url: string }[]> {
  // The portal that admits the account's role (OIDC-5): customers (2…) use FinanceCloud, brokers and their staff (1…) smartMSC.
  const rp = await RelyingParty.discover(idp, loginId.startsWith('1') ? 'smartmsc' : 'financecloud');
  const logins: { browser: Browser; url: string }[] = [];
  for (let i = 0; i < n; i++) {
    const browser = new Browser();
    const page = await browser.go((await rp.start()).url, {}, rp.redirectUri);
    const form = findForm(page.html, '/login');
    const response = await browser.request(new URL(form.action, page.url).toString(), { method: 'POST', form: { ...form.fields, loginId, password: PASSWORD } });
    expect(response.status).toBe(302);
    logins.push({ browser, url: new URL(response.headers.get('location')!, page.url).toString() });
  }
  return logins;
}

/** Opens the second-factor step of every login at once: 'approval' (a request was created: its waiting page) or the refusal status. */
async function secondFactorsAtOnce(logins: { browser: Browser; url: string }[]): Promise<string[]> {
  return Promise.all(
    logins.map(async ({ browser, url }) => {
      const response = await browser.request(url);
      await response.arrayBuffer();
      const waiting = response.status === 200 && /\/approval$/.test(new URL(url).pathname);
      return waiting || /\/approval$/.test(response.headers.get('location') ?? '') ? 'approval' : String(response.status);
    }),
  );
}

describe.each(STORES)('approval caps and decisions under simultaneous requests ($name)', ({ name, redis }) => {
  // Memory store calls complete without a real wait: these requests barely interleave there (they passed on the old code too).
  const note = name === 'memory' ? ' (memory: barely interleaves, proves little)' : '';

  describe('open approvals per account (APPROVAL_MAX_OPEN_PER_ACCOUNT=3)', () => {
    let idp: TestIdp;
    let device: Awaited<ReturnType<typeof enrolDevice>>;
    beforeAll(async () => {
      idp = await startTestIdp({ redis });
      device = await enrolDevice(idp, '100001');
    });
    afterAll(async () => idp.close());

    it(`${N} logins ask for their approval at once: exactly 3 requests, 27 refused with 429${note}`, async () => {
      const logins = await pastPassword(idp, '100001', N);
      expect(tally(await secondFactorsAtOnce(logins))).toEqual({ approval: 3, '429': N - 3 });
      expect(await device.client.pending(device.state)).toHaveLength(3);
    });
  });

  describe('one approval per login', () => {
    let idp: TestIdp;
    let device: Awaited<ReturnType<typeof enrolDevice>>;
    beforeAll(async () => {
      idp = await startTestIdp({ redis });
      device = await enrolDevice(idp, '200001');
    });
    afterAll(async () => idp.close());

    it(`the second-factor step of one login opened ${N} times at once: one approval, every view waits for it${note}`, async () => {
      const [login] = await pastPassword(idp, '200001', 1);
      const outcomes = await secondFactorsAtOnce(Array.from({ length: N }, () => login!));
      expect(tally(outcomes)).toEqual({ approval: N });
      expect(await device.client.pending(device.state)).toHaveLength(1);
    });
  });

  describe('approvals per account and hour (APPROVAL_MAX_PER_ACCOUNT_PER_HOUR=5, 100 open allowed)', () => {
    let idp: TestIdp;
    let device: Awaited<ReturnType<typeof enrolDevice>>;
    beforeAll(async () => {
      idp = await startTestIdp({ redis, env: { APPROVAL_MAX_OPEN_PER_ACCOUNT: '100', APPROVAL_MAX_PER_ACCOUNT_PER_HOUR: '5' } });
      device = await enrolDevice(idp, '100002');
    });
    afterAll(async () => idp.close());

    it(`${N} logins ask for their approval at once: exactly 5 requests${note}`, async () => {
      const logins = await pastPassword(idp, '100002', N);
      expect(tally(await secondFactorsAtOnce(logins))).toEqual({ approval: 5, '429': N - 5 });
      expect(await device.client.pending(device.state)).toHaveLength(5);
    });
  });

  describe('one decision per approval', () => {
    let idp: TestIdp;
    let device: Awaited<ReturnType<typeof enrolDevice>>;
    beforeAll(async () => {
      idp = await startTestIdp({ redis });
      device = await enrolDevice(idp, '100003');
    });
    afterAll(async () => idp.close());

    async function waitingLogin(): Promise<{ browser: Browser; url: string; number: string | null; approvalId: string }> {
      const [login] = await pastPassword(idp, '100003', 1);
      const waiting = await login!.browser.go(login!.url);
      expect(waiting.url).toMatch(/\/approval$/);
      const [pending] = await device.client.pending(device.state);
      return { browser: login!.browser, url: waiting.url, number: shownNumber(waiting.html), approvalId: pending!.id };
    }

    const outcome = (p: Promise<{ status: string }>) =>
      p.then(
        (r) => r.status,
        (e: unknown) => (e instanceof DeviceApiError ? `${e.status} ${e.code}` : Promise.reject(e)),
      );

    it(`${N} signed answers at once, half approve and half deny: exactly one counts and the login follows it${note}`, async () => {
      const { browser, url, number, approvalId } = await waitingLogin();
      const answers = await Promise.all(
        Array.from({ length: N }, (_, i) => outcome(device.client.decide(device.state, approvalId, i % 2 ? 'deny' : 'approve', { number }))),
      );
      const counts = tally(answers);
      expect((counts.approved ?? 0) + (counts.denied ?? 0)).toBe(1);
      expect(counts['409 approval.alreadyDecided']).toBe(N - 1);
      const status = (await (await browser.request(url.replace(/\/approval$/, '/approval/status'))).json()) as { status: string };
      expect(status.status).toBe(counts.approved ? 'approved' : 'denied');
    });

    it(`one signed answer sent ${N} times at once: accepted once, the copies refused as replays${note}`, async () => {
      const { number, approvalId } = await waitingLogin();
      const token = await DeviceClient.decisionToken(device.state, approvalId, 'approve', { number });
      const answers = await Promise.all(Array.from({ length: N }, () => outcome(device.client.sendDecision(approvalId, token))));
      expect(tally(answers)).toEqual({ approved: 1, '401 device.tokenReplayed': N - 1 });
    });
  });
});
