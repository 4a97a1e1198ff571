// Prometheus metrics in a registry of their own per app (never the global default), with bounded label values only.
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  readonly registry: Registry;
  /** One finished login attempt: success, invalid, locked, ambiguous_email, no_mobile, role_refused, unavailable. */
  loginOutcome(outcome: string): void;
  /**
   * A financeIDENT approval changed state: created, approved, denied, cancelled, not_me, refused. An approval that runs
   * out unanswered is no event (its status is read from the clock): expired = created − the answered ones.
   */
  approvalOutcome(outcome: string): void;
  /** One SMS the gateway accepted, by purpose (login, activation, …); counted once per message. */
  smsSent(purpose: string): void;
  /** One web-push delivery attempt: sent, gone, failed, … */
  pushSent(outcome: string): void;
  /** One HTTP request; `route` must already be a low-cardinality label (see middleware/koa-metrics.ts). */
  observeHttp(method: string, route: string, status: number, seconds: number): void;
}

/**
 * Label values shown at 0 from the start, so dashboards and alerts see the series before the first event. Only values
 * something counts: a series that can never move would read as "none happened".
 */
const KNOWN_LOGIN_OUTCOMES = ['success', 'invalid', 'locked', 'ambiguous_email', 'no_mobile', 'role_refused', 'unavailable'] as const;
const KNOWN_APPROVAL_OUTCOMES = ['created', 'approved', 'denied', 'cancelled', 'not_me', 'refused'] as const;

export function createMetrics(opts: { defaultMetrics?: boolean; prefix?: string } = {}): Metrics {
  const registry = new Registry();
  if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: opts.prefix ?? '' });

  const logins = new Counter({
    name: 'logins_total',
    help: 'Finished login attempts by outcome.',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const approvals = new Counter({
    name: 'approvals_total',
    help: 'financeIDENT approval state changes by outcome.',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const sms = new Counter({
    name: 'sms_sent_total',
    help: 'SMS messages the gateway accepted, by purpose.',
    labelNames: ['purpose'] as const,
    registers: [registry],
  });
  const push = new Counter({
    name: 'push_sent_total',
    help: 'Web push deliveries by outcome.',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const http = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration in seconds by method, route pattern and status.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });

  for (const outcome of KNOWN_LOGIN_OUTCOMES) logins.labels(outcome).inc(0);
  for (const outcome of KNOWN_APPROVAL_OUTCOMES) approvals.labels(outcome).inc(0);

  return {
    registry,
    loginOutcome: (outcome) => logins.labels(outcome).inc(),
    approvalOutcome: (outcome) => approvals.labels(outcome).inc(),
    smsSent: (purpose) => sms.labels(purpose).inc(),
    pushSent: (outcome) => push.labels(outcome).inc(),
    observeHttp: (method, route, status, seconds) => http.labels(method, route, String(status)).observe(seconds),
  };
}
