// Many logins waiting at once: answer→event latency with N open waiting pages (scenario 2) and the IdP's RSS with
// thousands of open waiting pages (scenario 5). Each page is a real login up to the waiting page plus its SSE stream.
import { DeviceClient } from '../../src/ident-client/device-client.js';
import { BENCH_PASSWORD } from './accounts.js';
import { loginUntilApproval, shownNumber } from './flows.js';
import { HttpClient, openSse, type SseStream } from './http-client.js';
import { mapLimit, percentile, perCoreOf, round } from './load.js';
import { cpuSeconds, rssMiB, threadCount } from './servers.js';
import { CPUS, log, type BenchWorld } from './setup.js';

const ms = (sorted: number[]) => ({ p50: round(percentile(sorted, 50), 2), p99: round(percentile(sorted, 99), 2), max: round(sorted.at(-1)!, 2) });

/**
 * `count` logins wait at once (2 per account with 100 accounts), each with its SSE stream open; then the devices
 * answer (world.concurrency at a time). answer→event = arrival of the `approved` event − arrival of the decision
 * response (0 when the event came first).
 */
export async function measureAnswerToEvent(world: BenchWorld, count: number) {
  const { accounts, devices, idp } = world;
  const perAccount = Math.ceil(count / accounts.length);
  const waiting: { client: HttpClient; uid: string; number: string | null; approvalId: string; device: (typeof devices)[number]; sse?: SseStream }[] = [];
  await mapLimit(accounts, world.concurrency, async (account, index) => {
    const known = new Set<string>();
    for (let k = 0; k < perAccount && waiting.length < count; k++) {
      const client = new HttpClient(idp.url, world.agent);
      const { uid, page } = await loginUntilApproval(client, { rp: world.idpRp('financecloud'), credentials: { loginId: account.accessNumber, password: BENCH_PASSWORD } });
      const pending = await new DeviceClient(idp.url).pending(devices[index]!);
      const fresh = pending.filter((p) => !known.has(p.id));
      if (fresh.length !== 1) throw new Error(`expected one new approval, got ${fresh.length}`);
      known.add(fresh[0]!.id);
      waiting.push({ client, uid, number: shownNumber(page.body), approvalId: fresh[0]!.id, device: devices[index]! });
    }
  });
  for (const w of waiting) w.sse = openSse(w.client, `/interaction/${w.uid}/approval/events`);
  await Promise.all(waiting.map((w) => w.sse!.opened));
  const tokens = await Promise.all(waiting.map((w) => DeviceClient.decisionToken(w.device, w.approvalId, 'approve', { number: w.number })));
  const answerToEvent: number[] = [];
  const sendToEvent: number[] = [];
  const d0 = performance.now();
  await mapLimit(waiting, world.concurrency, async (w, i) => {
    const sent = performance.now();
    const decided = await new DeviceClient(idp.url).sendDecision(w.approvalId, tokens[i]!);
    const answered = performance.now();
    if (decided.status !== 'approved') throw new Error(`decision: ${decided.status}`);
    const event = await w.sse!.waitFor('approved');
    answerToEvent.push(Math.max(0, event - answered));
    sendToEvent.push(event - sent);
  });
  const decideSeconds = (performance.now() - d0) / 1000;
  for (const w of waiting) w.sse!.close();
  answerToEvent.sort((a, b) => a - b);
  sendToEvent.sort((a, b) => a - b);
  return { waitingAtOnce: waiting.length, decisionsPerSecond: round(waiting.length / decideSeconds), answerToEventMs: ms(answerToEvent), sendToEventMs: ms(sendToEvent) };
}

export interface PagesResult {
  openPages: number;
  wanted: number;
  errors: number;
  firstError?: string;
  rssIdleMiB: number;
  rssBeforeMiB: number;
  rssWithPagesMiB: number;
  /** When not all pages opened in time: the growth per page, scaled to `wanted`. */
  extrapolatedMiB?: number;
  threads: number;
  setupSeconds: number;
  setupLoginsPerSecond: number;
  setupServerCores: number;
  setupPerCore: number;
}

/** Scenario 5: `wanted` logins up to the waiting page, each keeping its SSE stream open; RSS 2 s after the last. */
export async function measureOpenPages(world: BenchWorld, wanted: number, idleRss: number, maxSeconds: number): Promise<PagesResult> {
  const { idp, accounts } = world;
  const streams: SseStream[] = [];
  const rssBefore = round(rssMiB(idp.pid));
  const cpu0 = cpuSeconds(idp.pid);
  const t0 = performance.now();
  const deadline = t0 + maxSeconds * 1000;
  let errors = 0;
  let firstError: string | undefined;
  const slots = Array.from({ length: wanted }, (_, i) => accounts[i % accounts.length]!);
  await mapLimit(slots, world.concurrency, async (account) => {
    if (performance.now() > deadline || errors > 20) return;
    try {
      const client = new HttpClient(idp.url, world.agent);
      const { uid } = await loginUntilApproval(client, { rp: world.idpRp('financecloud'), credentials: { loginId: account.accessNumber, password: BENCH_PASSWORD } });
      const sse = openSse(client, `/interaction/${uid}/approval/events`);
      await sse.opened;
      streams.push(sse);
    } catch (e) {
      errors++;
      firstError ??= e instanceof Error ? e.message : String(e);
    }
  });
  const seconds = (performance.now() - t0) / 1000;
  const cores = (cpuSeconds(idp.pid) - cpu0) / seconds;
  await new Promise((r) => setTimeout(r, 2000));
  const rssWith = round(rssMiB(idp.pid));
  if (errors) log(`scenario 5: ${errors} errors, first: ${firstError}`);
  for (const s of streams) s.close();
  const result: PagesResult = {
    openPages: streams.length,
    wanted,
    errors,
    ...(firstError ? { firstError } : {}),
    rssIdleMiB: idleRss,
    rssBeforeMiB: rssBefore,
    rssWithPagesMiB: rssWith,
    threads: threadCount(idp.pid),
    setupSeconds: round(seconds, 1),
    setupLoginsPerSecond: round(streams.length / seconds),
    setupServerCores: round(cores, 2),
    setupPerCore: round(perCoreOf(streams.length / seconds, cores, CPUS)),
  };
  if (result.openPages < wanted && result.openPages > 0) {
    result.extrapolatedMiB = round(rssBefore + ((rssWith - rssBefore) * wanted) / result.openPages);
  }
  return result;
}
