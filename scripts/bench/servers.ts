// Child processes under test: the IdP (`node --import tsx src/main.ts`) and the bare oidc-provider baseline.
// Both run as plain node processes (no tsx wrapper process), so the pid is the server: CPU and RSS come from /proc/<pid>.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLOCK_TICKS_PER_SECOND = 100; // getconf CLK_TCK on Linux

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface ServerProcess {
  name: string;
  url: string;
  pid: number;
  child: ChildProcess;
  /** The last few KiB of its stdout and stderr. */
  output(): string;
  stop(): Promise<void>;
}

/** User + system CPU seconds of a process (all its threads, including the libuv pool that runs argon2). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After "pid (comm) ": field 3 is index 0, so utime (14) is index 11 and stime (15) index 12.
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

/** Resident set size in MiB (VmRSS of /proc/<pid>/status). */
export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? NaN);
  return kib / 1024;
}

export function threadCount(pid: number): number {
  return Number(/^Threads:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);
}

async function waitForHttp(url: string, child: ChildProcess, output: () => string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${url}: the server exited during start-up:\n${output()}`);
    try {
      const response = await fetch(`${url}/.well-known/openid-configuration`);
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url}: not ready within ${timeoutMs} ms:\n${output()}`);
}

export async function startNodeServer(opts: { name: string; entry: string; env: Record<string, string>; port: number; nodeArgs?: string[] }): Promise<ServerProcess> {
  const url = `http://127.0.0.1:${opts.port}`;
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), '--import', 'tsx', opts.entry], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-8000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const output = () => log;
  await waitForHttp(url, child, output);
  return {
    name: opts.name,
    url,
    pid: child.pid!,
    child,
    output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export interface IdpOptions {
  port: number;
  redisUrl?: string;
  /** Instead of redisUrl: REDIS_CLUSTER_NODES (comma-separated host:port seeds). */
  redisClusterNodes?: string;
  devStateDir: string;
  seedAccountsFile: string;
  /** Extra node flags, e.g. --cpu-prof. */
  nodeArgs?: string[];
}

/** The IdP exactly as `npm start` runs it (src/main.ts), with the limits raised so the benchmark is not throttled. */
export function startIdp(opts: IdpOptions): Promise<ServerProcess> {
  return startNodeServer({
    name: 'idp',
    entry: 'src/main.ts',
    port: opts.port,
    nodeArgs: opts.nodeArgs,
    env: {
      NODE_ENV: 'development',
      PORT: String(opts.port),
      HOST: '127.0.0.1',
      ISSUER: `http://127.0.0.1:${opts.port}`,
      ...(opts.redisClusterNodes ? { REDIS_CLUSTER_NODES: opts.redisClusterNodes } : { REDIS_URL: opts.redisUrl! }),
      REDIS_KEY_PREFIX: 'fi:',
      LOG_LEVEL: 'warn',
      DEV_STATE_DIR: opts.devStateDir,
      SEED_ACCOUNTS_FILE: opts.seedAccountsFile,
      LOGIN_MAX_FAILURES_PER_IP: '100000',
      APPROVAL_MAX_OPEN_PER_ACCOUNT: '100',
      APPROVAL_MAX_PER_ACCOUNT_PER_HOUR: '1000',
      // The 5,000 waiting pages take a minute or two to open: none may expire meanwhile.
      APPROVAL_TTL_SECONDS: '600',
    },
  });
}

/** The bare oidc-provider (scripts/bench/baseline-server.ts) on the same Redis adapter, keys and clients. */
export function startBaseline(opts: { port: number; redisUrl: string; devStateDir: string }): Promise<ServerProcess> {
  return startNodeServer({
    name: 'baseline',
    entry: 'scripts/bench/baseline-server.ts',
    port: opts.port,
    env: { PORT: String(opts.port), REDIS_URL: opts.redisUrl, DEV_STATE_DIR: opts.devStateDir },
  });
}
