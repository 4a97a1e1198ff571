// `npm run bench`: the IdP and a bare oidc-provider on a throwaway redis-server, driven over HTTP on 127.0.0.1;
// prints the table of docs/benchmarks.md and writes bench-results/bench-<timestamp>.json.
//
// Options (environment): BENCH_CONCURRENCY (default 16 virtual users), BENCH_QUICK=1 (small counts, for a smoke
// run), BENCH_GUARD=1 (the CI guard: only the ratios of issue 15, scripts/bench/guard.ts), BENCH_CPU_PROF=1 (the IdP
// child runs with --cpu-prof; profiles land in bench-results/cpu-prof/), BENCH_SSE_PAGES (default 5000, scenario 5),
// BENCH_ONLY=broker (only scenario 6), BENCH_ONLY=trips (every Redis command of one login, by step and trip), BENCH_ONLY=argon2 (CPU per verification, 1/2/4 at once), BENCH_CLUSTER=1 (only the cost of a Redis Cluster against one Redis:
// scripts/bench/cluster.ts).
import os from 'node:os';
import { join } from 'node:path';
import { argon2CpuMsAtOnce, benchHash, loginBound, machine } from './baselines.js';
import { loadConfig } from '../../src/config/load-config.js';
import { benchBrokerList, brokerListRow } from './broker-list.js';
import { runClusterComparison } from './cluster.js';
import { runGuard } from './guard.js';
import { round } from './load.js';
import { formatTable, writeJson, type Row } from './report.js';
import { countLoginTrips, formatSteps, measureLogins } from './scenario-logins.js';
import { measureDiscovery, measureTokens, prepareTokens } from './scenario-tokens.js';
import { measureAnswerToEvent, measureOpenPages } from './scenario-waiting.js';
import { REPO_ROOT, rssMiB } from './servers.js';
import { CPUS, log, startWorld } from './setup.js';
import { loginRows, ratios } from './targets.js';

const QUICK = process.env.BENCH_QUICK === '1';
const round2 = (n: number) => round(n, 2);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const SSE_PAGES = Number(process.env.BENCH_SSE_PAGES ?? (QUICK ? 300 : 5000));
const WAITING_AT_ONCE = QUICK ? 50 : 200;
const CUSTOMERS = 100;
const scale = (n: number) => (QUICK ? Math.max(1, Math.round(n / 4)) : n);

