// Issue 9 with issue 10.2: the password flow's resend cool-down holds under simultaneous requests (one compare-and-set):
// of 30 resends at once exactly one hands a new code over, the others are told to wait — on the real Redis and in memory.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Browser, findForm } from '../helpers/browser.js';
import { startTestIdp, type TestIdp } from '../helpers/test-idp.js';
import { requestsArrived, STORES, tally } from '../helpers/concurrency.js';
import { ManualClock, MINUTE } from '../../src/shared/clock.js';

const N = 30;

describe.each(STORES)('password resend cool-down under simultaneous requests ($name)', ({ redis }) => {
  let idp: TestIdp;
  const clock = new ManualClock(Date.UTC(2026, 2, 2, 9, 0, 0));
  beforeAll(async () => {
    idp = await startTestIdp({ redis, clock });
  }, 60_000);
  afterAll(async () => idp?.close());

  it(`${N} resends at once after the cool-down: one new code, ${N - 1} told to wait`, async () => {
    const mobile = '+4915122222203';
    const browser = new Browser();
    const forgot = await browser.go(`${idp.url}/password/forgot`);
    const page = await browser.submit(forgot, '/password/forgot', { loginId: '200003' });
    expect(page.url).toMatch(/\/password\/code$/);
    await idp.container.passwordSetup.passwords.settled();
    const sent = () => idp.container.smsSink!.list().filter((m) => m.to === mobile && m.purpose === 'password').length;
    expect(sent()).toBe(1);

    clock.advance(2 * MINUTE); // the flow's cool-down (and the code's) has passed
    const form = findForm(page.html, '/password/code/resend');
    const action = new URL(form.action, page.url).toString();
    const arrived = requestsArrived(idp.server, N);
    const answers = Array.from({ length: N }, async () => {
      const response = await browser.request(action, { method: 'POST', form: form.fields });
      await response.arrayBuffer();
      return response.status === 303 ? String(response.headers.get('location')) : String(response.status);
    });
    await arrived;
    expect(tally(await Promise.all(answers))).toEqual({ '/password/code?info=requested': 1, '429': N - 1 });
    await idp.container.passwordSetup.passwords.settled();
    expect(sent()).toBe(2);
  }, 60_000);
});
