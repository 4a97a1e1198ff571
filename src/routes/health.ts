// Liveness (/healthz), readiness with a time limit per dependency and a draining state (/readyz), and the Prometheus scrape (/metrics).
import Router from '@koa/router';
import type { Metrics } from '../shared/metrics.js';

/**
 * A dependency probe: resolves when the dependency answers, rejects (or hangs) when it does not.
 * It may resolve with a short public detail (reported as `ok: <detail>`), e.g. a Redis Cluster's slot coverage.
 */
export type HealthCheck = () => Promise<void | string>;

export const DEFAULT_CHECK_TIMEOUT_MS = 1000;

/** Flipped once on SIGTERM: from then on /readyz says 503 so the load balancer stops sending traffic while open requests finish. */
export class Readiness {
  #draining = false;

  get draining(): boolean {
    return this.#draining;
  }

  startDraining(): void {
    this.#draining = true;
  }
}

export interface HealthDeps {
  checks: Record<string, HealthCheck>;
  metrics: Metrics;
  /** Shared with main.ts, which calls `startDraining()` on shutdown. Without it the app never reports draining. */
  readiness?: Readiness;
  /** Per check; all checks run in parallel, so /readyz answers within about this time. */
  timeoutMs?: number;
}

class CheckTimeout extends Error {
  constructor(readonly ms: number) {
    super(`timeout after ${ms} ms`);
  }
}

/**
 * A short reason, safe to show to whoever can reach /readyz: an error code such as ECONNREFUSED
 * (its message would name internal hosts), else the first words of the message.
 */
export function shortReason(err: unknown): string {
  if (err instanceof CheckTimeout) return err.message;
  // A reason written to be shown (e.g. a Redis Cluster's slot coverage) wins over the code.
  const publicReason = (err as { publicReason?: unknown } | null)?.publicReason;
  if (typeof publicReason === 'string' && publicReason) return publicReason.slice(0, 80);
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^[A-Z][A-Z0-9_]{1,40}$/.test(code)) return code;
  const message = err instanceof Error ? err.message : String(err);
  return (message.split('\n')[0] ?? '').slice(0, 80) || 'error';
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

/** Runs every check in parallel; 'ok' or 'failed: <reason>' per check name. */
export async function runChecks(checks: Record<string, HealthCheck>, timeoutMs: number): Promise<{ ok: boolean; results: Record<string, string> }> {
  const names = Object.keys(checks);
  const settled = await Promise.allSettled(names.map((name) => withTimeout(checks[name] as HealthCheck, timeoutMs)));
  const results: Record<string, string> = {};
  let ok = true;
  settled.forEach((outcome, i) => {
    const name = names[i] as string;
    if (outcome.status === 'fulfilled') results[name] = typeof outcome.value === 'string' && outcome.value ? `ok: ${outcome.value}` : 'ok';
    else {
      ok = false;
      results[name] = `failed: ${shortReason(outcome.reason)}`;
    }
  });
  return { ok, results };
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
    const { ok, results } = await runChecks(deps.checks, timeoutMs);
    ctx.status = ok ? 200 : 503;
    ctx.body = { status: ok ? 'ready' : 'unavailable', checks: results };
  });

  router.get('/metrics', async function metrics(ctx) {
    ctx.set('Cache-Control', 'no-store');
    ctx.type = deps.metrics.registry.contentType;
    ctx.body = await deps.metrics.registry.metrics();
  });

  return router;
}
