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
