// One hosted area's sign-in state (/account, /broker): a signed, httpOnly, SameSite=Lax session cookie with an
// absolute end that is never extended, and the pending OIDC sign-in (PKCE verifier, state, nonce), both sent only
// to the area's own path.
import type { Context } from 'koa';

export interface AreaSession {
  accountId: string;
  /** Absolute end (ms since the epoch, by the service's clock); a session is never extended. */
  exp: number;
}

export interface PendingAreaLogin {
  verifier: string;
  state: string;
  nonce: string;
  /** Where to go after the sign-in (a path inside the area), if the area keeps one. */
  next?: string;
}

export interface AreaCookieOptions {
  /** Cookie path, e.g. `/account`: the browser sends the cookies nowhere else. */
  path: string;
  sessionCookie: string;
  loginCookie: string;
  /** Session lifetime, ms. */
  sessionTtlMs: number;
  /** How long a started sign-in may take, ms. */
  loginTtlMs: number;
}

/** An area's two lifetimes, passed in from the composition root (configuration). */
export type AreaLifetimes = Pick<AreaCookieOptions, 'sessionTtlMs' | 'loginTtlMs'>;

export interface AreaCookies {
  setSession(ctx: Context, accountId: string, now: number): void;
  /** The session if present, well-formed (signature checked) and not expired at `now` (ms). */
  getSession(ctx: Context, now: number): AreaSession | undefined;
  clearSession(ctx: Context): void;
  setLogin(ctx: Context, value: PendingAreaLogin): void;
  /** The pending sign-in if present and well-formed. */
  getLogin(ctx: Context): PendingAreaLogin | undefined;
  clearLogin(ctx: Context): void;
}

/** The cookies of one hosted area; values are base64url JSON, signed with the app's cookie keys. */
export function signedAreaCookies(opts: AreaCookieOptions): AreaCookies {
  const options = (ctx: Context, maxAge?: number) => ({
    signed: true,
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: ctx.secure,
    path: opts.path,
    overwrite: true,
    ...(maxAge === undefined ? {} : { maxAge }),
  });
  const write = (ctx: Context, name: string, value: object, maxAge: number) =>
    ctx.cookies.set(name, Buffer.from(JSON.stringify(value)).toString('base64url'), options(ctx, maxAge));
  const read = (ctx: Context, name: string): Record<string, unknown> | undefined => {
    const raw = ctx.cookies.get(name, { signed: true });
    if (!raw) return undefined;
    try {
      const value = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as unknown;
      return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
    } catch {
      return undefined; // signed, so only an old format gets here: treated as no cookie (sign in again)
    }
  };
  return {
    setSession(ctx, accountId, now) {
      write(ctx, opts.sessionCookie, { accountId, exp: now + opts.sessionTtlMs } satisfies AreaSession, opts.sessionTtlMs);
    },
    getSession(ctx, now) {
      const v = read(ctx, opts.sessionCookie);
      if (typeof v?.accountId !== 'string' || typeof v.exp !== 'number' || v.exp <= now) return undefined;
      return { accountId: v.accountId, exp: v.exp };
    },
    clearSession(ctx) {
      ctx.cookies.set(opts.sessionCookie, null, options(ctx));
    },
    setLogin(ctx, value) {
      write(ctx, opts.loginCookie, value, opts.loginTtlMs);
    },
    getLogin(ctx) {
      const v = read(ctx, opts.loginCookie);
      if (typeof v?.verifier !== 'string' || typeof v.state !== 'string' || typeof v.nonce !== 'string') return undefined;
      return { verifier: v.verifier, state: v.state, nonce: v.nonce, ...(typeof v.next === 'string' ? { next: v.next } : {}) };
    },
    clearLogin(ctx) {
      ctx.cookies.set(opts.loginCookie, null, options(ctx));
    },
  };
}
