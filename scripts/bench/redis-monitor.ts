// Counts the Redis commands a server sends while `fn` runs, with `redis-cli monitor`
// (client commands = network round trips; commands run inside Lua scripts are counted apart).
import { spawn } from 'node:child_process';

export interface RedisCommandCount {
  /** Commands sent by clients (each a round trip, though ioredis may pipeline several into one write). */
  client: number;
  /** Commands executed inside Lua scripts (EVALSHA), not round trips. */
  lua: number;
  byCommand: Record<string, number>;
}

export async function countRedisCommands(port: number, fn: () => Promise<void>): Promise<RedisCommandCount> {
  const monitor = spawn('redis-cli', ['-h', '127.0.0.1', '-p', String(port), 'monitor'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let buffer = '';
  const lines: string[] = [];
  let ready!: () => void;
  const started = new Promise<void>((r) => (ready = r));
  monitor.stdout.setEncoding('utf8');
  monitor.stdout.on('data', (chunk: string) => {
    buffer += chunk;
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl).trim();
      buffer = buffer.slice(nl + 1);
      if (line === 'OK') ready();
      else lines.push(line);
    }
  });
  await Promise.race([started, new Promise((r) => setTimeout(r, 3000))]);
  try {
    await fn();
    await new Promise((r) => setTimeout(r, 300));
  } finally {
    const exited = new Promise((r) => monitor.once('exit', r));
    monitor.kill('SIGTERM');
    await exited;
  }
  const count: RedisCommandCount = { client: 0, lua: 0, byCommand: {} };
  for (const line of lines) {
    const m = /^\d+\.\d+ \[\d+ ([^\]]+)\] "([^"]+)"/.exec(line);
    if (!m) continue;
    const command = m[2]!.toUpperCase();
    if (m[1] === 'lua') count.lua++;
    else {
      count.client++;
      count.byCommand[command] = (count.byCommand[command] ?? 0) + 1;
    }
  }
  return count;
}

/** The same count over several servers at once (the masters of a Redis Cluster), summed. */
export async function countRedisCommandsOn(ports: readonly number[], fn: () => Promise<void>): Promise<RedisCommandCount> {
  if (ports.length === 1) return countRedisCommands(ports[0]!, fn);
  const [first, ...rest] = ports;
  let inner: RedisCommandCount | undefined;
  const outer = await countRedisCommands(first!, async () => void (inner = await countRedisCommandsOn(rest, fn)));
  const byCommand = { ...outer.byCommand };
  for (const [k, v] of Object.entries(inner!.byCommand)) byCommand[k] = (byCommand[k] ?? 0) + v;
  return { client: outer.client + inner!.client, lua: outer.lua + inner!.lua, byCommand };
}
