// Closed-loop load: N virtual users each repeat a task until a count or a time limit is reached;
// the server's CPU time over the same window gives the cores it used.
import { cpuSeconds } from './servers.js';

export interface LoadResult {
  count: number;
  errors: number;
  firstError?: string;
  wallSeconds: number;
  /** Completed tasks per wall-clock second. */
  perSecond: number;
  /** Server CPU seconds ÷ wall seconds over the window (all threads of the server process). */
  serverCores: number;
  /** perSecond ÷ min(serverCores, cpus): the figure per core (see docs/benchmarks.md). */
  perCore: number;
  /** CPU the benchmark driver itself used meanwhile (it shares the machine). */
  driverCores: number;
  p50Ms: number;
  p99Ms: number;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export const round = (n: number, digits = 1) => (Number.isFinite(n) ? Math.round(n * 10 ** digits) / 10 ** digits : n);

export interface LoadOptions {
  concurrency: number;
  maxCount: number;
  maxSeconds: number;
  serverPid: number;
  cpus: number;
  task: (vu: number) => Promise<void>;
  /** Stop early after this many failures (default 20). */
  maxErrors?: number;
}

export function perCoreOf(perSecond: number, serverCores: number, cpus: number): number {
  return perSecond / Math.max(0.01, Math.min(serverCores, cpus));
}

export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  let started = 0;
  let errors = 0;
  let firstError: string | undefined;
  const maxErrors = opts.maxErrors ?? 20;
  const cpu0 = cpuSeconds(opts.serverPid);
  const driver0 = process.cpuUsage();
  const t0 = performance.now();
  const deadline = t0 + opts.maxSeconds * 1000;
  const vu = async (id: number) => {
    while (started < opts.maxCount && performance.now() < deadline && errors < maxErrors) {
      started++;
      const begin = performance.now();
      try {
        await opts.task(id);
        latencies.push(performance.now() - begin);
      } catch (e) {
        errors++;
        firstError ??= e instanceof Error ? e.message : String(e);
      }
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, (_, i) => vu(i)));
  const wallSeconds = (performance.now() - t0) / 1000;
  const serverCores = (cpuSeconds(opts.serverPid) - cpu0) / wallSeconds;
  const driver = process.cpuUsage(driver0);
  latencies.sort((a, b) => a - b);
  const perSecond = latencies.length / wallSeconds;
  return {
    count: latencies.length,
    errors,
    ...(firstError ? { firstError } : {}),
    wallSeconds: round(wallSeconds, 2),
    perSecond: round(perSecond),
    serverCores: round(serverCores, 2),
    perCore: round(perCoreOf(perSecond, serverCores, opts.cpus)),
    driverCores: round((driver.user + driver.system) / 1e6 / wallSeconds, 2),
    p50Ms: round(percentile(latencies, 50)),
    p99Ms: round(percentile(latencies, 99)),
  };
}

/** Runs `fn` over items with at most `limit` at once; results in input order. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!, i);
      }
    }),
  );
  return out;
}

/** Sums load windows of the same task (counts and CPU add up; percentiles: the worst window's). */
export function combine(windows: LoadResult[], cpus: number): LoadResult {
  const wallSeconds = windows.reduce((s, w) => s + w.wallSeconds, 0);
  const count = windows.reduce((s, w) => s + w.count, 0);
  const serverCores = windows.reduce((s, w) => s + w.serverCores * w.wallSeconds, 0) / wallSeconds;
  const perSecond = count / wallSeconds;
  const firstError = windows.find((w) => w.firstError)?.firstError;
  return {
    count,
    errors: windows.reduce((s, w) => s + w.errors, 0),
    ...(firstError ? { firstError } : {}),
    wallSeconds: round(wallSeconds, 2),
    perSecond: round(perSecond),
    serverCores: round(serverCores, 2),
    perCore: round(perCoreOf(perSecond, serverCores, cpus)),
    driverCores: round(windows.reduce((s, w) => s + w.driverCores * w.wallSeconds, 0) / wallSeconds, 2),
    p50Ms: Math.max(...windows.map((w) => w.p50Ms)),
    p99Ms: Math.max(...windows.map((w) => w.p99Ms)),
  };
}

/**
 * Runs the named loads in alternating windows (a, b, c, a, b, c, …) `rounds` times and combines each one's windows,
 * so a shared machine's changing load weighs on every figure alike (the ratios between them are what we compare).
 */
export async function alternate<K extends string>(loads: Record<K, () => Promise<LoadResult>>, rounds: number, cpus: number): Promise<Record<K, LoadResult>> {
  const windows = Object.fromEntries(Object.keys(loads).map((k) => [k, [] as LoadResult[]])) as Record<K, LoadResult[]>;
  for (let r = 0; r < rounds; r++) {
    for (const key of Object.keys(loads) as K[]) windows[key].push(await loads[key]());
  }
  return Object.fromEntries(Object.entries<LoadResult[]>(windows).map(([k, w]) => [k, combine(w, cpus)])) as Record<K, LoadResult>;
}
