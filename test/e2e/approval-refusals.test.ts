// Every way an answer from the app (or an enrolment) is refused, with its error code, and that the login then does
// not get through: /finish sends the browser back to the waiting page and no code reaches the relying party.
import { afterEach, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { ManualClock } from '../../src/shared/clock.js';
import { translate } from '../../src/i18n/messages.js';
import { DeviceApiError, DeviceClient, type DeviceKeyState } from '../../src/ident-client/device-client.js';
import { startTestIdp, type TestIdp } from '../helpers/test-idp.js';
import { alertText, Browser, type Page } from '../helpers/browser.js';
import { RelyingParty, passwordLogin } from '../helpers/relying-party.js';
import { enrolDevice, lastCode, shownNumber } from '../helpers/device.js';
import { signDeviceTokensWith } from '../helpers/remembered.js';

const PASSWORD = 'Demo-Passwort-2026';
const started: TestIdp[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((idp) => idp.close()));
});

/**
 * A fresh IdP per test (own Redis prefix, own memory devices). The manual clock starts at the real time, and the
 * test devices sign their tokens by it (their `iat` is checked against the IdP's clock), so neither a slow machine
 * nor "advance past expiry" (30 s approvals) makes a token look too old or from the future.
 */
async function setup(env: Record<string, string> = {}) {
  const clock = new ManualClock(Date.now());
  signDeviceTokensWith(clock); // this test's devices sign by this IdP's clock, however slowly the machine runs
  const idp = await startTestIdp({ clock, env: { APPROVAL_TTL_SECONDS: '30', ...env } });
  started.push(idp);
  const rp = await RelyingParty.discover(idp, 'financecloud');
  return { idp, clock, rp };
}

type Setup = Awaited<ReturnType<typeof setup>>;

/** Password in a new browser up to the waiting page; the approval id as the device lists it. */
async function waitingLogin({ idp, rp }: Setup, loginId = '200001') {
  const browser = new Browser();
  const login = await rp.start();
  const waiting = await passwordLogin(browser, rp, login, loginId, PASSWORD);
  expect(waiting.url).toMatch(/\/interaction\/[^/]+\/approval$/);
  expect(waiting.status).toBe(200);
  const uid = /\/interaction\/([^/]+)\/approval$/.exec(waiting.url)![1]!;
  const pendingLogin = await idp.container.pending.get(uid);
  const approvalId = pendingLogin?.approvalId;
  expect(approvalId).toMatch(/^apr_/);
  return { browser, waiting, approvalId: approvalId!, number: shownNumber(waiting.html) };
}

/** The login does not get through: /finish redirects back to the waiting page, never to the relying party. */
async function expectNoCode(rp: RelyingParty, browser: Browser, waiting: Page) {
  const finishUrl = waiting.url.replace(/\/approval$/, '/finish');
  const response = await browser.request(finishUrl);
  expect(response.status).toBeGreaterThanOrEqual(300);
  expect(response.status).toBeLessThan(400);
  const location = new URL(response.headers.get('location')!, finishUrl).toString();
  expect(location).toBe(waiting.url);
  expect(location.startsWith(rp.redirectUri)).toBe(false);
  // Following everything from /finish never reaches the callback with a code either.
  const page = await browser.go(finishUrl, {}, rp.redirectUri);
  expect(page.status).not.toBe(0);
}

