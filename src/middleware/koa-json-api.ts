// The JSON APIs (/ident/api, /api/broker) speak JSON always: no-store on every answer, JSON bodies only,
// and unknown paths or wrong methods answer {error, message} (404 api.notFound, 405 api.methodNotAllowed) instead of falling through.
import type Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import { AppError } from '../shared/errors.js';

/** Path prefixes of the JSON APIs; a path is inside when it equals a prefix or continues it with '/'. */
export const JSON_API_PREFIXES = ['/ident/api', '/api/broker'] as const;

export function isJsonApiPath(path: string, prefixes: readonly string[] = JSON_API_PREFIXES): boolean {
  return prefixes.some((p) => path === p || path.startsWith(`${p}/`));
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

function hasBody(ctx: Context): boolean {
  const length = ctx.get('content-length');
  return (length !== '' && length !== '0') || ctx.get('transfer-encoding') !== '';
}

/**
 * In front of the API routes: `Cache-Control: no-store` on every answer (errors included), and a body of a
 * POST/PUT/PATCH that is not `application/json` is refused with 415 `api.unsupportedMediaType` before any route
 * (so a cross-site HTML form can never post to an API either).
 */
export function jsonApiHead(prefixes: readonly string[] = JSON_API_PREFIXES): Middleware {
  // Not async (it runs on every page request); a refusal is a rejected promise, as from an async function.
  return function jsonApiHead(ctx, next) {
    if (!isJsonApiPath(ctx.path, prefixes)) return next();
    ctx.set('Cache-Control', 'no-store');
    if (BODY_METHODS.has(ctx.method) && hasBody(ctx) && !ctx.is('application/json')) return Promise.reject(new AppError('api.unsupportedMediaType', 415));
    return next();
  };
}

/**
 * Mounted after every API router and before the OIDC provider's catch-all: a request under an API prefix that
 * no route answered is 405 `api.methodNotAllowed` (with `Allow`) when one of `routers` knows the path with
 * other methods, else 404 `api.notFound`. Routers added under an API prefix belong in `routers`.
 */
export function jsonApiFallback(routers: readonly Router[], prefixes: readonly string[] = JSON_API_PREFIXES): Middleware {
  return async function jsonApiFallback(ctx, next) {
    if (!isJsonApiPath(ctx.path, prefixes)) return next();
    const allowed = new Set<string>();
    for (const router of routers) {
      for (const layer of router.match(ctx.path, ctx.method).path) for (const method of layer.methods) allowed.add(method);
    }
    if (allowed.size > 0) {
      ctx.set('Allow', [...allowed].join(', '));
      throw new AppError('api.methodNotAllowed', 405);
    }
    throw new AppError('api.notFound', 404);
  };
}
