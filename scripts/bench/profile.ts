// `npx tsx scripts/bench/profile.ts <login|refresh|discovery> [seconds]`: one workload against the IdP started with
// --cpu-prof, then the profile's self time summed by package / source file and by function (top 25 each).
import http from 'node:http';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeviceClient } from '../../src/ident-client/device-client.js';
import { startRedisServer } from '../../test/helpers/redis-server.js';
import { BENCH_PASSWORD, writeBenchAccounts } from './accounts.js';
import { getOk, login, refresh, rpClient, shownNumber } from './flows.js';
import { HttpClient } from './http-client.js';
import { mapLimit, runLoad } from './load.js';
import { freePort, REPO_ROOT, startIdp } from './servers.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function bucketOf(url: string): string {
  if (!url) return '(native/idle/gc)';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1]!;
  const src = /\/work\/[^/]+\/[^/]+\/((?:src|scripts)\/.*)$/.exec(url) ?? /\/((?:src|scripts)\/.*)$/.exec(url);
  if (src) return src[1]!;
  return url.startsWith('node:') ? url : url.replace(/^file:\/\//, '');
}

export function summarise(file: string, top = 25): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const buckets = new Map<string, number>();
  const functions = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const [id, us] of self) {
    const node = byId.get(id)!;
    const name = node.callFrame.functionName;
    if (name === '(idle)') {
      idle += us;
      continue;
    }
    total += us;
    const bucket = bucketOf(node.callFrame.url);
    buckets.set(bucket, (buckets.get(bucket) ?? 0) + us);
    const fn = `${name || '(anonymous)'} ${bucket}:${node.callFrame.lineNumber + 1}`;
    functions.set(fn, (functions.get(fn) ?? 0) + us);
  }
  const fmt = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, v]) => `  ${((100 * v) / total).toFixed(1).padStart(5)}%  ${(v / 1000).toFixed(0).padStart(6)} ms  ${k}`)
      .join('\n');
  return `main-thread busy ${(total / 1000).toFixed(0)} ms, idle ${(idle / 1000).toFixed(0)} ms\nby package / file:\n${fmt(buckets)}\nby function:\n${fmt(functions)}`;
}

/** Inclusive (self + callees) main-thread time of each function in src/, summed per sample once per stack. */
export function inclusive(file: string, top = 30): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile & { nodes: (ProfileNode & { children?: number[] })[] };
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    if (byId.get(id)?.callFrame.functionName === '(idle)') return;
    busy += us;
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)!.callFrame;
      const bucket = bucketOf(frame.url);
      if (!bucket.startsWith('src/')) continue;
      seen.add(`${frame.functionName || '(anonymous)'} ${bucket}:${frame.lineNumber + 1}`);
    }
    for (const key of seen) totals.set(key, (totals.get(key) ?? 0) + us);
  });
  return `inclusive main-thread time of src/ functions (busy ${(busy / 1000).toFixed(0)} ms):\n${[...totals.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([k, v]) => `  ${((100 * v) / busy).toFixed(1).padStart(5)}%  ${(v / 1000).toFixed(0).padStart(6)} ms  ${k}`)
    .join('\n')}`;
}

async function main(): Promise<void> {
  const workload = process.argv[2] ?? 'login';
  const seconds = Number(process.argv[3] ?? 20);
  const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 16);
  const tmp = mkdtempSync(join(tmpdir(), 'fi-prof-'));
  const profDir = join(tmp, 'prof');
  const redis = await startRedisServer();
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  try {
    const accounts = await writeBenchAccounts(join(tmp, 'accounts.json'), concurrency, { memoryCost: 19456, timeCost: 2 });
    const idp = await startIdp({ port: await freePort(), redisUrl: redis.url, devStateDir: join(tmp, 'dev'), seedAccountsFile: join(tmp, 'accounts.json'), nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profDir}`] });
    try {
      const clients = accounts.map(() => new HttpClient(idp.url, agent));
      const rp = (id: string) => rpClient(idp.url, id);
      const creds = (vu: number) => ({ loginId: accounts[vu]!.accessNumber, password: BENCH_PASSWORD });
      const refreshTokens = await mapLimit(accounts, 4, async (account, vu) => {
        const device = new DeviceClient(idp.url);
        const started = await device.startEnrolment(account.accessNumber, BENCH_PASSWORD);
        const sms = (await (await fetch(`${idp.url}/dev/sms?to=${encodeURIComponent(account.mobile)}`)).json()) as { text: string }[];
        const state = await device.completeEnrolment(started.enrolmentId, /(\d{6,8})/.exec(sms[0]!.text)![1]!, { name: 'Benchphone', platform: 'ios', osVersion: '17.2' });
        const tokens = await login(clients[vu]!, {
          rp: rp('financeapp'),
          scope: 'openid profile email phone offline_access',
          extra: { prompt: 'consent' },
          credentials: creds(vu),
          onApproval: async (page) => {
            const pending = await device.pending(state);
            await device.decide(state, pending[0]!.id, 'approve', { number: shownNumber(page.body) });
          },
        });
        return tokens.refresh_token!;
      });
      const tasks: Record<string, (vu: number) => Promise<void>> = {
        login: async (vu) => {
          clients[vu]!.jar.retain((n) => n.startsWith('fi_rb_'));
          await login(clients[vu]!, { rp: rp('financecloud'), credentials: creds(vu) });
        },
        refresh: async (vu) => void (refreshTokens[vu] = (await refresh(clients[vu]!, rp('financeapp'), refreshTokens[vu]!)).refresh_token!),
        discovery: (vu) => getOk(clients[vu]!, '/.well-known/openid-configuration'),
      };
      const task = tasks[workload];
      if (!task) throw new Error(`unknown workload ${workload}: login, refresh or discovery`);
      const result = await runLoad({ concurrency, maxCount: 1_000_000, maxSeconds: seconds, serverPid: idp.pid, cpus: 2, task });
      process.stdout.write(`${workload}: ${JSON.stringify(result)}\n`);
    } finally {
      await idp.stop();
      const output = idp.output();
      process.stdout.write(`IdP output (${output.length} chars kept, last 1500):\n${output.slice(-1500)}\n`);
    }
    const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
    if (!file) throw new Error('no .cpuprofile written');
    process.stdout.write(`${summarise(join(profDir, file))}\n${inclusive(join(profDir, file))}\n(whole process life, start-up and preparation included)\n`);
    const kept = join(REPO_ROOT, 'bench-results', 'cpu-prof');
    mkdirSync(kept, { recursive: true });
    copyFileSync(join(profDir, file), join(kept, `${workload}-${file}`));
    process.stdout.write(`profile kept as ${join(kept, `${workload}-${file}`)}\n`);
  } finally {
    await redis.stop();
    agent.destroy();
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith('profile.ts')) {
  main().catch((e: unknown) => {
    process.stderr.write(`profile failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  });
}
