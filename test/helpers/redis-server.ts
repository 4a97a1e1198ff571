// Starts a throwaway redis-server on a free loopback port, without persistence, for tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export interface RedisServerHandle {
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** Graceful stop (SIGTERM) and removal of the temp dir; resolves when the process has exited. */
  stop(): Promise<void>;
  /** SIGKILL, as if the server crashed; resolves when the process has exited. */
  kill(): Promise<void>;
  /** Starts the server again on the same port (stopping it first if it is still running). */
  restart(): Promise<void>;
  /** Graceful stop that keeps the data directory (with `persist`, `up()` brings the data back). */
  down(): Promise<void>;
  /** Starts a stopped server again on the same port and directory. */
  up(): Promise<void>;
  /** SIGSTOP: the server keeps its connections but answers nothing (a hung Redis). */
  pause(): void;
  /** SIGCONT after `pause()`. */
  resume(): void;
}

export interface RedisServerOptions {
  /** Keep data across `down()`/`up()` (append-only file, fsync always). Default: no persistence. */
  persist?: boolean;
}

const START_TIMEOUT_MS = 10_000;

function findRedisServer(): string {
  const candidates = ['/usr/bin/redis-server', ...(process.env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, 'redis-server'))];
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // try the next one
    }
  }
  throw new Error("redis-server not found (looked in /usr/bin and on PATH): install Debian's redis-server (apt-get install redis-server)");
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** One raw `PING`; true when the server answered `+PONG`. */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let answer = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      answer += chunk.toString('latin1');
      if (answer.includes('\r\n')) done(answer.startsWith('+PONG'));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

function spawnServer(binary: string, port: number, dir: string, persist = false): { child: ChildProcess; output: () => string } {
  mkdirSync(dir, { recursive: true });
  const aof = persist ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'];
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...aof, '--dir', dir, '--daemonize', 'no', '--logfile', ''];
  const child = spawn(binary, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  child.once('error', (error) => keep(Buffer.from(String(error))));
  return { child, output: () => log };
}

/** Spawns the server and waits until it answers PING; rejects when it exits or times out first. */
async function launch(binary: string, port: number, dir: string, persist = false): Promise<ChildProcess> {
  const { child, output } = spawnServer(binary, port, dir, persist);
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`redis-server on port ${port} exited during start-up:\n${output()}`);
    }
    if (await ping(port)) return child;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  child.kill('SIGKILL');
  await exited(child);
  throw new Error(`redis-server on port ${port} did not answer PING within ${START_TIMEOUT_MS} ms:\n${output()}`);
}

export async function startRedisServer(opts: RedisServerOptions = {}): Promise<RedisServerHandle> {
  const persist = opts.persist ?? false;
  const binary = findRedisServer();
  const dir = mkdtempSync(join(tmpdir(), 'test-redis-'));

  // The free port can be taken between the probe and the start: try a few ports.
  let port = 0;
  let child: ChildProcess | undefined;
  let lastError: unknown;
  for (let attempt = 0; attempt < 5 && !child; attempt++) {
    port = await freePort();
    try {
      child = await launch(binary, port, dir, persist);
    } catch (error) {
      lastError = error;
    }
  }
  if (!child) {
    rmSync(dir, { recursive: true, force: true });
    throw lastError;
  }

  let current: ChildProcess | undefined = child;
  const signal = async (sig: NodeJS.Signals) => {
    const running = current;
    current = undefined;
    if (!running) return;
    running.kill(sig);
    await exited(running);
  };

  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async stop() {
      await signal('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
    async kill() {
      await signal('SIGKILL');
    },
    async restart() {
      await signal('SIGTERM');
      current = await launch(binary, port, dir, persist);
    },
    async down() {
      await signal('SIGTERM');
    },
    async up() {
      if (!current) current = await launch(binary, port, dir, persist);
    },
    pause() {
      current?.kill('SIGSTOP');
    },
    resume() {
      current?.kill('SIGCONT');
    },
  };
}
