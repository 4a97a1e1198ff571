// The broker area's state: a signed, httpOnly, SameSite=Lax session cookie (`fi_broker`, 15 minutes, never extended)
// and the pending sign-in, both only sent to /broker.
import type { Context } from 'koa';

export const BROKER_SESSION_COOKIE = 'fi_broker';
const LOGIN_COOKIE = 'fi_broker_login';
export const BROKER_SESSION_TTL_MS = 15 * 60 * 1000;
const LOGIN_TTL_MS = 10 * 60 * 1000;

function options(ctx: Context, maxAge?: number) {
  return { signed: true, httpOnly: true, sameSite: 'lax' as const, secure: ctx.secure, path: '/broker', overwrite: true, ...(maxAge === undefined ? {} : { maxAge }) };
}

function write(ctx: Context, name: string, value: object, maxAge: number): void {
  ctx.cookies.set(name, Buffer.from(JSON.stringify(value)).toString('base64url'), options(ctx, maxAge));
}

function read(ctx: Context, name: string): Record<string, unknown> | undefined {
  const raw = ctx.cookies.get(name, { signed: true });
  if (!raw) return undefined;
  try {
    const value = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as unknown;
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export const brokerSession = {
  set(ctx: Context, accountId: string, now: number): void {
    write(ctx, BROKER_SESSION_COOKIE, { accountId, exp: now + BROKER_SESSION_TTL_MS }, BROKER_SESSION_TTL_MS);
  },
  /** The signed-in account id while the session is well-formed and not expired at `now`. */
  get(ctx: Context, now: number): string | undefined {
    const v = read(ctx, BROKER_SESSION_COOKIE);
    return typeof v?.accountId === 'string' && typeof v.exp === 'number' && v.exp > now ? v.accountId : undefined;
  },
  clear(ctx: Context): void {
    ctx.cookies.set(BROKER_SESSION_COOKIE, null, options(ctx));
  },
  setLogin(ctx: Context, value: { verifier: string; state: string; nonce: string; next: string }): void {
    write(ctx, LOGIN_COOKIE, value, LOGIN_TTL_MS);
  },
  getLogin(ctx: Context): { verifier: string; state: string; nonce: string; next: string } | undefined {
    const v = read(ctx, LOGIN_COOKIE);
    if (typeof v?.verifier !== 'string' || typeof v.state !== 'string' || typeof v.nonce !== 'string') return undefined;
    return { verifier: v.verifier, state: v.state, nonce: v.nonce, next: typeof v.next === 'string' ? v.next : '/broker' };
  },
  clearLogin(ctx: Context): void {
    ctx.cookies.set(LOGIN_COOKIE, null, options(ctx));
  },
};
