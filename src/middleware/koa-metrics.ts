// Times every request into http_request_duration_seconds with a bounded route label: a route pattern or a normalised path, never a raw one.
import type { Middleware } from 'koa';
import type { Metrics } from '../shared/metrics.js';
import { finalStatus } from './koa-request-log.js';

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** Deeper paths are cut: no route of ours is deeper, so anything longer is noise. */
const MAX_SEGMENTS = 5;

/**
 * Segments that look like identifiers: uuids, numbers, and tokens of 8+ characters with a digit
 * or 16+ with mixed case (random ids), but not long words like `openid-configuration`.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NUMBER = /^\d+$/;
const MIXED_CASE_TOKEN = /^(?=.*[a-z])(?=.*[A-Z])[A-Za-z0-9_-]{16,}$/;
const DIGIT_TOKEN = /^(?=.*\d)[A-Za-z0-9_-]{8,}$/;
const SAFE_SEGMENT = /^[A-Za-z0-9_.-]{1,40}$/;

/**
 * Segments after which the next one is always an identifier, whatever it looks like: the
 * interaction uid, oidc-provider's resume path `/auth/:uid` and registration path `/reg/:clientId`.
 * Our own routes need no entry here: @koa/router reports their pattern.
 */
const ID_FOLLOWS = new Set(['interaction', 'auth', 'reg']);

function isIdLike(segment: string): boolean {
  return UUID.test(segment) || NUMBER.test(segment) || MIXED_CASE_TOKEN.test(segment) || DIGIT_TOKEN.test(segment);
}

/** `/interaction/Xk2…/login` → `/interaction/:id/login`; `/ident/api/approvals/5f…` → `/ident/api/approvals/:id`. */
export function normaliseRoute(path: string): string {
  const segments = path.split('/').filter((s) => s !== '');
  const out: string[] = [];
  for (const [i, segment] of segments.entries()) {
    if (i >= MAX_SEGMENTS) {
      out.push('*');
      break;
    }
    const previous = segments[i - 1];
    if ((previous !== undefined && ID_FOLLOWS.has(previous)) || isIdLike(segment)) out.push(':id');
    else if (SAFE_SEGMENT.test(segment)) out.push(segment);
    else out.push(':other');
  }
  return `/${out.join('/')}`;
}

/** The route label for one finished request. */
export function routeLabel(matched: unknown, path: string, status: number): string {
  if (typeof matched === 'string' && matched) return matched;
  if (matched instanceof RegExp) return matched.source.slice(0, 100);
  // Scanners try endless paths (/wp-login.php, /.env …): all misses share one label.
  if (status === 404) return 'unmatched';
  return normaliseRoute(path);
}

export function httpMetrics(metrics: Metrics): Middleware {
  return async function httpMetrics(ctx, next) {
    const started = process.hrtime.bigint();
    let failure: unknown;
    try {
      await next();
    } catch (err) {
      failure = err ?? new Error('non-error thrown');
      throw err;
    } finally {
      const status = finalStatus(ctx, failure);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const method = KNOWN_METHODS.has(ctx.method) ? ctx.method : 'OTHER';
      const matched = (ctx as { _matchedRoute?: unknown })._matchedRoute;
      metrics.observeHttp(method, routeLabel(matched, ctx.path, status), status, seconds);
    }
  };
}
