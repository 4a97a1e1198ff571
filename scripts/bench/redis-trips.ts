// A TCP proxy between a server under test and Redis that counts, per labelled step, the Redis commands and the
// sequential round trips (a trip = the client writes after its previous reply arrived; commands written before
// the reply came — a pipeline, a MULTI block, commands sent side by side — share one trip; while counting, replies
// are held back 3 ms so that commands sent side by side cannot be mistaken for a reaction to a reply). Counts per
// connection, summed over connections (a Pub/Sub connection's pushed messages start no trip).
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export interface StepCount {
  step: string;
  trips: number;
  commands: number;
  byCommand: Record<string, number>;
  /** Every command as "trip#: NAME key" (key with ids replaced by *), in order; for reading where trips go. */
  sequence: string[];
}

/** Incremental parser of client → Redis traffic (RESP arrays of bulk strings; inline commands as one line each). */
class CommandParser {
  private buffer: Buffer = Buffer.alloc(0);

  /** Feeds bytes; returns the names of the commands completed by them. */
  feed(chunk: Buffer): string[] {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    const names: string[] = [];  // "NAME firstKey"

    for (;;) {
      const parsed = this.next();
      if (!parsed) break;
      names.push(parsed.name);
      this.buffer = this.buffer.subarray(parsed.end);
    }
    return names;
  }

  private next(): { name: string; end: number } | null {
    const b = this.buffer;
    const lineEnd = (from: number) => b.indexOf('\r\n', from);
    if (b.length === 0) return null;
    let eol = lineEnd(0);
    if (eol < 0) return null;
    if (b[0] !== 0x2a /* '*' */) return { name: b.subarray(0, eol).toString().split(' ')[0]!.toUpperCase(), end: eol + 2 };
    const items = Number(b.subarray(1, eol).toString());
    let at = eol + 2;
    let name = '';
    const words: string[] = [];
    for (let i = 0; i < items; i++) {
      eol = lineEnd(at);
      if (eol < 0) return null;
      const len = Number(b.subarray(at + 1, eol).toString());
      const start = eol + 2;
      if (b.length < start + len + 2) return null;
      if (i === 0) name = b.subarray(start, start + len).toString().toUpperCase();
      else if (i < 4) words.push(b.subarray(start, start + Math.min(len, 80)).toString());
      at = start + len + 2;
    }
    // EVALSHA sha numkeys key…: show the first key; otherwise the first argument.
    const key = name === 'EVALSHA' || name === 'EVAL' ? (words[2] ?? '') : (words[0] ?? '');
    return { name: `${name} ${key.replace(/[A-Za-z0-9_-]{16,}/g, '*')}`.trim(), end: at };
  }
}

const REPLY_HOLD_MS = 3;

export interface TripProxy {
  port: number;
  /** Starts counting under `step` (every later command and trip goes to it until the next mark). */
  mark(step: string): void;
  /** Stops counting and returns the steps since the first mark (in order; a repeated label adds up). */
  take(): StepCount[];
  close(): Promise<void>;
}

/** Listens on a free port of 127.0.0.1 and forwards every connection to `target`. */
export async function startTripProxy(target: { host: string; port: number }): Promise<TripProxy> {
  let current: StepCount | null = null;
  let steps = new Map<string, StepCount>();
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = createConnection(target);
    sockets.add(client).add(upstream);
    const parser = new CommandParser();
    let awaitingReply = false;
    client.on('data', (chunk: Buffer) => {
      upstream.write(chunk);
      const names = parser.feed(chunk);
      if (!current || names.length === 0) return;
      if (!awaitingReply) current.trips++;
      awaitingReply = true;
      current.commands += names.length;
      for (const n of names) {
        const command = n.split(' ')[0]!;
        current.byCommand[command] = (current.byCommand[command] ?? 0) + 1;
        current.sequence.push(`${current.trips}: ${n}`);
      }
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!current) {
        awaitingReply = false;
        client.write(chunk);
        return;
      }
      // While counting, replies are held back a little: every command the server writes without waiting for a
      // reply (same tick, Promise.all, a pipeline) then reaches us before it could have seen one. (Timers of the
      // same delay fire in order, so the byte stream keeps its order.)
      setTimeout(() => {
        awaitingReply = false;
        if (!client.destroyed) client.write(chunk);
      }, REPLY_HOLD_MS);
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address !== 'object') throw new Error('trip proxy: no port');
  return {
    port: address.port,
    mark(step) {
      current = steps.get(step) ?? { step, trips: 0, commands: 0, byCommand: {}, sequence: [] };
      steps.set(step, current);
    },
    take() {
      const out = [...steps.values()];
      steps = new Map();
      current = null;
      return out;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Sums steps and divides by `logins`, one decimal. */
export function perLogin(steps: StepCount[], logins: number): { trips: number; commands: number; steps: StepCount[] } {
  const r = (n: number) => Math.round((n / logins) * 10) / 10;
  const scaled = steps.map((s) => ({
    step: s.step,
    trips: r(s.trips),
    commands: r(s.commands),
    byCommand: Object.fromEntries(Object.entries(s.byCommand).map(([k, v]) => [k, r(v)])),
    // The first login's commands (the rest repeat it).
    sequence: s.sequence.slice(0, Math.ceil(s.sequence.length / logins)),
  }));
  return { trips: r(steps.reduce((a, s) => a + s.trips, 0)), commands: r(steps.reduce((a, s) => a + s.commands, 0)), steps: scaled };
}
