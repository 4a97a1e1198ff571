// Failover on a Redis Cluster (three masters, each with a replica): the node the IdP listens on for decisions (its
// pub/sub subscriber) is killed while logins wait for their approval, and a master with it (the same node, or another
// one when the subscriber was on a replica). No login reaches the relying party without its approval (every code
// carries amr mfa), /readyz says 503 while the cluster heals, and the service recovers by itself: the replica takes
// over, a waiting page opened before the failure still hears its approval, and a whole new login works.
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
  cluster = await startRedisCluster({ replicaFor: [0, 1, 2], nodeTimeoutMs: 1500 });
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

/** The waiting page's live status stream (server-sent events), read one `status` event at a time. */
async function statusEvents(login: Waiting) {
  const response = await login.browser.request(`${login.waitingUrl}/events`, { headers: { accept: 'text/event-stream' } });
  expect(response.status).toBe(200);
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  return {
    async next(): Promise<string> {
      for (;;) {
        const m = /event: status\ndata: (.*)\n\n/.exec(buffer);
        if (m) {
          buffer = buffer.slice(m.index + m[0].length);
          return (JSON.parse(m[1]!) as { status: string }).status;
        }
        const { value, done } = await reader.read();
        if (done) throw new Error(`event stream ended: ${buffer}`);
        buffer += decoder.decode(value, { stream: true });
      }
    },
    close: () => reader.cancel().catch(() => undefined),
  };
}

/** The node where a client holds a pub/sub subscription (only the IdP subscribes on this cluster). */
async function nodeWithSubscriber(): Promise<number> {
  const lists = await Promise.all(cluster.nodes.map((_, i) => cluster.command(i, 'client', 'list')));
  const found = lists.map((list, i) => (/\bsub=[1-9]/.test(list) ? i : -1)).filter((i) => i >= 0);
  expect(found).toHaveLength(1);
  return found[0]!;
}

describe('Redis Cluster failover', () => {
  it('the subscriber node and a master are killed mid-run: no login completes without its approval; the service recovers by itself', async () => {
    // Six logins wait; three are approved before the failure, three never are.
    const logins: Waiting[] = [];
    for (let i = 0; i < 6; i++) logins.push(await startWaiting());
    for (const login of logins.slice(0, 3)) await approve(login);
    const unapproved = logins.slice(3);

    // A waiting page listening for its outcome (server-sent events) before the failure.
    const watched = unapproved[1]!;
    const events = await statusEvents(watched);
    expect(await events.next()).toBe('pending');

    // The node holding the IdP's subscription goes, and a master with it.
    const subscriberNode = await nodeWithSubscriber();
    const victims = [subscriberNode];
    const node = cluster.nodes[subscriberNode]!;
    if (node.role === 'replica') victims.push(node.replicaOf === 0 ? 1 : 0);
    const master = victims.find((i) => cluster.nodes[i]!.role === 'master')!;
    const promoted = cluster.nodes.findIndex((n) => n.replicaOf === master);
    await Promise.all(victims.map((i) => cluster.killNode(i)));

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
    process.stdout.write(`failover (killed ${victims.map((i) => `${cluster.nodes[i]!.role} ${i}`).join(' and ')}): /readyz not ready from ${down[0]?.at} ms to ${down.at(-1)?.at} ms after the kill (${down.length} of ${readyz.length} polls); reasons ${JSON.stringify([...reasons])}; ${completed.size} logins reached the relying party meanwhile\n`);
    // The outage was visible, and it ended by itself (the replica took over the slots).
    expect(down.length).toBeGreaterThan(0);
    expect(down.every((r) => r.status === 503)).toBe(true);
    expect(readyz.at(-1)!.status).toBe(200);
    // The reasons name the cluster's state, never a host or a driver's error text.
    for (const reason of reasons) {
      expect(reason).toMatch(/^(failed: (\d+ of 16384 slots covered \(cluster_state \w+\)|\d of \d masters unreachable|Redis Cluster not connected)|timeout)$/);
    }
    const body = (await (await fetch(`${idp.url}/readyz`)).json()) as { checks: Record<string, string> };
    expect(body.checks.redis).toBe('ok: all 16384 slots covered, 3 masters');
    expect(await cluster.roleOf(promoted)).toBe('master');
    expect((await cluster.clusterInfo(promoted)).cluster_state).toBe('ok');

    // No unapproved login reached the relying party, during the outage or after it.
    for (const login of unapproved) {
      expect(completed.has(login)).toBe(false);
      expect(await tryFinish(login)).toBe('not completed');
    }

    // After recovery: a waiting login can still be approved and finished, the page that listened since before the
    // failure hears its approval, and a whole new login works.
    const late = unapproved[0]!;
    await approve(late);
    expect(await tryFinish(late)).toBe('completed');
    try {
      await approve(watched);
      expect(await events.next()).toBe('approved');
    } finally {
      await events.close();
    }
    expect(await tryFinish(watched)).toBe('completed');
    const fresh = await startWaiting();
    expect(await tryFinish(fresh)).toBe('not completed');
    await approve(fresh);
    expect(await tryFinish(fresh)).toBe('completed');
  }, 150_000);
});
