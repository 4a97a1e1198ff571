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
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT_DIR } from '../../src/container.js';
import { parseClients } from '../../src/config/clients.js';
import { DeviceClient, type DeviceKeyState } from '../../src/ident-client/device-client.js';
import { startRedisServer, type RedisServerHandle } from '../helpers/redis-server.js';
import { Browser } from '../helpers/browser.js';
import { RelyingParty, passwordLogin } from '../helpers/relying-party.js';
import { shownNumber } from '../helpers/device.js';
import type { TestIdp } from '../helpers/test-idp.js';
import { freePort, startIdpProcess, stopIdpProcess, type IdpProcess } from '../helpers/idp-process.js';

const MOBILE = '+4915122222201';
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

/** The latest activation code sent to `to`, from the instance's development SMS inbox. */
async function activationCode(instance: Instance, to: string): Promise<string> {
  const messages = (await (await fetch(`${instance.url}/dev/sms?to=${encodeURIComponent(to)}`)).json()) as { text: string; purpose: string }[];
  const code = /(\d{6,8})/.exec(messages.find((m) => m.purpose === 'activation')?.text ?? '')?.[1];
  if (!code) throw new Error(`no activation code for ${to} on ${instance.url}`);
  return code;
}

/** Enrols the given key pair on one instance; device tokens are addressed to the shared issuer's device API. */
async function enrolOn(instance: Instance, key: { privateJwk: import('jose').JWK; publicJwk: import('jose').JWK }) {
  const client = new DeviceClient(instance.url);
  const { enrolmentId } = await client.startEnrolment('200001', PASSWORD);
  const code = await activationCode(instance, MOBILE);
  const state = await client.completeEnrolment(enrolmentId, code, { name: 'Testphone', platform: 'ios', osVersion: '17.2' }, key);
  // `aud` of every device JWS is `${ISSUER}/ident/api`, the same for all instances behind the load balancer.
  const addressed: DeviceKeyState = { ...state, url: issuer };
  return { client, state: addressed };
}

async function relyingParty(instance: Instance, clientId: string): Promise<RelyingParty> {
  const clients = parseClients(JSON.parse(readFileSync(join(ROOT_DIR, 'config/demo-clients.json'), 'utf8')), issuer);
  // discover() needs only the base URL and the client list of a TestIdp.
  return RelyingParty.discover({ url: instance.url, container: { clients } } as unknown as TestIdp, clientId);
}

describe('two instances sharing one Redis', () => {
  it('the browser waits on A, the device answers through B, A reports approved and finishes the login', async () => {
    const key = await DeviceClient.generateKey();
    const onA = await enrolOn(a!, key);
    const onB = await enrolOn(b!, key);
    expect(onB.state.deviceId).not.toBe(onA.state.deviceId);

    const rp = await relyingParty(a!, 'financecloud');
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