async function main(): Promise<void> {
  if (process.env.BENCH_ONLY === 'broker') {
    const r = await benchBrokerList({ requests: QUICK ? 100 : 300 });
    process.stdout.write(`\n${formatTable([brokerListRow(r)])}\n\n`);
    log(`wrote ${writeJson(join(REPO_ROOT, 'bench-results'), { machine: machine(), scenario6: r })}`);
    return;
  }
  if (process.env.BENCH_ONLY === 'argon2') {
    // CPU per argon2id verification with 1, 2 and 4 running at once, in alternating windows (six rounds).
    const config = loadConfig({});
    const stored = await benchHash({ memoryCost: config.argon2MemoryKib, timeCost: config.argon2TimeCost });
    const perAtOnce: Record<number, number[]> = { 1: [], 2: [], 4: [] };
    for (let round = 0; round < 6; round++) for (const atOnce of [1, 2, 4]) perAtOnce[atOnce]!.push(round2(await argon2CpuMsAtOnce(stored, atOnce, 1500)));
    for (const [atOnce, ms] of Object.entries(perAtOnce)) process.stdout.write(`argon2id verify, ${atOnce} at once: ${ms.join(' ')} ms CPU each\n`);
    return;
  }
  if (process.env.BENCH_ONLY === 'trips') {
    // Every Redis command of one login, by step and round trip (for reading where the trips go).
    const world = await startWorld({ customers: 2, concurrency: 1 });
    try {
      await prepareTokens(world);
      const trips = await countLoginTrips(world, 2);
      process.stdout.write(`\n${formatSteps('1 remembered browser', trips.remembered, true)}\n${formatSteps('2 push approval', trips.approval, true)}\n${formatSteps('B bare provider', trips.bare, true)}\n`);
    } finally {
      await world.close();
    }
    return;
  }
  const started = performance.now();
  const results: Record<string, unknown> = { machine: machine(), loadAverageAtStart: os.loadavg().map((l) => round(l, 2)), concurrency: CONCURRENCY, quick: QUICK };
  log(`machine: ${JSON.stringify(results.machine)}; ${CONCURRENCY} virtual users`);
  const world = await startWorld({ customers: CUSTOMERS, concurrency: CONCURRENCY, cpuProf: process.env.BENCH_CPU_PROF === '1' });
  try {
    const { idp, base } = world;
    const idleRss = round(rssMiB(idp.pid));
    results.argon2Params = { ...world.argon2, parallelism: 1 };
    log(`IdP pid ${idp.pid} at ${idp.url} (RSS ${idleRss} MiB), baseline pid ${base.pid} at ${base.url}, redis ${world.redis.url} (via the round-trip proxy on ${world.proxy.port}); ${world.devices.length} devices`);

    const tokens = await prepareTokens(world);
    log('prepared: one approved login per virtual user, refresh and access tokens on both servers');

    const s4 = await measureDiscovery(world, scale(4));
    results.scenario4 = s4;
    log(`scenario 4: discovery ${s4['discovery.idp'].perSecond}/s (bare ${s4['discovery.bare'].perSecond}/s), jwks ${s4['jwks.idp'].perSecond}/s (bare ${s4['jwks.bare'].perSecond}/s)`);

    const s3 = await measureTokens(world, tokens, { seconds: scale(4), rounds: 2 });
    results.scenario3 = s3;
    log(`scenario 3: refresh ${s3['refresh.idp'].perCore}/core (bare ${s3['refresh.bare'].perCore}), introspection ${s3['introspection.idp'].perCore} (bare ${s3['introspection.bare'].perCore})`);

    const logins = await measureLogins(world, { seconds: scale(8), rounds: 3 });
    const bound = loginBound(logins.argon2.perCore, logins.bare.perCore);
    const trips = await countLoginTrips(world, scale(20));
    const q = ratios(bound, logins, s3, trips);
    results.bound = bound;
    results.logins = logins;
    results.redisPerLogin = trips;
    results.ratios = q;
    log(`bound ${bound.perCore}/core; scenario 1 ${logins.remembered.perCore}/core = ${q.rememberedVsBound} × bound; scenario 2 ${logins.approval.perCore}/core = ${q.approvalVsRemembered} × scenario 1; bare ${logins.bare.perCore}/core`);
    process.stdout.write(`\n${formatSteps('1 remembered browser', trips.remembered)}\n${formatSteps('2 push approval', trips.approval)}\n${formatSteps('B bare provider', trips.bare)}\n\n`);

    const s2 = await measureAnswerToEvent(world, WAITING_AT_ONCE);
    results.scenario2Waiting = s2;
    log(`scenario 2: ${s2.waitingAtOnce} waiting: answer→event p50 ${s2.answerToEventMs.p50} p99 ${s2.answerToEventMs.p99} ms`);

    const s5 = await measureOpenPages(world, SSE_PAGES, idleRss, QUICK ? 60 : 240);
    results.scenario5 = s5;
    log(`scenario 5: ${s5.openPages} open waiting pages, RSS ${s5.rssWithPagesMiB} MiB (idle ${idleRss}, before ${s5.rssBeforeMiB})`);

    const s6 = await benchBrokerList({ requests: QUICK ? 100 : 300 });
    results.scenario6 = s6;
    log(`scenario 6: customer list page p50 ${s6.httpMs.p50} p99 ${s6.httpMs.p99} ms; store query alone p50 ${s6.storeMs.p50} p99 ${s6.storeMs.p99} ms`);

    const ratio = (a: number, b: number) => round(a / b, 2);
    const rows: Row[] = [
      ...loginRows(bound, logins, s3, trips, q),
      {
        scenario: `2 answer→event, ${s2.waitingAtOnce} waiting`,
        figure: `p50 ${s2.answerToEventMs.p50} ms, p99 ${s2.answerToEventMs.p99} ms`,
        baseline: '—',
        ratio: null,
        target: 'p99 < 150 ms',
        pass: s2.answerToEventMs.p99 < 150 && s2.waitingAtOnce >= WAITING_AT_ONCE,
      },
      {
        scenario: '4 discovery',
        figure: `${s4['discovery.idp'].perSecond} req/s (${s4['discovery.idp'].perCore}/core)`,
        baseline: `bare ${s4['discovery.bare'].perSecond} req/s`,
        ratio: ratio(s4['discovery.idp'].perSecond, s4['discovery.bare'].perSecond),
        target: '— (sanity)',
        pass: null,
      },
      {
        scenario: '4 JWKS',
        figure: `${s4['jwks.idp'].perSecond} req/s (${s4['jwks.idp'].perCore}/core)`,
        baseline: `bare ${s4['jwks.bare'].perSecond} req/s`,
        ratio: ratio(s4['jwks.idp'].perSecond, s4['jwks.bare'].perSecond),
        target: '— (sanity)',
        pass: null,
      },
      {
        scenario: `5 RSS, ${s5.openPages} waiting pages`,
        figure: `${s5.rssWithPagesMiB} MiB${s5.extrapolatedMiB !== undefined ? ` (≈ ${s5.extrapolatedMiB} MiB at ${SSE_PAGES}, extrapolated)` : ''}; ${round(((s5.rssWithPagesMiB - s5.rssBeforeMiB) * 1024) / Math.max(1, s5.openPages))} KiB per page`,
        baseline: `idle ${idleRss} MiB`,
        ratio: ratio(s5.rssWithPagesMiB, idleRss),
        target: '< 512 MiB (5,000 pages)',
        pass: s5.openPages >= 5000 ? s5.rssWithPagesMiB < 512 : null,
      },
      brokerListRow(s6),
    ];
    results.table = rows;
    results.loadAverageAtEnd = os.loadavg().map((l) => round(l, 2));
    results.totalSeconds = round((performance.now() - started) / 1000, 1);
    process.stdout.write(`\n${formatTable(rows)}\n\nper core = figure ÷ min(server CPU seconds ÷ wall seconds, ${CPUS} CPUs); load average ${JSON.stringify(results.loadAverageAtStart)} → ${JSON.stringify(results.loadAverageAtEnd)}\n\n`);
    log(`wrote ${writeJson(join(REPO_ROOT, 'bench-results'), results)} (${results.totalSeconds} s in all)`);
  } finally {
    await world.close();
  }
}

const entry = process.env.BENCH_CLUSTER === '1' ? runClusterComparison : process.env.BENCH_GUARD === '1' ? runGuard : main;
entry().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
