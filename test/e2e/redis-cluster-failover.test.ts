// Failover on a Redis Cluster (three masters, one with a replica): that master is killed while logins wait for their
// approval. No login reaches the relying party without its approval (every code carries amr mfa), /readyz says 503
// while the cluster heals, and the service recovers by itself: the replica takes over and a whole login works again.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestIdp, type TestIdp } from '../helpers/test-idp.js';
import { Browser, type Page } from '../helpers/browser.js';
import { RelyingParty, passwordLogin, type StartedLogin } from '../helpers/relying-party.js';
import { enrolDevice, shownNumber } from '../helpers/device.js';
import type { Device } from '../helpers/login-flow.js';
import { startRedisCluster, type RedisClusterHandle } from '../helpers/redis-cluster.js';

const PASSWORD = 'Demo-Passwort-2026';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let cluster: RedisClusterHandle;
let idp: TestIdp;
let rp: RelyingParty;
let device: Device;

beforeAll(async () => {
  cluster = await startRedisCluster({ replicaFor: [0], nodeTimeoutMs: 1500 });
  idp = await startTestIdp({
    redis: { cluster: cluster.seeds },
    env: { APPROVAL_MAX_OPEN_PER_ACCOUNT: '20', APPROVAL_MAX_PER_ACCOUNT_PER_HOUR: '200' },
  });
  rp = await RelyingParty.discover(idp, 'financecloud');
  device = await enrolDevice(idp, '200001');
}, 90_000);
afterAll(async () => {
  await idp?.close();
  await cluster?.stop();
});

interface Waiting {
  browser: Browser;
  started: StartedLogin;
  waitingUrl: string;
  number: string;
  approvalId: string;
  approved: boolean;
}

/** Password in a fresh browser up to the waiting page; the approval is found as the one new pending request. */
async function startWaiting(): Promise<Waiting> {
  const before = new Set((await device.client.pending(device.state)).map((p) => p.id));
  const browser = new Browser();
  const started = await rp.start();
  const waiting = await passwordLogin(browser, rp, started, '200001', PASSWORD);
  expect(waiting.url).toMatch(/\/interaction\/[^/]+\/approval$/);
  const number = shownNumber(waiting.html)!;
  const fresh = (await device.client.pending(device.state)).filter((p) => !before.has(p.id));
  expect(fresh).toHaveLength(1);
  return { browser, started, waitingUrl: waiting.url, number, approvalId: fresh[0]!.id, approved: false };
}

async function approve(login: Waiting): Promise<void> {
  expect(await device.client.decide(device.state, login.approvalId, 'approve', { number: login.number })).toMatchObject({ status: 'approved' });
  login.approved = true;
}

/**
 * Tries to finish. Reaching the relying party ('completed') is allowed only for an approved login, and the
 * ID token of its code must say mfa. 'code refused': it got a code, but the token endpoint could not redeem it
 * during the outage (nothing was issued; the browser would start again).
 */
async function tryFinish(login: Waiting): Promise<'completed' | 'code refused' | 'not completed'> {
  let page: Page;
  try {
    page = await login.browser.go(login.waitingUrl.replace(/\/approval$/, '/finish'), {}, rp.redirectUri);
  } catch {
    return 'not completed'; // the connection failed: nothing reached the relying party
  }
  if (page.status !== 0) {
    expect(page.url).not.toContain('code=');
    return 'not completed';
  }
  expect(login.approved).toBe(true);
  let idToken: string | undefined;
  try {
    idToken = (await rp.finish(page.url, login.started)).id_token;
  } catch {
    return 'code refused';
  }
  expect(await rp.verifyIdToken(idToken!)).toMatchObject({ acr: 'urn:financeident:acr:mfa', amr: ['pwd', 'mfa', 'hwk'] });
  return 'completed';
}

describe('Redis Cluster failover', () => {
  it('a master is killed mid-run: no login completes without its approval; the service recovers by itself', async () => {
    // Six logins wait; three are approved before the failure, three never are.
    const logins: Waiting[] = [];
    for (let i = 0; i < 6; i++) logins.push(await startWaiting());
    for (const login of logins.slice(0, 3)) await approve(login);
    const unapproved = logins.slice(3);

    await cluster.killNode(0);

    // While the cluster fails over: /readyz is watched every 100 ms, and every login tries to finish again and again.
    const killedAt = Date.now();
    const readyz: { at: number; status: number }[] = [];
    /** What /readyz said while it answered 503. */
    const reasons = new Set<string>();
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const res = await fetch(`${idp.url}/readyz`).catch(() => null);
        readyz.push({ at: Date.now() - killedAt, status: res?.status ?? 0 });
        const checks = ((await res?.json().catch(() => undefined)) as { checks?: Record<string, string> } | undefined)?.checks;
        if (res?.status === 503) reasons.add(checks?.redis ?? 'none');
        await sleep(100);
      }
    })();
    /** Logins that reached the relying party (with or without redeeming the code): not tried again. */
    const completed = new Set<Waiting>();
    const deadline = Date.now() + 60_000;
    const recovered = () => {
      const last = readyz.at(-1);
      const firstDown = readyz.findIndex((r) => r.status !== 200);
      // Down at some point, and 200 for the last second since.
      return firstDown >= 0 && last?.status === 200 && readyz.slice(firstDown).filter((r) => r.at > last.at - 1000).every((r) => r.status === 200) && last.at - readyz[firstDown]!.at > 1000;
    };
    while (Date.now() < deadline && !recovered()) {
      for (const login of logins) {
        if (completed.has(login)) continue;
        if ((await tryFinish(login)) !== 'not completed') completed.add(login);
      }
      await sleep(100);
    }
    watching = false;
    await watcher;
    const down = readyz.filter((r) => r.status !== 200);
    process.stdout.write(`failover: /readyz not ready from ${down[0]?.at} ms to ${down.at(-1)?.at} ms after the kill (${down.length} of ${readyz.length} polls); reasons ${JSON.stringify([...reasons])}; ${completed.size} logins reached the relying party meanwhile\n`);
    // The outage was visible, and it ended by itself (the replica took over the slots).
    expect(down.length).toBeGreaterThan(0);
    expect(down.every((r) => r.status === 503)).toBe(true);
    expect(readyz.at(-1)!.status).toBe(200);
    // The reasons name the cluster's state, never a host or a driver's error text.
    for (const reason of reasons) {
      expect(reason).toMatch(/^failed: (\d+ of 16384 slots covered \(cluster_state \w+\)|\d of \d masters unreachable|timeout after \d+ ms|Redis Cluster not connected)$/);
    }
    const body = (await (await fetch(`${idp.url}/readyz`)).json()) as { checks: Record<string, string> };
    expect(body.checks.redis).toBe('ok: all 16384 slots covered, 3 masters');
    expect(cluster.nodes[3]!.role).toBe('replica');
    expect((await cluster.clusterInfo(3)).cluster_state).toBe('ok');

    // No unapproved login reached the relying party, during the outage or after it.
    for (const login of unapproved) {
      expect(completed.has(login)).toBe(false);
      expect(await tryFinish(login)).toBe('not completed');
    }

    // After recovery: a waiting login can still be approved and finished, and a whole new login works.
    const late = unapproved[0]!;
    await approve(late);
    expect(await tryFinish(late)).toBe('completed');
    const fresh = await startWaiting();
    expect(await tryFinish(fresh)).toBe('not completed');
    await approve(fresh);
    expect(await tryFinish(fresh)).toBe('completed');
  }, 150_000);
});
