// Liveness (/healthz), readiness with a time limit per dependency and a draining state (/readyz), and the Prometheus scrape (/metrics).
import Router from '@koa/router';
import type { Metrics } from '../shared/metrics.js';

/**
 * A dependency probe: resolves when the dependency answers, rejects (or hangs) when it does not.
 * It may resolve with a short public detail (reported as `ok: <detail>`), e.g. a Redis Cluster's slot coverage.
 */
export type HealthCheck = () => Promise<void | string>;

export const DEFAULT_CHECK_TIMEOUT_MS = 1000;

/** Told once when the instance starts draining; returns a function that stops listening. */
export interface DrainSignal {
  readonly draining: boolean;
  onDrain(listener: () => void): () => void;
}

/**
 * Flipped once on SIGTERM: from then on /readyz says 503 so the load balancer stops sending traffic while open
 * requests finish, and long-lived answers (event streams, long polls) are told to end so their clients reconnect elsewhere.
 */
export class Readiness implements DrainSignal {
  #draining = false;
  readonly #listeners = new Set<() => void>();

  get draining(): boolean {
    return this.#draining;
  }

  /** `listener` runs once when draining starts (at once if it already has). */
  onDrain(listener: () => void): () => void {
    if (this.#draining) {
      listener();
      return () => undefined;
    }
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  startDraining(): void {
    if (this.#draining) return;
    this.#draining = true;
    for (const listener of [...this.#listeners]) listener();
    this.#listeners.clear();
  }
}

export interface HealthDeps {
  checks: Record<string, HealthCheck>;
  metrics: Metrics;
  /** Shared with main.ts, which calls `startDraining()` on shutdown. Without it the app never reports draining. */
  readiness?: Readiness;
  /** Per check; all checks run in parallel, so /readyz answers within about this time. */
  timeoutMs?: number;
  /** Where the failing checks' error texts go (they are not in the answer). */
  log?: { warn(obj: object, msg: string): void };
}

class CheckTimeout extends Error {
  constructor(readonly ms: number) {
    super(`timeout after ${ms} ms`);
  }
}

/**
 * A reason written to be shown (e.g. a Redis Cluster's slot coverage, see ClusterNotReadyError): the error's
 * `publicReason`, else undefined. Other error texts are never shown (they can name internal hosts).
 */
export function publicReason(err: unknown): string | undefined {
  const reason = (err as { publicReason?: unknown } | null)?.publicReason;
  return typeof reason === 'string' && reason ? reason.slice(0, 80) : undefined;
}

async function withTimeout(check: HealthCheck, ms: number): Promise<void | string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CheckTimeout(ms)), ms);
    timer.unref();
  });
  try {
    // A check that throws synchronously is a failed check too.
    return await Promise.race([Promise.resolve().then(check), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * What /readyz says per dependency: a fixed word, never the error's text (it can name internal hosts); a check's
 * public detail or public failure reason follows the word (`ok: all 16384 slots covered, 3 masters`,
 * `failed: 10923 of 16384 slots covered (cluster_state fail)`).
 */
export type CheckResult = 'ok' | 'failed' | 'timeout' | `ok: ${string}` | `failed: ${string}`;

/** Runs every check in parallel; a CheckResult per check name; `reasons` holds the errors for the log only. */
export async function runChecks(
  checks: Record<string, HealthCheck>,
  timeoutMs: number,
): Promise<{ ok: boolean; results: Record<string, CheckResult>; reasons: Record<string, string> }> {
  const names = Object.keys(checks);
  const settled = await Promise.allSettled(names.map((name) => withTimeout(checks[name] as HealthCheck, timeoutMs)));
  const results: Record<string, CheckResult> = {};
  const reasons: Record<string, string> = {};
  let ok = true;
  settled.forEach((outcome, i) => {
    const name = names[i] as string;
    if (outcome.status === 'fulfilled') results[name] = typeof outcome.value === 'string' && outcome.value ? `ok: ${outcome.value}` : 'ok';
    else {
      ok = false;
      const shown = publicReason(outcome.reason);
      results[name] = outcome.reason instanceof CheckTimeout ? 'timeout' : shown ? `failed: ${shown}` : 'failed';
      reasons[name] = outcome.reason instanceof Error ? outcome.reason.message : String(outcome.reason);
    }
  });
  return { ok, results, reasons };
}

export function healthRoutes(deps: HealthDeps): Router {
  const router = new Router();
  const timeoutMs = deps.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;

  router.get('/healthz', function healthz(ctx) {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { status: 'ok' };
  });

  router.get('/readyz', async function readyz(ctx) {
    ctx.set('Cache-Control', 'no-store');
    if (deps.readiness?.draining) {
      ctx.status = 503;
      ctx.body = { status: 'draining' };
      return;
    }
    const { ok, results, reasons } = await runChecks(deps.checks, timeoutMs);
    if (!ok) deps.log?.warn({ checks: reasons }, 'readiness check failed');
    ctx.status = ok ? 200 : 503;
    const failing = Object.keys(results).filter((name) => results[name] !== 'ok');
    ctx.body = ok ? { status: 'ready', checks: results } : { status: 'unavailable', failing, checks: results };
  });

  router.get('/metrics', async function metrics(ctx) {
    ctx.set('Cache-Control', 'no-store');
    ctx.type = deps.metrics.registry.contentType;
    ctx.body = await deps.metrics.registry.metrics();
  });

  return router;
}
