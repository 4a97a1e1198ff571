// The account page's state: a signed, httpOnly, SameSite=Lax session cookie (`fi_account`, 15 minutes) and the pending sign-in.
import type { Context } from 'koa';

export const SESSION_COOKIE = 'fi_account';
export const LOGIN_COOKIE = 'fi_account_login';
export const SESSION_TTL_MS = 15 * 60 * 1000;
const LOGIN_TTL_MS = 10 * 60 * 1000;

export interface AccountSession {
  accountId: string;
  /** Absolute end (ms since the epoch, by the service's clock); a session is never extended. */
  exp: number;
}

export interface PendingAccountLogin {
  verifier: string;
  state: string;
  nonce: string;
}

function options(ctx: Context, maxAge?: number) {
  return {
    signed: true,
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: ctx.secure,
    path: '/account',
    overwrite: true,
    ...(maxAge === undefined ? {} : { maxAge }),
  };
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

export const accountCookies = {
  setSession(ctx: Context, accountId: string, now: number): void {
    write(ctx, SESSION_COOKIE, { accountId, exp: now + SESSION_TTL_MS } satisfies AccountSession, SESSION_TTL_MS);
  },
  /** The session if present, well-formed and not expired at `now`. */
  getSession(ctx: Context, now: number): AccountSession | undefined {
    const value = read(ctx, SESSION_COOKIE);
    if (typeof value?.accountId !== 'string' || typeof value.exp !== 'number' || value.exp <= now) return undefined;
    return { accountId: value.accountId, exp: value.exp };
  },
  clearSession(ctx: Context): void {
    ctx.cookies.set(SESSION_COOKIE, null, options(ctx));
  },
  setLogin(ctx: Context, value: PendingAccountLogin): void {
    write(ctx, LOGIN_COOKIE, value, LOGIN_TTL_MS);
  },
  getLogin(ctx: Context): PendingAccountLogin | undefined {
    const value = read(ctx, LOGIN_COOKIE);
    if (typeof value?.verifier !== 'string' || typeof value.state !== 'string' || typeof value.nonce !== 'string') return undefined;
    return { verifier: value.verifier, state: value.state, nonce: value.nonce };
  },
  clearLogin(ctx: Context): void {
    ctx.cookies.set(LOGIN_COOKIE, null, options(ctx));
  },
};
