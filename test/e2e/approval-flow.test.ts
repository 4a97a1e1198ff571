// A whole login end to end: openid-client RP, password in the browser, the waiting page's live status (SSE and
// long polling), the financeIDENT device approving with the shown number, then code → ID token with acr/amr of MFA.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestIdp, type TestIdp } from '../helpers/test-idp.js';
import { Browser } from '../helpers/browser.js';
import { RelyingParty, passwordLogin } from '../helpers/relying-party.js';
import { enrolDevice, shownNumber } from '../helpers/device.js';
import type { Device } from '../helpers/login-flow.js';

let idp: TestIdp;
let device: Device;
beforeAll(async () => {
  idp = await startTestIdp();
  device = await enrolDevice(idp, '200001');
});
afterAll(async () => idp.close());

/** Reads `event: status` messages of a server-sent event stream one by one, as the waiting page's script does. */
async function openStatusEvents(browser: Browser, url: string) {
  const response = await browser.request(url, { headers: { accept: 'text/event-stream' } });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  return {
    async next(): Promise<string> {
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = /^data: (.*)$/m.exec(block);
          if (/^event: status$/m.test(block) && data) return (JSON.parse(data[1]!) as { status: string }).status;
          continue; // a comment (heartbeat)
        }
        const { value, done } = await reader.read();
        if (done) throw new Error(`event stream ended; unread: ${buffer}`);
        buffer += decoder.decode(value, { stream: true });
      }
    },
    /** Resolves true when the server ends the stream (after a final status). */
    async ended(): Promise<boolean> {
      const { done } = await reader.read();
      return done;
    },
    async close() {
      await reader.cancel().catch(() => undefined);
    },
  };
}

async function startLogin() {
  const rp = await RelyingParty.discover(idp, 'financecloud');
  const browser = new Browser();
  const started = await rp.start();
  const waiting = await passwordLogin(browser, rp, started, '200001', 'Demo-Passwort-2026');
  expect(waiting.status).toBe(200);
  expect(waiting.url).toMatch(/\/interaction\/[^/]+\/approval$/);
  const number = shownNumber(waiting.html);
  expect(number).toMatch(/^\d{6}$/);
  return { rp, browser, started, waiting, number: number! };
}

async function finishAndCheckTokens(ctx: Awaited<ReturnType<typeof startLogin>>) {
  const callback = await ctx.browser.go(ctx.waiting.url.replace(/\/approval$/, '/finish'), {}, ctx.rp.redirectUri);
  expect(callback.status).toBe(0);
  expect(new URL(callback.url).searchParams.get('code')).toBeTruthy();
  const tokens = await ctx.rp.finish(callback.url, ctx.started);
  const claims = await ctx.rp.verifyIdToken(tokens.id_token!);
  expect(claims.sub).toBe('acc_customer');
  expect(claims.acr).toBe('urn:financeident:acr:mfa');
  expect(claims.amr).toEqual(['pwd', 'mfa', 'hwk']);
}

describe('password → approval in the app → ID token', () => {
  it('the SSE stream reports pending, then approved after the device approves; the login finishes with MFA claims', async () => {
    const ctx = await startLogin();
    const events = await openStatusEvents(ctx.browser, `${ctx.waiting.url}/events`);
    try {
      expect(await events.next()).toBe('pending');

      // The device sees exactly this request, without the number to match.
      const pending = await device.client.pending(device.state);
      expect(pending).toHaveLength(1);
      expect(JSON.stringify(pending[0])).not.toContain(ctx.number);
      expect(pending[0]!.clientId).toBe('financecloud');
      const decided = await device.client.decide(device.state, pending[0]!.id, 'approve', { number: ctx.number });
      expect(decided).toEqual({ id: pending[0]!.id, status: 'approved' });

      expect(await events.next()).toBe('approved');
      expect(await events.ended()).toBe(true);
    } finally {
      await events.close();
    }
    await finishAndCheckTokens(ctx);
  });

  it('the long-poll status (?wait=1) answers "approved" promptly once decided', async () => {
    const ctx = await startLogin();
    const statusUrl = `${ctx.waiting.url}/status`;
    const now = await ctx.browser.request(statusUrl);
    expect(now.status).toBe(200);
    expect(now.headers.get('cache-control')).toBe('no-store');
    expect(await now.json()).toEqual({ status: 'pending' });

    const polling = ctx.browser.request(`${statusUrl}?wait=1`).then(async (r) => ({ status: r.status, body: (await r.json()) as unknown, at: Date.now() }));
    // The long poll holds while the approval is pending.
    const early = await Promise.race([polling.then(() => 'answered'), new Promise((r) => setTimeout(() => r('waiting'), 300))]);
    expect(early).toBe('waiting');

    const [pending] = await device.client.pending(device.state);
    const decidedAt = Date.now();
    await device.client.decide(device.state, pending!.id, 'approve', { number: ctx.number });
    const answer = await polling;
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ status: 'approved' });
    expect(answer.at - decidedAt).toBeLessThan(2000);

    await finishAndCheckTokens(ctx);
  });
});
