// Validates a request body against a zod schema at the edge; a bad body is a clear 400, never a crash.
import type { Context } from 'koa';
import type { z } from 'zod';
import { AppError } from '../../shared/errors.js';

export function validBody<S extends z.ZodType>(ctx: Context, schema: S): z.output<S> {
  const parsed = schema.safeParse((ctx.request as { body?: unknown }).body ?? {});
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new AppError('api.invalidBody', 400, { field: first?.path.join('.') || '(body)' });
  }
  return parsed.data;
}

/** The compact JWS from `Authorization: Device <jws>`. */
export function deviceToken(ctx: Context): string {
  const header = ctx.get('authorization');
  const match = /^Device ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/.exec(header);
  if (!match) throw new AppError('device.tokenMissing', 401);
  return match[1]!;
}
