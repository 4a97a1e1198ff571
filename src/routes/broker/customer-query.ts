// Parses the customer list's query string (pages and JSON API alike): search, filters, sort, page; bad input → broker.badQuery (400).
import type { Context } from 'koa';
import { z } from 'zod';
import { AppError } from '../../shared/errors.js';
import { CUSTOMER_SORT_FIELDS, type CustomerFilter, type CustomerQuery } from '../../domain/customer-directory.js';

const one = (v: unknown) => (Array.isArray(v) ? v[0] : v);
const emptyToUndefined = (v: unknown) => (one(v) === '' ? undefined : one(v));
const yesNo = z.preprocess(emptyToUndefined, z.enum(['yes', 'no']).optional());

const schema = z.object({
  q: z.preprocess(emptyToUndefined, z.string().trim().max(100).optional()),
  mobile: yesNo,
  enrolled: yesNo,
  method: z.preprocess(emptyToUndefined, z.enum(['app', 'sms']).optional()),
  sort: z.preprocess(emptyToUndefined, z.enum(CUSTOMER_SORT_FIELDS).default('accessNumber')),
  dir: z.preprocess(emptyToUndefined, z.enum(['asc', 'desc']).default('asc')),
  page: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(1_000_000).default(1)),
  size: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(1000).default(25)),
});

export type ListParams = Omit<CustomerQuery, 'scope'> & { raw: { q: string; mobile: string; enrolled: string; method: string; sort: string; dir: string; size: number } };

export function parseListQuery(ctx: Context, defaults: { size?: number } = {}): ListParams {
  const parsed = schema.safeParse({ size: defaults.size, ...ctx.query });
  if (!parsed.success) throw new AppError('broker.badQuery', 400, { field: parsed.error.issues[0]?.path.join('.') || '(query)' });
  const d = parsed.data;
  const filter: CustomerFilter = {
    ...(d.q ? { search: d.q } : {}),
    ...(d.mobile ? { mobile: d.mobile } : {}),
    ...(d.enrolled ? { enrolled: d.enrolled } : {}),
    ...(d.method ? { method: d.method } : {}),
  };
  return {
    filter,
    sort: { field: d.sort, dir: d.dir },
    page: d.page,
    pageSize: d.size,
    raw: { q: d.q ?? '', mobile: d.mobile ?? '', enrolled: d.enrolled ?? '', method: d.method ?? '', sort: d.sort, dir: d.dir, size: d.size },
  };
}

/** The query string of a list URL with some parameters changed (page links, sort links, filter links). */
export function listUrl(base: string, raw: ListParams['raw'], change: Record<string, string | number>): string {
  const params = new URLSearchParams();
  const merged: Record<string, string | number> = { q: raw.q, mobile: raw.mobile, enrolled: raw.enrolled, method: raw.method, sort: raw.sort, dir: raw.dir, size: raw.size, ...change };
  for (const [k, v] of Object.entries(merged)) if (v !== '' && v !== undefined) params.set(k, String(v));
  return `${base}?${params.toString()}`;
}
