// While the instance drains (after SIGTERM), every answer says `Connection: close`, so no keep-alive connection stays behind.
import type { Middleware } from 'koa';
import type { DrainSignal } from '../routes/health.js';

export function closeConnectionsWhenDraining(signal: DrainSignal): Middleware {
  // Not async: it runs on every request, and an async wrapper would only add promises.
  return function closeConnectionsWhenDraining(ctx, next) {
    if (signal.draining) ctx.set('Connection', 'close');
    return next();
  };
}
