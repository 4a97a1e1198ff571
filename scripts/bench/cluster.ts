// `BENCH_CLUSTER=1 npm run bench`: what a Redis Cluster costs per login against one Redis, in one run.
//
// Two IdP processes (src/main.ts, same settings and accounts) run side by side: one on a throwaway redis-server
// (REDIS_URL), one on a throwaway three-master Redis Cluster (REDIS_CLUSTER_NODES). The same closed-loop load
// alternates between them (single, cluster, single, cluster) so a busy shared machine weighs on both alike:
// a login with a remembered browser (scenario 1) and a login with a push approval (scenario 2). Reported per
// setup: logins/s per core of the IdP process, p50/p99, and Redis commands per login (redis-cli monitor, summed
// over the masters).
import http from 'node:http';
import os from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load-config.js';
import { DeviceClient, type DeviceKeyState } from '../../src/ident-client/device-client.js';
import { startRedisServer } from '../../test/helpers/redis-server.js';
import { startRedisCluster } from '../../test/helpers/redis-cluster.js';
import { BENCH_PASSWORD, writeBenchAccounts, type BenchAccount } from './accounts.js';
import { login, rpClient, shownNumber } from './flows.js';
import { HttpClient } from './http-client.js';
import { mapLimit, perCoreOf, round, runLoad, type LoadResult } from './load.js';
import { countRedisCommandsOn } from './redis-monitor.js';
import { formatTable, writeJson, type Row } from './report.js';
import { freePort, REPO_ROOT, startIdp, type ServerProcess } from './servers.js';

const CPUS = os.cpus().length;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
/** Seconds per load window; each scenario runs two windows per setup. */
const WINDOW_SECONDS = Number(process.env.BENCH_CLUSTER_WINDOW_SECONDS ?? 8);
const SAMPLE_LOGINS = 10;

const log = (message: string) => process.stdout.write(`[bench cluster ${new Date().toISOString().slice(11, 19)}] ${message}\n`);

interface Setup {
  name: 'single' | 'cluster';
  idp: ServerProcess;
  /** Ports whose commands are counted (the one server, or every master). */
  redisPorts: number[];
  devices: DeviceKeyState[];
  clients: HttpClient[];
}

async function enrol(idp: ServerProcess, account: BenchAccount): Promise<DeviceKeyState> {
  const device = new DeviceClient(idp.url);
  const started = await device.startEnrolment(account.accessNumber, BENCH_PASSWORD);
  const messages = (await (await fetch(`${idp.url}/dev/sms?to=${encodeURIComponent(account.mobile)}`)).json()) as { text: string }[];
  const code = /(\d{6,8})/.exec(messages.at(-1)?.text ?? '')?.[1];
  if (!code) throw new Error(`no activation code for ${account.mobile}`);
  return device.completeEnrolment(started.enrolmentId, code, { name: 'Benchphone', platform: 'ios', osVersion: '17.2' });
}

/** Sums two load windows of the same task (counts and CPU add up; percentiles: the worse of the two). */
function combine(a: LoadResult, b: LoadResult): LoadResult {
  const wallSeconds = a.wallSeconds + b.wallSeconds;
  const count = a.count + b.count;
  const serverCores = (a.serverCores * a.wallSeconds + b.serverCores * b.wallSeconds) / wallSeconds;
  const perSecond = count / wallSeconds;
  return {
    count,
    errors: a.errors + b.errors,
    ...((a.firstError ?? b.firstError) ? { firstError: a.firstError ?? b.firstError } : {}),
    wallSeconds: round(wallSeconds, 2),
    perSecond: round(perSecond),
    serverCores: round(serverCores, 2),
    perCore: round(perCoreOf(perSecond, serverCores, CPUS)),
    driverCores: round((a.driverCores * a.wallSeconds + b.driverCores * b.wallSeconds) / wallSeconds, 2),
    p50Ms: Math.max(a.p50Ms, b.p50Ms),
    p99Ms: Math.max(a.p99Ms, b.p99Ms),
  };
}

