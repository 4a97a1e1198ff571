// The bench's world: a throwaway redis-server behind the round-trip proxy, the IdP and the bare provider as child
// processes on it, bench accounts with enrolled devices, one browser (cookie jar) per virtual user, and the login
// tasks every scenario repeats (remembered browser, push approval, bare provider).
import http from 'node:http';
import os from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load-config.js';
import { DeviceClient, type DeviceKeyState } from '../../src/ident-client/device-client.js';
import { startRedisServer, type RedisServerHandle } from '../../test/helpers/redis-server.js';
import { BENCH_PASSWORD, writeBenchAccounts, type BenchAccount } from './accounts.js';
import { enrol } from './baselines.js';
import { login, rpClient, shownNumber, type RpClient } from './flows.js';
import { HttpClient, type Page } from './http-client.js';
import { mapLimit, runLoad, type LoadResult } from './load.js';
import { startTripProxy, type TripProxy } from './redis-trips.js';
import { freePort, REPO_ROOT, startBaseline, startIdp, type ServerProcess } from './servers.js';

export const CPUS = os.cpus().length;

export const log = (message: string) => process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);

export function check(result: LoadResult, what: string): LoadResult {
  if (result.errors > 0) log(`${what}: ${result.errors} errors, first: ${result.firstError}`);
  if (result.count === 0) throw new Error(`${what}: nothing succeeded (${result.firstError ?? 'no attempts'})`);
  return result;
}

export interface BenchWorld {
  argon2: { memoryCost: number; timeCost: number };
  redis: RedisServerHandle;
  proxy: TripProxy;
  idp: ServerProcess;
  base: ServerProcess;
  accounts: BenchAccount[];
  devices: DeviceKeyState[];
  agent: http.Agent;
  concurrency: number;
  vuClients: HttpClient[];
  baseClients: HttpClient[];
  idpRp(id: string): RpClient;
  baseRp(id: string): RpClient;
  credentials(vu: number): { loginId: string; password: string };
  /** Approves the one pending approval of `state` with the number on the waiting page (DeviceClient, ES256). */
  approveOnDevice(state: DeviceKeyState): (page: Page) => Promise<void>;
  /** Scenario 1: a new session in the virtual user's remembered browser. */
  rememberedLogin(vu: number): Promise<void>;
  /** Scenario 2: a new browser; the device approves. */
  approvedLogin(vu: number): Promise<void>;
  /** Baseline B: the bare provider's login in a new browser. */
  bareLogin(vu: number): Promise<void>;
  load(server: ServerProcess, maxCount: number, maxSeconds: number, task: (vu: number) => Promise<void>): Promise<LoadResult>;
  close(): Promise<void>;
}

/** Starts everything; `customers` bench accounts (devices enrolled for all of them); `cpuProf` runs the IdP with --cpu-prof. */
export async function startWorld(opts: { customers: number; concurrency: number; cpuProf?: boolean }): Promise<BenchWorld> {
  const config = loadConfig({});
  const argon2 = { memoryCost: config.argon2MemoryKib, timeCost: config.argon2TimeCost };
  const tmp = mkdtempSync(join(tmpdir(), 'fi-bench-'));
  const redis = await startRedisServer();
  const proxy = await startTripProxy({ host: '127.0.0.1', port: redis.port });
  const proxied = `redis://127.0.0.1:${proxy.port}`;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const servers: ServerProcess[] = [];
  const close = async () => {
    for (const s of servers.reverse()) await s.stop().catch(() => undefined);
    await proxy.close().catch(() => undefined);
    await redis.stop().catch(() => undefined);
    rmSync(tmp, { recursive: true, force: true });
    agent.destroy();
  };
  try {
    const seedFile = join(tmp, 'bench-accounts.json');
    const accounts = await writeBenchAccounts(seedFile, opts.customers, argon2);
    const idp = await startIdp({
      port: await freePort(),
      redisUrl: proxied,
      devStateDir: join(tmp, 'dev'),
      seedAccountsFile: seedFile,
      ...(opts.cpuProf ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${join(REPO_ROOT, 'bench-results', 'cpu-prof')}`] } : {}),
    });
    servers.push(idp);
    const base = await startBaseline({ port: await freePort(), redisUrl: proxied, devStateDir: join(tmp, 'dev') });
    servers.push(base);
    const devices = await mapLimit(accounts, 4, (a) => enrol(idp, a));
    const vuClients = Array.from({ length: opts.concurrency }, () => new HttpClient(idp.url, agent));
    const baseClients = Array.from({ length: opts.concurrency }, () => new HttpClient(base.url, agent));
    const idpRp = (id: string) => rpClient(idp.url, id);
    const baseRp = (id: string) => rpClient(base.url, id);
    const credentials = (vu: number) => ({ loginId: accounts[vu]!.accessNumber, password: BENCH_PASSWORD });
    const approveOnDevice = (state: DeviceKeyState) => async (page: Page) => {
      proxy.mark('device API: pending + decision');
      const device = new DeviceClient(idp.url);
      const pending = await device.pending(state);
      if (pending.length !== 1) throw new Error(`expected one pending approval, got ${pending.length}`);
      await device.decide(state, pending[0]!.id, 'approve', { number: shownNumber(page.body) });
    };
    return {
      argon2,
      redis,
      proxy,
      idp,
      base,
      accounts,
      devices,
      agent,
      concurrency: opts.concurrency,
      vuClients,
      baseClients,
      idpRp,
      baseRp,
      credentials,
      approveOnDevice,
      async rememberedLogin(vu) {
        const client = vuClients[vu]!;
        client.jar.retain((name) => name.startsWith('fi_rb_'));
        await login(client, { rp: idpRp('financecloud'), credentials: credentials(vu) });
      },
      async approvedLogin(vu) {
        const client = vuClients[vu]!;
        client.jar.retain(() => false); // a new browser: nothing remembered
        await login(client, { rp: idpRp('financecloud'), credentials: credentials(vu), onApproval: approveOnDevice(devices[vu]!) });
      },
      async bareLogin(vu) {
        const client = baseClients[vu]!;
        client.jar.retain(() => false);
        await login(client, { rp: baseRp('financecloud') });
      },
      load: (server, maxCount, maxSeconds, task) => runLoad({ concurrency: opts.concurrency, maxCount, maxSeconds, serverPid: server.pid, cpus: CPUS, task }),
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}
