// Two IdP processes on one Redis Cluster (REDIS_CLUSTER_NODES, three masters): the browser waits on instance A while
// the app's answer arrives at instance B; A's waiting page hears it through cluster pub/sub and the login finishes on A.
// /readyz reports the cluster's slot coverage; REDIS_URL together with REDIS_CLUSTER_NODES stops the start.
//
// As in two-instances.test.ts, devices are in memory per process here (no MONGODB_URI), so the same device key pair
// is enrolled on A and on B; approvals, interactions, sessions and tokens live in the shared cluster.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT_DIR } from '../../src/container.js';
import { DeviceClient } from '../../src/ident-client/device-client.js';
import { Browser } from '../helpers/browser.js';
import { passwordLogin } from '../helpers/relying-party.js';
import { shownNumber } from '../helpers/device.js';
import { enrolOnProcess, freePort, processRelyingParty, startIdpProcess, stopIdpProcess, type IdpProcess } from '../helpers/idp-process.js';
import { testRedisClusterSeeds } from '../helpers/redis.js';

const PASSWORD = 'Demo-Passwort-2026';

let stateDir: string;
let a: IdpProcess | undefined;
let b: IdpProcess | undefined;
let issuer: string;

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'fi-cluster-instances-'));
  const [portA, portB] = [await freePort(), await freePort()];
  issuer = `http://localhost:${portA}`;
  const env = { ISSUER: issuer, REDIS_CLUSTER_NODES: testRedisClusterSeeds(), REDIS_KEY_PREFIX: `fic${randomBytes(4).toString('hex')}:`, DEV_STATE_DIR: stateDir };
  // A first: it generates the development keys into the shared DEV_STATE_DIR, which B then reads.
  a = await startIdpProcess(portA, env);
  b = await startIdpProcess(portB, env);
}, 150_000);

afterAll(async () => {
  await Promise.all([stopIdpProcess(a), stopIdpProcess(b)]);
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
}, 30_000);

describe('two instances on one Redis Cluster', () => {
  it('/readyz on each instance reports every slot of the cluster covered', async () => {
    for (const instance of [a!, b!]) {
      const res = await fetch(`${instance.url}/readyz`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: 'ready', checks: { redis: 'ok: all 16384 slots covered, 3 masters' } });
    }
  });

  it('the browser waits on A, the device answers through B, A reports approved and finishes the login with MFA', async () => {
    const key = await DeviceClient.generateKey();
    const onA = await enrolOnProcess(a!, issuer, key);
    const onB = await enrolOnProcess(b!, issuer, key);

    const rp = await processRelyingParty(a!, issuer, 'financecloud');
    const browser = new Browser();
    const started = await rp.start();
    const waiting = await passwordLogin(browser, rp, started, '200001', PASSWORD);
    expect(waiting.status).toBe(200);
    expect(waiting.url.startsWith(`${a!.url}/interaction/`)).toBe(true);
    expect(waiting.url).toMatch(/\/approval$/);
    const number = shownNumber(waiting.html);
    expect(number).toMatch(/^\d{6}$/);

    // Finishing before the decision does not complete the login: the waiting page is shown again.
    const early = await browser.go(waiting.url.replace(/\/approval$/, '/finish'), {}, rp.redirectUri);
    expect(early.status).not.toBe(0);
    expect(early.url).not.toContain('code=');

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
      const pending = await onB.client.pending(onB.state);
      expect(pending).toHaveLength(1);
      expect(await onB.client.decide(onB.state, pending[0]!.id, 'approve', { number })).toEqual({ id: pending[0]!.id, status: 'approved' });
      expect(await nextStatus()).toBe('approved');
    } finally {
      await reader.cancel().catch(() => undefined);
    }
    expect(onA.state.deviceId).not.toBe(onB.state.deviceId);

    const callback = await browser.go(waiting.url.replace(/\/approval$/, '/finish'), {}, rp.redirectUri);
    expect(callback.status).toBe(0);
    const tokens = await rp.finish(callback.url, started);
    const claims = await rp.verifyIdToken(tokens.id_token!);
    expect(claims).toMatchObject({ sub: 'acc_customer', acr: 'urn:financeident:acr:mfa', amr: ['pwd', 'mfa', 'hwk'] });

    // The code is single-use on the cluster too, and its tokens are revoked when it is replayed (grant revocation).
    const { userinfo_endpoint: userinfoUrl } = (await (await fetch(`${a!.url}/.well-known/openid-configuration`)).json()) as { userinfo_endpoint: string };
    expect((await fetch(userinfoUrl, { headers: { authorization: `Bearer ${tokens.access_token}` } })).status).toBe(200);
    await expect(rp.finish(callback.url, started)).rejects.toMatchObject({ error: 'invalid_grant' });
    expect((await fetch(userinfoUrl, { headers: { authorization: `Bearer ${tokens.access_token}` } })).status).toBe(401);
  }, 90_000);

  it('refuses to start with REDIS_URL and REDIS_CLUSTER_NODES both set, naming them', async () => {
    const child = spawn(join(ROOT_DIR, 'node_modules/.bin/tsx'), ['src/main.ts'], {
      cwd: ROOT_DIR,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), PORT: '0', REDIS_URL: 'redis://127.0.0.1:6379', REDIS_CLUSTER_NODES: testRedisClusterSeeds() },
    });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    expect(code).toBe(1);
    expect(stderr).toContain('REDIS_CLUSTER_NODES and REDIS_URL');
    expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
  }, 60_000);
});
