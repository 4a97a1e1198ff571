// Composition, hosted pages: the lifetimes and timings the routes are given (area sign-ins, flash, waiting page),
// built from the configuration here so that no route reads it.
import type { Config } from '../config/schema.js';
import { accountCookies } from '../routes/account/account-cookies.js';
import { brokerSessionCookies } from '../routes/broker/broker-session.js';
import type { FlashSettings } from '../routes/flash.js';
import type { WaitingPageSettings } from '../routes/interactions/interaction-deps.js';
import type { AreaCookies } from '../routes/signed-area-cookies.js';

export interface PageSettings {
  /** /account sign-in cookies (ACCOUNT_SESSION_TTL_SECONDS, ACCOUNT_SIGN_IN_TTL_SECONDS). */
  accountCookies: AreaCookies;
  /** /broker sign-in cookies (BROKER_SESSION_TTL_SECONDS, BROKER_SIGN_IN_TTL_SECONDS). */
  brokerCookies: AreaCookies;
  flash: FlashSettings;
  waiting: WaitingPageSettings;
}

export function buildPageSettings(config: Config): PageSettings {
  return {
    accountCookies: accountCookies({ sessionTtlMs: config.accountSessionTtlSeconds * 1000, loginTtlMs: config.accountSignInTtlSeconds * 1000 }),
    brokerCookies: brokerSessionCookies({ sessionTtlMs: config.brokerSessionTtlSeconds * 1000, loginTtlMs: config.brokerSignInTtlSeconds * 1000 }),
    flash: { maxAgeMs: config.flashMessageTtlSeconds * 1000 },
    waiting: {
      heartbeatMs: config.waitingHeartbeatSeconds * 1000,
      longPollMs: config.waitingLongPollSeconds * 1000,
      sseRetryMs: config.waitingSseRetryMs,
    },
  };
}
