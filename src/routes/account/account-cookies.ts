// The account page's sign-in state: session cookie `fi_account` (15 minutes, never extended) and the pending sign-in.
import { signedAreaCookies } from '../signed-area-cookies.js';

export const SESSION_COOKIE = 'fi_account';
export const LOGIN_COOKIE = 'fi_account_login';
export const SESSION_TTL_MS = 15 * 60 * 1000;

export const accountCookies = signedAreaCookies({
  path: '/account',
  sessionCookie: SESSION_COOKIE,
  loginCookie: LOGIN_COOKIE,
  sessionTtlMs: SESSION_TTL_MS,
  loginTtlMs: 10 * 60 * 1000,
});
