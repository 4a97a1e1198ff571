// The broker area's sign-in state: session cookie `fi_broker` (absolute lifetime, never extended) and the pending sign-in.
import { signedAreaCookies, type AreaCookies, type AreaLifetimes } from '../signed-area-cookies.js';

export const BROKER_SESSION_COOKIE = 'fi_broker';

/** The /broker cookies with the configured lifetimes (BROKER_SESSION_TTL_SECONDS, BROKER_SIGN_IN_TTL_SECONDS). */
export function brokerSessionCookies(lifetimes: AreaLifetimes): AreaCookies {
  return signedAreaCookies({ path: '/broker', sessionCookie: BROKER_SESSION_COOKIE, loginCookie: 'fi_broker_login', ...lifetimes });
}
