// The broker area's sign-in state: session cookie `fi_broker` (15 minutes, never extended) and the pending sign-in.
import { signedAreaCookies } from '../signed-area-cookies.js';

export const BROKER_SESSION_COOKIE = 'fi_broker';
export const BROKER_SESSION_TTL_MS = 15 * 60 * 1000;

export const brokerSession = signedAreaCookies({
  path: '/broker',
  sessionCookie: BROKER_SESSION_COOKIE,
  loginCookie: 'fi_broker_login',
  sessionTtlMs: BROKER_SESSION_TTL_MS,
  loginTtlMs: 10 * 60 * 1000,
});
