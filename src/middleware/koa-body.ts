// Parses small form and JSON bodies on our own routes only (never in front of the provider).
import { bodyParser } from '@koa/bodyparser';
import type { Middleware } from 'koa';
import { AppError } from '../shared/errors.js';

export function body(opts: { limit?: string } = {}): Middleware {
  const limit = opts.limit ?? '16kb';
  const parse = bodyParser({ enableTypes: ['form', 'json'], formLimit: limit, jsonLimit: limit, encoding: 'utf-8' });
  return async function body(ctx, next) {
    try {
      await parse(ctx, async () => {});
    } catch (e) {
      const status = (e as { status?: number }).status;
      throw new AppError(status === 413 ? 'error.tooLarge' : 'error.badRequest', status === 413 ? 413 : 400);
    }
    await next();
  };
}
