// `BENCH_GUARD=1 npm run bench` (CI runs it from scripts/test.sh): the issue-15 ratios in about a minute, failing
// (exit code 1) when one falls below its threshold = the target (or, while a target is not met yet, the level this
// code reached) minus the run-to-run noise measured on the 2-core CI machine. Ratios only, never absolute times.
import os from 'node:os';
import { join } from 'node:path';
import { loginBound, machine } from './baselines.js';
import { round } from './load.js';
import { writeJson } from './report.js';
import { countLoginTrips, formatSteps, measureLogins } from './scenario-logins.js';
import { measureTokens, prepareTokens } from './scenario-tokens.js';
import { REPO_ROOT } from './servers.js';
import { log, startWorld } from './setup.js';
import { ratios, TARGETS, type Ratios } from './targets.js';

type Guarded = keyof typeof TARGETS;

/**
 * Run-to-run noise of each ratio in guard mode: the spread (max − min) of ten guard runs on the shared 2-core machine
 * at load average 15–33 (2026-11-30 12:30–12:55; docs/benchmarks.md, "The CI guard", lists them). Round trips are
 * counted, not timed (median of 5 logins): one trip for a stray background command.
 */
export const NOISE: Record<Guarded, number> = {
  rememberedVsBound: 0.18,
  approvalVsRemembered: 0.23,
  refreshVsBare: 0.4,
  introspectionVsBare: 0.26,
  extraTrips: 1,
};

/**
 * Where a target is not met yet, the level this code reaches (mean of the ten runs; for round trips the count after
 * this branch's changes, rounded up); the guard keeps it from getting worse until the target is met. Remove an entry
 * once its target is met.
 */
export const REACHED: Partial<Record<Guarded, number>> = {
  rememberedVsBound: 0.67,
  approvalVsRemembered: 0.71,
  refreshVsBare: 0.94,
  introspectionVsBare: 0.89,
  // extraTrips: met since the look-ahead of the password POST (2026-11-30 15:58: 18 counted = bare 15 + 3, of which
  // one is the fire-and-forget session-index write; 17 on the critical path), so guarded at target + noise.
};

/** Lower bounds for the ratios (upper bound for extraTrips). */
export function thresholds(): Record<Guarded, number> {
  const out = {} as Record<Guarded, number>;
  for (const key of Object.keys(TARGETS) as Guarded[]) {
    const reached = REACHED[key];
    if (key === 'extraTrips') out[key] = Math.max(TARGETS[key], reached ?? 0) + NOISE[key];
    else out[key] = round(Math.min(TARGETS[key], reached ?? Infinity) - NOISE[key], 3);
  }
  return out;
}

export function failures(measured: Ratios, limits: Record<Guarded, number>): string[] {
  const out: string[] = [];
  for (const key of Object.keys(limits) as Guarded[]) {
    const value = measured[key];
    const bad = key === 'extraTrips' ? value > limits[key] : value < limits[key];
    if (bad) out.push(`${key} = ${value} ${key === 'extraTrips' ? '>' : '<'} ${limits[key]} (target ${TARGETS[key]}, noise ${NOISE[key]})`);
  }
  return out;
}

export async function runGuard(): Promise<void> {
  const started = performance.now();
  const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 8);
  const world = await startWorld({ customers: concurrency, concurrency });
  try {
    const tokens = await prepareTokens(world);
    const limits = thresholds();
    let trips!: Awaited<ReturnType<typeof countLoginTrips>>;
    // A timed ratio below its threshold is measured once more and fails only if it misses again: the machine is
    // shared, and one unlucky window must not turn CI red (a real regression misses both times). Trips are counted.
    let measured!: Ratios;
    let bound!: ReturnType<typeof loginBound>;
    let logins!: Awaited<ReturnType<typeof measureLogins>>;
    let tokenLoads!: Awaited<ReturnType<typeof measureTokens>>;
    let failed: string[] = [];
    for (let attempt = 1; attempt <= 2; attempt++) {
      tokenLoads = await measureTokens(world, tokens, { seconds: 2, rounds: 2 });
      logins = await measureLogins(world, { seconds: 3, rounds: 3 });
      if (attempt === 1) trips = await countLoginTrips(world, 5);
      bound = loginBound(logins.argon2.perCore, logins.bare.perCore);
      measured = ratios(bound, logins, tokenLoads, trips);
      const missed = failures(measured, limits);
      const name = (f: string) => f.split(' ')[0];
      failed = attempt === 1 ? missed : missed.filter((m) => failed.some((f) => name(f) === name(m)));
      const timedMisses = failed.filter((f) => name(f) !== 'extraTrips');
      if (timedMisses.length === 0) break;
      if (attempt === 1) log(`below threshold in the first measurement (${timedMisses.map(name).join(', ')}): measuring once more`);
    }
    process.stdout.write(`\n${formatSteps('1 remembered browser', trips.remembered)}\n${formatSteps('B bare provider', trips.bare)}\n\n`);
    for (const key of Object.keys(limits) as Guarded[]) {
      process.stdout.write(`  ${key.padEnd(22)} ${String(measured[key]).padStart(6)}  ${key === 'extraTrips' ? '≤' : '≥'} ${limits[key]}  (target ${TARGETS[key]}${REACHED[key] !== undefined ? `, not met yet: guarding ${REACHED[key]}` : ''})\n`);
    }
    const seconds = round((performance.now() - started) / 1000, 1);
    const file = writeJson(join(REPO_ROOT, 'bench-results'), {
      kind: 'guard',
      machine: machine(),
      loadAverage: os.loadavg().map((l) => round(l, 2)),
      bound,
      logins,
      tokens: tokenLoads,
      trips: { remembered: trips.remembered.trips, approval: trips.approval.trips, bare: trips.bare.trips },
      ratios: measured,
      thresholds: limits,
      failed,
      seconds,
    });
    log(`bound ${bound.perCore}/core (argon2id ${bound.argon2CpuMs} ms + bare ${bound.bareCpuMs} ms); ${seconds} s; ${file}`);
    if (failed.length) {
      for (const f of failed) process.stdout.write(`bench guard: BELOW THRESHOLD ${f}\n`);
      process.exitCode = 1;
    } else process.stdout.write('bench guard: all ratios within their thresholds\n');
  } finally {
    await world.close();
  }
}
