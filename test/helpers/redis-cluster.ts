// Starts a throwaway local Redis Cluster (Debian's redis-server and redis-cli) on free loopback ports, for tests.
//
// Self-contained (node built-ins only): jest's globalSetup loads it through require(), where the NodeNext
// `./x.js` specifiers of the other helpers cannot resolve (see global-setup.ts).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export interface RedisClusterOptions {
  /** Masters sharing the 16384 slots; default 3 (the least `redis-cli --cluster create` accepts). */
  masters?: number;
  /** Indexes of masters that get one replica each (for failover tests); default none. */
  replicaFor?: number[];
  /** `cluster-node-timeout` in ms: how long a silent node takes to be failed (and its replica promoted). Default 2000. */
  nodeTimeoutMs?: number;
}

export interface RedisClusterNode {
  readonly port: number;
  readonly role: 'master' | 'replica';
  /** For a replica: the index of its master in `nodes`. */
  readonly replicaOf?: number;
}

export interface RedisClusterHandle {
  /** Seed list as REDIS_CLUSTER_NODES takes it: `127.0.0.1:p1,127.0.0.1:p2,…` (the masters). */
  readonly seeds: string;
  readonly nodes: readonly RedisClusterNode[];
  /** SIGKILL of one node, as if it crashed; resolves when the process has exited. */
  killNode(index: number): Promise<void>;
  /** Starts a stopped node again on its port with its cluster state (it rejoins the cluster). */
  restartNode(index: number): Promise<void>;
  /** `CLUSTER INFO` of one running node as key/value pairs. */
  clusterInfo(index: number): Promise<Record<string, string>>;
  /** Runs one command on a running node with redis-cli; its output. */
  command(index: number, ...args: string[]): Promise<string>;
  /** The node's role as the cluster sees it now (a replica may have been promoted). */
  roleOf(index: number): Promise<'master' | 'replica'>;
  /** Stops every node and removes the temp dir. */
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 15_000;
const READY_TIMEOUT_MS = 30_000;

function findBinary(name: string, debianPackage: string): string {
  const candidates = [`/usr/bin/${name}`, ...(process.env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, name))];
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // try the next one
    }
  }
  throw new Error(`${name} not found (looked in /usr/bin and on PATH): install Debian's ${debianPackage} (apt-get install ${debianPackage})`);
}

