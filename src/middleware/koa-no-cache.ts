// Pages with personal or one-time content are never cached.
import type { Middleware } from 'koa';

export function noCache(): Middleware {
  return async function noCache(ctx, next) {
    ctx.set('Cache-Control', 'no-store');
    ctx.set('Pragma', 'no-cache');
    await next();
  };
}
