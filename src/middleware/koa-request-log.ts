// Every request gets an id (echoed as X-Request-Id) and a child logger, and leaves one log line without its query string.
import { randomUUID } from 'node:crypto';
import type { Context, Middleware } from 'koa';
import type { Logger } from '../shared/logger.js';

/** What this middleware puts on `ctx.state` for everything after it. */
export interface RequestLogState {
  requestId: string;
  log: Logger;
}

/** An incoming id is kept only if it is short and harmless in a log line and a header. */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** Probes and scrapes run every few seconds; their successes are logged at debug only. */
const PROBE_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/** Paths can be long only if someone is probing; keep the log line bounded. */
const MAX_LOGGED_PATH = 256;

/** The request's child logger (set by `requestLog`), for a handler that degrades and must say why; undefined without it. */
export function requestLogger(ctx: Context): Logger | undefined {
  return (ctx.state as Partial<RequestLogState>).log;
}

export function requestIdFrom(header: string | undefined, newId: () => string): string {
  return header && SAFE_REQUEST_ID.test(header) ? header : newId();
}

/** The status the client will see, also when an error is still on its way to the error handler. */
export function finalStatus(ctx: Context, err: unknown): number {
  if (err === undefined) return ctx.status;
  const status = (err as { status?: unknown; statusCode?: unknown } | null)?.status ?? (err as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : 500;
}

export function requestLog(logger: Logger, opts: { newId?: () => string } = {}): Middleware {
  const newId = opts.newId ?? randomUUID;
  return async function requestLog(ctx, next) {
    const started = process.hrtime.bigint();
    const requestId = requestIdFrom(ctx.get('x-request-id') || undefined, newId);
    // The child logger (pino redacts its bindings) is made only when something logs: most requests log nothing.
    let child: Logger | undefined;
    const log = () => (child ??= logger.child({ requestId }));
    ctx.state.requestId = requestId;
    Object.defineProperty(ctx.state, 'log', { get: log, enumerable: true, configurable: true });
    ctx.set('X-Request-Id', requestId);

    let failure: unknown;
    try {
      await next();
    } catch (err) {
      failure = err ?? new Error('non-error thrown');
      throw err;
    } finally {
      const status = finalStatus(ctx, failure);
      const durationMs = Math.round(Number(process.hrtime.bigint() - started) / 1e4) / 100;
      // ctx.path never contains the query string, which may carry codes, tokens or login hints.
      const line = { method: ctx.method, path: ctx.path.slice(0, MAX_LOGGED_PATH), status, durationMs };
      const level = status >= 500 ? 'warn' : PROBE_PATHS.has(ctx.path) && status < 400 ? 'debug' : 'info';
      if (logger.isLevelEnabled(level)) log()[level](line, 'request');
    }
  };
}
