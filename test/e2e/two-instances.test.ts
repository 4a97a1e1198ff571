// Two IdP instances behind one issuer, sharing one Redis: the browser waits on instance A while the app's answer
// arrives at instance B; A's waiting page (SSE, via Redis pub/sub) sees it and the login finishes on A.
//
// Both instances run as real processes (src/main.ts) with the same REDIS_URL, REDIS_KEY_PREFIX, ISSUER and
// DEV_STATE_DIR (so they share the generated signing, cookie and VAPID keys). Approvals, interactions and nonces live
// in Redis and are shared. Devices, however, are in memory per process in this setup (no MONGODB_URI; production
// keeps them in MongoDB, shared by all instances), so the same device key pair is enrolled on A (A creates the
// approval and lists it) and on B (B authenticates the device, under B's own device id, and decides the approval
// of the same account in the shared Redis).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeviceClient } from '../../src/ident-client/device-client.js';
import { startRedisServer, type RedisServerHandle } from '../helpers/redis-server.js';
import { Browser } from '../helpers/browser.js';
import { passwordLogin } from '../helpers/relying-party.js';
import { shownNumber } from '../helpers/device.js';
import { enrolOnProcess, freePort, processRelyingParty, startIdpProcess, stopIdpProcess, type IdpProcess } from '../helpers/idp-process.js';

const PASSWORD = 'Demo-Passwort-2026';

type Instance = IdpProcess;

let redis: RedisServerHandle;
let stateDir: string;
let a: Instance | undefined;
let b: Instance | undefined;
let issuer: string;

const startInstance = (port: number) =>
  startIdpProcess(port, { ISSUER: issuer, REDIS_URL: redis.url, REDIS_KEY_PREFIX: 'fi2i:', DEV_STATE_DIR: stateDir });
const stopInstance = stopIdpProcess;

beforeAll(async () => {
  redis = await startRedisServer();
  stateDir = mkdtempSync(join(tmpdir(), 'fi-two-instances-'));
  const [portA, portB] = [await freePort(), await freePort()];
  issuer = `http://localhost:${portA}`;
  // A first: it generates the development keys into the shared DEV_STATE_DIR, which B then reads.
  a = await startInstance(portA);
  b = await startInstance(portB);
}, 90_000);

afterAll(async () => {
  await Promise.all([stopInstance(a), stopInstance(b)]);
  await redis?.stop();
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
}, 30_000);

describe('two instances sharing one Redis', () => {
  it('the browser waits on A, the device answers through B, A reports approved and finishes the login', async () => {
    const key = await DeviceClient.generateKey();
    const onA = await enrolOnProcess(a!, issuer, key);
    const onB = await enrolOnProcess(b!, issuer, key);
    expect(onB.state.deviceId).not.toBe(onA.state.deviceId);

    const rp = await processRelyingParty(a!, issuer, 'financecloud');
    const browser = new Browser();
    const started = await rp.start();
    const waiting = await passwordLogin(browser, rp, started, '200001', PASSWORD);
    expect(waiting.status).toBe(200);
    expect(waiting.url.startsWith(`${a!.url}/interaction/`)).toBe(true);
    expect(waiting.url).toMatch(/\/approval$/);
    const number = shownNumber(waiting.html);
    expect(number).toMatch(/^\d{6}$/);

    // A's live status stream, read incrementally.
    const response = await browser.request(`${waiting.url}/events`, { headers: { accept: 'text/event-stream' } });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    const nextStatus = async (): Promise<string> => {
      for (;;) {
        const m = /event: status\ndata: (.*)\n\n/.exec(buffer);
        if (m) {
          buffer = buffer.slice(m.index + m[0].length);
          return (JSON.parse(m[1]!) as { status: string }).status;
        }
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended: ${buffer}`);
        buffer += decoder.decode(value, { stream: true });
      }
    };
    try {
      expect(await nextStatus()).toBe('pending');
      // B lists the approval A created (shared Redis, same account) and decides it.
      const pending = await onB.client.pending(onB.state);
      expect(pending).toHaveLength(1);
      expect(await onB.client.decide(onB.state, pending[0]!.id, 'approve', { number })).toEqual({ id: pending[0]!.id, status: 'approved' });
      expect(await nextStatus()).toBe('approved');
    } finally {
      await reader.cancel().catch(() => undefined);
    }

    const callback = await browser.go(waiting.url.replace(/\/approval$/, '/finish'), {}, rp.redirectUri);
    expect(callback.status).toBe(0);
    expect(new URL(callback.url).searchParams.get('code')).toBeTruthy();
    const tokens = await rp.finish(callback.url, started);
    const claims = await rp.verifyIdToken(tokens.id_token!);
    expect(claims).toMatchObject({ sub: 'acc_customer', acr: 'urn:financeident:acr:mfa', amr: ['pwd', 'mfa', 'hwk'] });
  }, 60_000);
});
