// Scenarios 1 and 2 and baseline B: logins per CPU second in alternating windows, and the Redis commands and
// sequential round trips of one login, step by step (sequential logins through the round-trip proxy).
import { argon2Window, benchHash } from './baselines.js';
import { alternate, round, type LoadResult } from './load.js';
import { countRedisCommands } from './redis-monitor.js';
import { perLogin, type StepCount } from './redis-trips.js';
import { check, CPUS, type BenchWorld } from './setup.js';

export interface LoginLoads {
  remembered: LoadResult;
  approval: LoadResult;
  bare: LoadResult;
  /** Baseline A: argon2id verifications in this process (perCore = per CPU second). */
  argon2: LoadResult;
}

/**
 * Scenario 1, scenario 2, the bare provider's login and baseline A (argon2id verify, `seconds` ÷ 2), in `rounds`
 * alternating windows of `seconds` each: all four see the same changing load of a shared machine.
 */
export async function measureLogins(world: BenchWorld, opts: { seconds: number; rounds: number }): Promise<LoginLoads> {
  const stored = await benchHash(world.argon2);
  const loads = await alternate(
    {
      remembered: () => world.load(world.idp, 1_000_000, opts.seconds, (vu) => world.rememberedLogin(vu)),
      argon2: () => argon2Window(stored, Math.max(1, opts.seconds / 2)),
      bare: () => world.load(world.base, 1_000_000, opts.seconds, (vu) => world.bareLogin(vu)),
      approval: () => world.load(world.idp, 1_000_000, opts.seconds, (vu) => world.approvedLogin(vu)),
    },
    opts.rounds,
    CPUS,
  );
  check(loads.remembered, 'scenario 1 (remembered browser)');
  check(loads.bare, 'baseline B (bare provider)');
  check(loads.approval, 'scenario 2 (push approval)');
  return loads;
}

export interface RedisPerLogin {
  sampleLogins: number;
  /** Sequential round trips per login (proxy count: commands written before the previous reply share a trip). */
  trips: number;
  /** Commands sent by the server per login. */
  commands: number;
  /** Commands run inside Lua scripts per login (redis-cli monitor). */
  luaCommands: number;
  steps: StepCount[];
}

const stepName = (method: string, target: URL) =>
  `${method} ${target.pathname.replace(/^\/interaction\/[^/]+/, '/interaction/:uid').replace(/^\/auth\/[^/]+/, '/auth/:uid')}`;

const STEP_GAP_MS = 20;

/** Runs `task(0)` `sample` times one after the other and counts Redis traffic per step of virtual user 0. */
async function countPerLogin(world: BenchWorld, clientOf: 'idp' | 'base', task: () => Promise<void>, sample: number): Promise<RedisPerLogin> {
  const client = (clientOf === 'idp' ? world.vuClients : world.baseClients)[0]!;
  // A short pause before each step: a command the server sends without waiting after its answer (a fire-and-forget
  // index write; with auto-pipelining it leaves on the next tick) is counted in the step that started it, as a
  // browser's own network time would keep it off the next step's path.
  client.onRequest = async (method, target) => {
    await new Promise((resolve) => setTimeout(resolve, STEP_GAP_MS));
    world.proxy.mark(stepName(method, target));
  };
  world.proxy.take();
  try {
    // Each login counted on its own; the median login is reported (a background command — a sweep, an index write
    // of the login before — only ever adds to a login, so the median is the login's own traffic).
    const logins: ReturnType<typeof perLogin>[] = [];
    const monitor = await countRedisCommands(world.redis.port, async () => {
      for (let i = 0; i < sample; i++) {
        await task();
        logins.push(perLogin(world.proxy.take(), 1));
      }
    });
    const median = [...logins].sort((a, b) => a.trips - b.trips)[Math.floor(logins.length / 2)]!;
    return { sampleLogins: sample, trips: median.trips, commands: median.commands, luaCommands: round(monitor.lua / sample, 1), steps: median.steps };
  } finally {
    delete client.onRequest;
    world.proxy.take();
  }
}

export async function countLoginTrips(world: BenchWorld, sample: number): Promise<Record<'remembered' | 'approval' | 'bare', RedisPerLogin>> {
  return {
    remembered: await countPerLogin(world, 'idp', () => world.rememberedLogin(0), sample),
    approval: await countPerLogin(world, 'idp', () => world.approvedLogin(0), sample),
    bare: await countPerLogin(world, 'base', () => world.bareLogin(0), sample),
  };
}

/** The per-step table of one login: "step | trips | commands (by name)". */
export function formatSteps(title: string, r: RedisPerLogin, withSequence = false): string {
  const lines = r.steps.flatMap((s) => [
    `  ${s.step.padEnd(44)} ${String(s.trips).padStart(5)} trips ${String(s.commands).padStart(5)} cmds  ${Object.entries(s.byCommand).map(([k, v]) => `${k} ${v}`).join(', ')}`,
    ...(withSequence ? s.sequence.map((c) => `      ${c}`) : []),
  ]);
  return [`${title}: ${r.trips} sequential round trips, ${r.commands} commands (+ ${r.luaCommands} inside Lua) per login`, ...lines].join('\n');
}