/** The refusal as DeviceApiError (fails the test when the call succeeds). */
async function refusal(call: Promise<unknown>): Promise<DeviceApiError> {
  const error = await call.then(
    () => {
      throw new Error('expected the call to be refused');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DeviceApiError);
  return error as DeviceApiError;
}

/** GET /ident/api/approvals with a given device token (the client builds a fresh one each time). */
async function listWithToken(url: string, token: string) {
  const response = await fetch(`${url}/ident/api/approvals`, { headers: { accept: 'application/json', authorization: `Device ${token}` } });
  const json = (await response.json()) as { error?: string; approvals?: unknown[] };
  return { status: response.status, json };
}

describe('answers from the app that are refused', () => {
  it('a replayed decision token: the same signed answer twice → 401 device.tokenReplayed', async () => {
    const s = await setup();
    const device = await enrolDevice(s.idp, '200001');
    const login = await waitingLogin(s);
    const token = await DeviceClient.decisionToken(device.state, login.approvalId, 'deny');
    expect(await device.client.sendDecision(login.approvalId, token)).toEqual({ id: login.approvalId, status: 'denied' });
    const replay = await refusal(device.client.sendDecision(login.approvalId, token));
    expect(replay.status).toBe(401);
    expect(replay.code).toBe('device.tokenReplayed');
    await expectNoCode(s.rp, login.browser, login.waiting);
  });

  it('a replayed device token on GET /approvals → 401 device.tokenReplayed', async () => {
    const s = await setup();
    const device = await enrolDevice(s.idp, '200001');
    const login = await waitingLogin(s);
    const token = await DeviceClient.deviceToken(device.state, 'fi-device+jwt');
    const first = await listWithToken(s.idp.url, token);
    expect(first.status).toBe(200);
    expect(first.json.approvals).toHaveLength(1);
    const second = await listWithToken(s.idp.url, token);
    expect(second).toEqual({ status: 401, json: expect.objectContaining({ error: 'device.tokenReplayed' }) });
    await expectNoCode(s.rp, login.browser, login.waiting);
  });

  it('a late answer after the approval expired → 410 approval.expired', async () => {
    const s = await setup();
    const device = await enrolDevice(s.idp, '200001');
    const login = await waitingLogin(s);
    s.clock.advance(31_000);
    const late = await refusal(device.client.decide(device.state, login.approvalId, 'approve', { number: login.number }));
    expect(late.status).toBe(410);
    expect(late.code).toBe('approval.expired');
    expect(await device.client.pending(device.state)).toEqual([]);
    await expectNoCode(s.rp, login.browser, login.waiting);
  });

  it('a wrong number → 422 approval.wrongNumber, and the waiting page shows the ended state', async () => {
    const s = await setup();
    const device = await enrolDevice(s.idp, '200001');
    const login = await waitingLogin(s);
    const wrong = login.number === '000000' ? '111111' : '000000';
    const error = await refusal(device.client.decide(device.state, login.approvalId, 'approve', { number: wrong }));
    expect(error.status).toBe(422);
    expect(error.code).toBe('approval.wrongNumber');
    // The request is over: a second try with the right number is too late.
    const again = await refusal(device.client.decide(device.state, login.approvalId, 'approve', { number: login.number }));
    expect(again.code).toBe('approval.alreadyDecided');

    const page = await login.browser.go(login.waiting.url);
    expect(page.status).toBe(409);
    expect(page.html).not.toContain('id="approval-number"');
    expect(alertText(page.html)).toBe(translate('de', 'approval.wrongNumberPage'));
    await expectNoCode(s.rp, login.browser, login.waiting);
  });

  it("another account's device → 404 approval.notFound", async () => {
    const s = await setup();
    await enrolDevice(s.idp, '200001');
    const other = await enrolDevice(s.idp, '200006');
    const login = await waitingLogin(s);
    const error = await refusal(other.client.decide(other.state, login.approvalId, 'approve', { number: login.number }));
    expect(error.status).toBe(404);
    expect(error.code).toBe('approval.notFound');
    expect(await other.client.pending(other.state)).toEqual([]);
    await expectNoCode(s.rp, login.browser, login.waiting);
  });

  it('a removed device → 401 device.unknown', async () => {
    const s = await setup();
    const kept = await enrolDevice(s.idp, '200001');
    const removed = await enrolDevice(s.idp, '200001', PASSWORD, { name: 'Old phone' });
    const login = await waitingLogin(s);
    await kept.client.removeDevice(kept.state, removed.state.deviceId);
    expect((await kept.client.devices(kept.state)).map((d) => d.id)).toEqual([kept.state.deviceId]);
    const error = await refusal(removed.client.decide(removed.state, login.approvalId, 'approve', { number: login.number }));
    expect(error.status).toBe(401);
    expect(error.code).toBe('device.unknown');
    await expectNoCode(s.rp, login.browser, login.waiting);
  });

  it('a key that was never enrolled (made-up kid) → 401 device.unknown', async () => {
    const s = await setup();
    await enrolDevice(s.idp, '200001');
    const login = await waitingLogin(s);
    const { privateJwk } = await DeviceClient.generateKey();
    const stranger: DeviceKeyState = { url: s.idp.url, deviceId: `dev_${randomBytes(18).toString('base64url')}`, accessNumber: '200001', accountName: 'x', privateJwk };
    const client = new DeviceClient(s.idp.url);
    const error = await refusal(client.decide(stranger, login.approvalId, 'approve', { number: login.number }));
    expect(error.status).toBe(401);
    expect(error.code).toBe('device.unknown');
    const listing = await refusal(client.pending(stranger));
    expect(listing.code).toBe('device.unknown');
    await expectNoCode(s.rp, login.browser, login.waiting);
  });

  it('a malformed JWS → 401 device.tokenInvalid', async () => {
    const s = await setup();
    const device = await enrolDevice(s.idp, '200001');
    const login = await waitingLogin(s);
    const garbage = await refusal(device.client.sendDecision(login.approvalId, 'this-is-not-a-jws-at-all.nope'));
    expect(garbage.status).toBe(401);
    expect(garbage.code).toBe('device.tokenInvalid');
    // A real token with its signature swapped for another one's.
    const token = await DeviceClient.decisionToken(device.state, login.approvalId, 'approve', { number: login.number });
    const other = await DeviceClient.decisionToken(device.state, login.approvalId, 'deny');
    const forged = `${token.split('.').slice(0, 2).join('.')}.${other.split('.')[2]}`;
    const badSignature = await refusal(device.client.sendDecision(login.approvalId, forged));
    expect(badSignature.status).toBe(401);
    expect(badSignature.code).toBe('device.tokenInvalid');
    // A decision token for another approval id than the URL's.
    const elsewhere = await refusal(device.client.sendDecision(`apr_${randomBytes(18).toString('base64url')}`, token));
    expect(elsewhere.code).toBe('device.tokenInvalid');
    await expectNoCode(s.rp, login.browser, login.waiting);
  });

  it('two answers at the same time: exactly one wins, the other is 409 approval.alreadyDecided', async () => {
    const s = await setup();
    const device = await enrolDevice(s.idp, '200001');
    const login = await waitingLogin(s);
    const results = await Promise.allSettled([
      device.client.decide(device.state, login.approvalId, 'approve', { number: login.number }),
      device.client.decide(device.state, login.approvalId, 'approve', { number: login.number }),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]!.reason).toBeInstanceOf(DeviceApiError);
    expect(lost[0]!.reason).toMatchObject({ status: 409, code: 'approval.alreadyDecided' });
    const audit = await s.idp.container.audit.list({ accountId: 'acc_customer' });
    expect(audit.filter((e) => e.type === 'approval.approved')).toHaveLength(1);
    // The one accepted answer lets the login through once.
    const callback = await login.browser.go(login.waiting.url.replace(/\/approval$/, '/finish'), {}, s.rp.redirectUri);
    expect(callback.status).toBe(0);
    expect(new URL(callback.url).searchParams.get('code')).toBeTruthy();
  });

  it('"this wasn\'t me": the waiting page shows the not-me text and the audit log has approval.not_me', async () => {
    const s = await setup();
    const device = await enrolDevice(s.idp, '200001');
    const login = await waitingLogin(s);
    expect(await device.client.decide(device.state, login.approvalId, 'deny', { notMe: true })).toEqual({ id: login.approvalId, status: 'denied' });
    const page = await login.browser.go(login.waiting.url);
    expect(page.status).toBe(409);
    expect(alertText(page.html)).toBe(translate('de', 'approval.notMe'));
    // No "send a new request" after a not-me.
    expect(page.html).not.toContain('/approval/resend');
    const audit = await s.idp.container.audit.list({ accountId: 'acc_customer' });
    const notMe = audit.filter((e) => e.type === 'approval.not_me');
    expect(notMe).toHaveLength(1);
    expect(notMe[0]).toMatchObject({ deviceId: device.state.deviceId, details: expect.objectContaining({ approvalId: login.approvalId }) });
    await expectNoCode(s.rp, login.browser, login.waiting);
  });
});

describe('push bombing', () => {
  it('with APPROVAL_MAX_OPEN_PER_ACCOUNT=2 the third password login while two are open is refused with 429', async () => {
    const s = await setup({ APPROVAL_MAX_OPEN_PER_ACCOUNT: '2' });
    const device = await enrolDevice(s.idp, '200001');
    await waitingLogin(s);
    await waitingLogin(s);
    const browser = new Browser();
    const login = await s.rp.start();
    const third = await passwordLogin(browser, s.rp, login, '200001', PASSWORD);
    expect(third.status).toBe(429);
    expect(alertText(third.html)).toBe(translate('de', 'approval.tooManyOpen'));
    expect(third.html).not.toContain('id="approval-number"');
    expect(await device.client.pending(device.state)).toHaveLength(2);
    const audit = await s.idp.container.audit.list({ accountId: 'acc_customer', type: 'approval.created' });
    expect(audit).toHaveLength(2);
  });
});

describe('enrolment refusals', () => {
  const facts = { name: 'Testphone', platform: 'ios' as const, osVersion: '17.2' };

  async function startEnrolment(s: Setup) {
    const client = new DeviceClient(s.idp.url);
    const { enrolmentId } = await client.startEnrolment('200001', PASSWORD);
    const account = await s.idp.container.accounts.findByAccessNumber('200001');
    return { client, enrolmentId, code: lastCode(s.idp, account!.mobile!) };
  }

  it('an expired activation code → 410 enrolment.codeExpired', async () => {
    const s = await setup({ ENROLMENT_CODE_TTL_SECONDS: '60' });
    const e = await startEnrolment(s);
    s.clock.advance(61_000);
    const error = await refusal(e.client.completeEnrolment(e.enrolmentId, e.code, facts));
    expect(error.status).toBe(410);
    expect(error.code).toBe('enrolment.codeExpired');
    expect(await s.idp.container.devices.listByAccount('acc_customer')).toEqual([]);
  });

  it('wrong codes → 400 enrolment.codeWrong, then 429 enrolment.tooManyTries; the right code is refused afterwards', async () => {
    const s = await setup({ ENROLMENT_CODE_MAX_TRIES: '3' });
    const e = await startEnrolment(s);
    const wrong = e.code === '000000' ? '111111' : '000000';
    for (const left of [2, 1]) {
      const error = await refusal(e.client.completeEnrolment(e.enrolmentId, wrong, facts));
      expect(error.status).toBe(400);
      expect(error.code).toBe('enrolment.codeWrong');
      expect(error.message).toContain(String(left));
    }
    const last = await refusal(e.client.completeEnrolment(e.enrolmentId, wrong, facts));
    expect(last.status).toBe(429);
    expect(last.code).toBe('enrolment.tooManyTries');
    const right = await refusal(e.client.completeEnrolment(e.enrolmentId, e.code, facts));
    expect(right.status).toBe(410);
    expect(right.code).toBe('enrolment.codeExpired');
    expect(await s.idp.container.devices.listByAccount('acc_customer')).toEqual([]);
  });

  it('an OS that is too old → 422 enrolment.osTooOld naming the minimum; iOS 15.4 is accepted', async () => {
    const s = await setup();
    const e = await startEnrolment(s);
    const ios = await refusal(e.client.completeEnrolment(e.enrolmentId, e.code, { ...facts, platform: 'ios', osVersion: '15.3' }));
    expect(ios.status).toBe(422);
    expect(ios.code).toBe('enrolment.osTooOld');
    expect(ios.message).toContain('15.4');
    const android = await refusal(e.client.completeEnrolment(e.enrolmentId, e.code, { ...facts, platform: 'android', osVersion: '6.0' }));
    expect(android.status).toBe(422);
    expect(android.code).toBe('enrolment.osTooOld');
    expect(android.message).toContain('7.0');
    // The OS check does not use up the code: the same code enrols an iPhone on exactly 15.4.
    const state = await e.client.completeEnrolment(e.enrolmentId, e.code, { ...facts, osVersion: '15.4' });
    expect(state.deviceId).toMatch(/^dev_/);
    const listed = await e.client.devices(state);
    expect(listed).toEqual([expect.objectContaining({ id: state.deviceId, platform: 'ios', osVersion: '15.4', current: true })]);
  });
});