/** Distinct free loopback ports (held open together, so none is handed out twice). */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<import('node:net').Server>((resolve, reject) => {
          const server = createServer();
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as import('node:net').AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

function run(binary: string, args: string[], timeoutMs = 20_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(binary, args, { timeout: timeoutMs }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${binary} ${args.join(' ')} failed: ${error.message}\n${stdout}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function parseInfo(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1).trim();
  }
  return out;
}

export async function startRedisCluster(opts: RedisClusterOptions = {}): Promise<RedisClusterHandle> {
  const server = findBinary('redis-server', 'redis-server');
  const cli = findBinary('redis-cli', 'redis-tools');
  const masters = opts.masters ?? 3;
  const replicaFor = opts.replicaFor ?? [];
  const nodeTimeoutMs = opts.nodeTimeoutMs ?? 2000;
  const count = masters + replicaFor.length;
  const dir = mkdtempSync(join(tmpdir(), 'test-redis-cluster-'));
  // Two ports per node: clients and the cluster bus (cluster-port, so port + 10000 need not be free).
  const ports = await freePorts(count * 2);
  const nodes: RedisClusterNode[] = [];
  for (let i = 0; i < count; i++) {
    nodes.push(i < masters ? { port: ports[i]!, role: 'master' } : { port: ports[i]!, role: 'replica', replicaOf: replicaFor[i - masters]! });
  }
  const busPort = (i: number) => ports[count + i]!;
  const children: (ChildProcess | undefined)[] = [];
  const logs: string[] = [];

  const cliArgs = (i: number, ...args: string[]) => ['-h', '127.0.0.1', '-p', String(nodes[i]!.port), ...args];
  /** `CLUSTER INFO` (section 'cluster') or `INFO <section>` of node i, as key/value pairs. */
  const info = async (i: number, section: 'cluster' | 'replication') =>
    parseInfo(await run(cli, cliArgs(i, ...(section === 'cluster' ? ['cluster', 'info'] : ['info', section])), 5000));

  async function launch(i: number): Promise<void> {
    const nodeDir = join(dir, `node-${i}`);
    mkdirSync(nodeDir, { recursive: true });
    const args = [
      '--port', String(nodes[i]!.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', nodeDir,
      '--daemonize', 'no', '--logfile', '', '--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf',
      '--cluster-node-timeout', String(nodeTimeoutMs), '--cluster-port', String(busPort(i)),
    ];
    const child = spawn(server, args, { cwd: nodeDir, stdio: ['ignore', 'pipe', 'pipe'] });
    logs[i] = '';
    const keep = (chunk: Buffer) => void (logs[i] = (logs[i] + chunk.toString()).slice(-4000));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    children[i] = child;
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`redis-server (cluster node ${i}) exited during start-up:\n${logs[i]}`);
      if (await run(cli, cliArgs(i, 'ping'), 2000).then((out) => out.trim() === 'PONG', () => false)) return;
      await sleep(30);
    }
    throw new Error(`redis-server (cluster node ${i}) did not answer PING within ${START_TIMEOUT_MS} ms:\n${logs[i]}`);
  }

  async function stopAll(): Promise<void> {
    await Promise.all(
      children.map(async (child) => {
        if (!child) return;
        child.kill('SIGKILL');
        await exited(child);
      }),
    );
    rmSync(dir, { recursive: true, force: true });
  }

  /** Waits until every running node reports cluster_state:ok with all slots served by the expected masters. */
  async function waitUntilOk(): Promise<void> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    let last = '';
    while (Date.now() < deadline) {
      const states = await Promise.all(
        nodes.map((_, i) => (children[i] && children[i]!.exitCode === null && children[i]!.signalCode === null ? info(i, 'cluster').catch(() => ({}) as Record<string, string>) : null)),
      );
      const running = states.filter((s): s is Record<string, string> => s !== null);
      last = JSON.stringify(running.map((s) => [s.cluster_state, s.cluster_slots_ok, s.cluster_known_nodes]));
      if (running.every((s) => s.cluster_state === 'ok' && s.cluster_slots_ok === '16384')) return;
      await sleep(100);
    }
    throw new Error(`Redis Cluster not ok within ${READY_TIMEOUT_MS} ms: ${last}`);
  }

  try {
    await Promise.all(nodes.map((_, i) => launch(i)));
    const masterAddrs = nodes.filter((n) => n.role === 'master').map((n) => `127.0.0.1:${n.port}`);
    await run(cli, ['--cluster', 'create', ...masterAddrs, '--cluster-replicas', '0', '--cluster-yes'], 60_000);
    for (let i = masters; i < count; i++) {
      const master = nodes[i]!.replicaOf!;
      const masterId = (await run(cli, cliArgs(master, 'cluster', 'myid'))).trim();
      await run(cli, ['--cluster', 'add-node', `127.0.0.1:${nodes[i]!.port}`, `127.0.0.1:${nodes[master]!.port}`, '--cluster-slave', '--cluster-master-id', masterId], 60_000);
    }
    await waitUntilOk();
    // A replica is only useful for failover once it has the master's data.
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (let i = masters; i < count; i++) {
      while ((await info(i, 'replication')).master_link_status !== 'up') {
        if (Date.now() > deadline) throw new Error(`replica ${i} did not sync with its master`);
        await sleep(100);
      }
    }
  } catch (error) {
    await stopAll();
    throw error;
  }

  return {
    seeds: nodes.filter((n) => n.role === 'master').map((n) => `127.0.0.1:${n.port}`).join(','),
    nodes,
    async killNode(index) {
      const child = children[index];
      children[index] = undefined;
      if (!child) return;
      child.kill('SIGKILL');
      await exited(child);
    },
    async restartNode(index) {
      if (children[index]) return;
      await launch(index);
    },
    clusterInfo: (index) => info(index, 'cluster'),
    command: (index, ...args) => run(cli, cliArgs(index, ...args), 5000),
    roleOf: async (index) => ((await info(index, 'replication')).role === 'master' ? 'master' : 'replica'),
    stop: stopAll,
  };
}
