// The account page's sign-in state: session cookie `fi_account` (absolute lifetime, never extended) and the pending sign-in.
import { signedAreaCookies, type AreaCookies, type AreaLifetimes } from '../signed-area-cookies.js';

export const SESSION_COOKIE = 'fi_account';
export const LOGIN_COOKIE = 'fi_account_login';

/** The /account cookies with the configured lifetimes (ACCOUNT_SESSION_TTL_SECONDS, ACCOUNT_SIGN_IN_TTL_SECONDS). */
export function accountCookies(lifetimes: AreaLifetimes): AreaCookies {
  return signedAreaCookies({ path: '/account', sessionCookie: SESSION_COOKIE, loginCookie: LOGIN_COOKIE, ...lifetimes });
}