export async function runClusterComparison(): Promise<void> {
  const started = performance.now();
  const config = loadConfig({});
  const argon2 = { memoryCost: config.argon2MemoryKib, timeCost: config.argon2TimeCost };
  const tmp = mkdtempSync(join(tmpdir(), 'fi-bench-cluster-'));
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const results: Record<string, unknown> = { kind: 'cluster-comparison', loadAverageAtStart: os.loadavg().map((l) => round(l, 2)), concurrency: CONCURRENCY, windowSeconds: WINDOW_SECONDS };
  log(`${CONCURRENCY} virtual users, ${WINDOW_SECONDS} s windows, ${CPUS} CPUs`);

  const [redis, cluster] = await Promise.all([startRedisServer(), startRedisCluster()]);
  const servers: ServerProcess[] = [];
  try {
    const seedFile = join(tmp, 'bench-accounts.json');
    const accounts = await writeBenchAccounts(seedFile, CONCURRENCY, argon2);
    const single = await startIdp({ port: await freePort(), redisUrl: redis.url, devStateDir: join(tmp, 'dev'), seedAccountsFile: seedFile });
    servers.push(single);
    const onCluster = await startIdp({ port: await freePort(), redisClusterNodes: cluster.seeds, devStateDir: join(tmp, 'dev'), seedAccountsFile: seedFile });
    servers.push(onCluster);
    const setups: Setup[] = [];
    for (const [name, idp, redisPorts] of [
      ['single', single, [redis.port]],
      ['cluster', onCluster, cluster.nodes.filter((n) => n.role === 'master').map((n) => n.port)],
    ] as const) {
      const devices = await mapLimit(accounts, 4, (a) => enrol(idp, a));
      setups.push({ name, idp, redisPorts: [...redisPorts], devices, clients: accounts.map(() => new HttpClient(idp.url, agent)) });
    }
    log(`IdP on one Redis: pid ${single.pid}; IdP on the cluster (${cluster.seeds}): pid ${onCluster.pid}; ${accounts.length} devices each`);

    const credentials = (vu: number) => ({ loginId: accounts[vu]!.accessNumber, password: BENCH_PASSWORD });
    const approveOnDevice = (setup: Setup, vu: number) => async (page: { body: string }) => {
      const device = new DeviceClient(setup.idp.url);
      const pending = await device.pending(setup.devices[vu]!);
      if (pending.length !== 1) throw new Error(`expected one pending approval, got ${pending.length}`);
      await device.decide(setup.devices[vu]!, pending[0]!.id, 'approve', { number: shownNumber(page.body) });
    };
    const approvedLogin = (setup: Setup) => async (vu: number) => {
      const client = setup.clients[vu]!;
      client.jar.retain(() => false); // a new browser: nothing remembered
      await login(client, { rp: rpClient(setup.idp.url, 'financecloud'), credentials: credentials(vu), onApproval: approveOnDevice(setup, vu) });
    };
    const rememberedLogin = (setup: Setup) => async (vu: number) => {
      const client = setup.clients[vu]!;
      client.jar.retain((name) => name.startsWith('fi_rb_')); // a new session in the same (remembered) browser
      await login(client, { rp: rpClient(setup.idp.url, 'financecloud'), credentials: credentials(vu) });
    };
    // One approved login per virtual user gives each browser its remembered-browser cookie.
    for (const setup of setups) await mapLimit(setup.clients, CONCURRENCY, (_, vu) => approvedLogin(setup)(vu));

    const scenarios = [
      { key: 'remembered', title: '1 login, remembered browser', task: rememberedLogin },
      { key: 'approval', title: '2 login, push approval', task: approvedLogin },
    ] as const;
    const rows: Row[] = [];
    const measured: Record<string, unknown> = {};
    for (const scenario of scenarios) {
      const windows: Record<string, LoadResult[]> = { single: [], cluster: [] };
      for (let round_ = 0; round_ < 2; round_++) {
        for (const setup of setups) {
          const result = await runLoad({ concurrency: CONCURRENCY, maxCount: 1_000_000, maxSeconds: WINDOW_SECONDS, serverPid: setup.idp.pid, cpus: CPUS, task: scenario.task(setup) });
          if (result.errors) log(`${scenario.key} ${setup.name}: ${result.errors} errors, first: ${result.firstError}`);
          windows[setup.name]!.push(result);
        }
      }
      const load = Object.fromEntries(setups.map((s) => [s.name, combine(windows[s.name]![0]!, windows[s.name]![1]!)])) as Record<'single' | 'cluster', LoadResult>;
      const commands: Record<string, number> = {};
      const byCommand: Record<string, Record<string, number>> = {};
      for (const setup of setups) {
        const task = scenario.task(setup);
        const count = await countRedisCommandsOn(setup.redisPorts, async () => {
          for (let i = 0; i < SAMPLE_LOGINS; i++) await task(0);
        });
        commands[setup.name] = round(count.client / SAMPLE_LOGINS, 1);
        byCommand[setup.name] = Object.fromEntries(Object.entries(count.byCommand).map(([k, v]) => [k, round(v / SAMPLE_LOGINS, 1)]));
      }
      measured[scenario.key] = { load, redisCommandsPerLogin: commands, byCommand };
      const cpuMs = (r: LoadResult) => round((1000 * Math.min(r.serverCores, CPUS)) / Math.max(r.perSecond, 0.001), 1);
      log(`${scenario.title}: single ${load.single.perCore}/core p50 ${load.single.p50Ms} p99 ${load.single.p99Ms}; cluster ${load.cluster.perCore}/core p50 ${load.cluster.p50Ms} p99 ${load.cluster.p99Ms}`);
      rows.push({
        scenario: `${scenario.title}: Redis Cluster (3 masters)`,
        figure: `${load.cluster.perCore} logins/s/core (${cpuMs(load.cluster)} ms IdP CPU each; p50 ${load.cluster.p50Ms} ms, p99 ${load.cluster.p99Ms} ms); ${commands.cluster} Redis commands`,
        baseline: `one Redis: ${load.single.perCore}/core (${cpuMs(load.single)} ms; p50 ${load.single.p50Ms}, p99 ${load.single.p99Ms}); ${commands.single} commands`,
        ratio: round(load.cluster.perCore / load.single.perCore, 2),
        target: '— (cost of the cluster)',
        pass: null,
      });
    }
    results.measured = measured;
    results.table = rows;
    results.loadAverageAtEnd = os.loadavg().map((l) => round(l, 2));
    results.totalSeconds = round((performance.now() - started) / 1000, 1);
    process.stdout.write(`\n${formatTable(rows)}\n\nper core = logins/s ÷ min(IdP CPU seconds ÷ wall seconds, ${CPUS}); load average ${JSON.stringify(results.loadAverageAtStart)} → ${JSON.stringify(results.loadAverageAtEnd)}\n\n`);
    const file = writeJson(join(REPO_ROOT, 'bench-results'), results);
    log(`wrote ${file} (${results.totalSeconds} s in all)`);
  } finally {
    for (const s of servers.reverse()) await s.stop().catch(() => undefined);
    await Promise.all([redis.stop().catch(() => undefined), cluster.stop().catch(() => undefined)]);
    rmSync(tmp, { recursive: true, force: true });
    agent.destroy();
  }
}
