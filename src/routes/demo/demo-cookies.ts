// The demo's state between requests: signed, httpOnly, SameSite=Lax cookies scoped to /demo/<client>, never readable by scripts.
import type { Context } from 'koa';

/** What a started login must remember until the callback. */
export interface PendingLoginCookie {
  verifier: string;
  state: string;
  nonce: string;
  /** acr_values sent, to show next to the acr received. */
  acr?: string;
}

/** Demo-only: the tokens the client page needs for refresh and logout. */
export interface TokensCookie {
  idToken?: string;
  refreshToken?: string;
  sub?: string;
}

export const LOGIN_COOKIE_MAX_AGE_MS = 10 * 60 * 1000;
export const TOKENS_COOKIE_MAX_AGE_MS = 8 * 60 * 60 * 1000;

export const loginCookieName = (clientId: string) => `demo_${clientId}`;
export const tokensCookieName = (clientId: string) => `demo_${clientId}_tokens`;

function options(ctx: Context, clientId: string, maxAge?: number) {
  return {
    signed: true,
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: ctx.secure,
    path: `/demo/${encodeURIComponent(clientId)}`,
    overwrite: true,
    ...(maxAge === undefined ? {} : { maxAge }),
  };
}

function write(ctx: Context, name: string, clientId: string, value: object, maxAge: number): void {
  ctx.cookies.set(name, Buffer.from(JSON.stringify(value)).toString('base64url'), options(ctx, clientId, maxAge));
}

function read<T>(ctx: Context, name: string): T | undefined {
  const raw = ctx.cookies.get(name, { signed: true });
  if (!raw) return undefined;
  try {
    const value = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as unknown;
    return value && typeof value === 'object' ? (value as T) : undefined;
  } catch {
    return undefined; // signed, so only an old format gets here: treated as no cookie
  }
}

function clear(ctx: Context, name: string, clientId: string): void {
  ctx.cookies.set(name, null, options(ctx, clientId));
}

export const demoCookies = {
  setLogin: (ctx: Context, clientId: string, value: PendingLoginCookie) => write(ctx, loginCookieName(clientId), clientId, value, LOGIN_COOKIE_MAX_AGE_MS),
  getLogin: (ctx: Context, clientId: string): PendingLoginCookie | undefined => {
    const value = read<Partial<PendingLoginCookie>>(ctx, loginCookieName(clientId));
    if (typeof value?.verifier !== 'string' || typeof value.state !== 'string' || typeof value.nonce !== 'string') return undefined;
    return { verifier: value.verifier, state: value.state, nonce: value.nonce, ...(typeof value.acr === 'string' ? { acr: value.acr } : {}) };
  },
  clearLogin: (ctx: Context, clientId: string) => clear(ctx, loginCookieName(clientId), clientId),
  setTokens: (ctx: Context, clientId: string, value: TokensCookie) => write(ctx, tokensCookieName(clientId), clientId, value, TOKENS_COOKIE_MAX_AGE_MS),
  getTokens: (ctx: Context, clientId: string): TokensCookie | undefined => {
    const value = read<Record<string, unknown>>(ctx, tokensCookieName(clientId));
    if (!value) return undefined;
    const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
    const tokens: TokensCookie = {};
    const idToken = str(value.idToken);
    const refreshToken = str(value.refreshToken);
    const sub = str(value.sub);
    if (idToken) tokens.idToken = idToken;
    if (refreshToken) tokens.refreshToken = refreshToken;
    if (sub) tokens.sub = sub;
    return tokens;
  },
  clearTokens: (ctx: Context, clientId: string) => clear(ctx, tokensCookieName(clientId), clientId),
};
