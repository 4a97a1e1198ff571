// Composition, the second-factor room: the three factors and the login flow over them (src/services/second-factor/).
import type Provider from 'oidc-provider';
import type { Config } from '../config/schema.js';
import { buildSecondFactor, type SecondFactors } from '../services/second-factor/index.js';
import type { LoginFlow } from '../services/second-factor/login-flow.js';
import type { MobileChangeService } from '../services/mobile-change.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { Account } from '../domain/account.js';
import type { LoginServices } from './services.js';
import type { Stores } from './stores.js';

export interface SecondFactorRoom {
  factors: SecondFactors;
  flow: LoginFlow;
  /** SMS-2: the SMS code for accounts without the app, and for app users only when SMS_FALLBACK_FOR_APP_USERS. */
  smsAllowed(account: Account): boolean;
  /** The relying party's name as registered (shown in the approval request), else its client id. */
  clientName(clientId: string): Promise<string>;
}

interface Parts {
  stores: Stores;
  services: LoginServices;
  provider: Provider;
  mobileChange: MobileChangeService;
  clock: Clock;
  logger: Logger;
}

export function buildSecondFactorRoom(config: Config, p: Parts): SecondFactorRoom {
  const smsAllowed = (account: Account) => account.twoFactorMethod === 'sms' || config.smsFallbackForAppUsers;
  const clientName = async (clientId: string) => String((await p.provider.Client.find(clientId))?.clientName ?? clientId);
  const { factors, flow } = buildSecondFactor({
    approvals: p.services.approvals,
    devices: p.stores.devices,
    pending: p.services.pending,
    smsCodes: p.services.smsCodes,
    accounts: p.stores.accounts,
    rememberedBrowsers: p.services.rememberedBrowsers,
    clock: p.clock,
    acr: { password: config.acrPassword, twoFactor: config.acrTwoFactor },
    smsAllowed,
    clientName,
    log: p.logger,
    mobileChangePending: async (accountId) => (await p.mobileChange.pendingFor(accountId)) !== null,
  });
  return { factors, flow, smsAllowed, clientName };
}
