// Builds the second-factor room from its parts: the three factors and the login flow over them.
import type { Clock } from '../../shared/clock.js';
import type { TaskLog } from '../../shared/background-tasks.js';
import type { Account, AccountStore } from '../../domain/account.js';
import type { DeviceStore } from '../../domain/device.js';
import type { ApprovalService } from '../approval-service.js';
import type { PendingLoginStore } from '../pending-login.js';
import type { RememberedBrowserService } from '../remembered-browsers.js';
import type { SmsCodeService } from '../sms-code-service.js';
import { AppApprovalFactor } from './factors/app-approval.js';
import { RememberedBrowserFactor } from './factors/remembered-browser.js';
import { SmsCodeFactor } from './factors/sms-code.js';
import { LoginFlow } from './login-flow.js';

export interface SecondFactorDeps {
  approvals: ApprovalService;
  devices: DeviceStore;
  pending: PendingLoginStore;
  smsCodes: SmsCodeService;
  accounts: AccountStore;
  rememberedBrowsers: RememberedBrowserService;
  clock: Clock;
  acr: { password: string; twoFactor: string };
  smsAllowed(account: Account): boolean;
  clientName(clientId: string): Promise<string>;
  mobileChangePending?(accountId: string): Promise<boolean>;
  /** Where a degraded step (a browser not remembered) is reported. */
  log?: TaskLog;
}

export interface SecondFactors {
  app: AppApprovalFactor;
  sms: SmsCodeFactor;
  remembered: RememberedBrowserFactor;
}

/** The factors and the login flow, wired from plain dependencies. */
export function buildSecondFactor(deps: SecondFactorDeps): { factors: SecondFactors; flow: LoginFlow } {
  const factors: SecondFactors = {
    app: new AppApprovalFactor({ approvals: deps.approvals, devices: deps.devices, pending: deps.pending, clientName: deps.clientName }),
    sms: new SmsCodeFactor({ smsCodes: deps.smsCodes, accounts: deps.accounts, clock: deps.clock, smsAllowed: deps.smsAllowed }),
    remembered: new RememberedBrowserFactor({ browsers: deps.rememberedBrowsers, clock: deps.clock, ...(deps.log ? { log: deps.log } : {}) }),
  };
  const flow = new LoginFlow({
    pending: deps.pending,
    factors: [factors.app, factors.sms], // the accounts' choices; the first is the default
    remembered: factors.remembered,
    acr: deps.acr,
    ...(deps.mobileChangePending ? { mobileChangePending: deps.mobileChangePending } : {}),
  });
  return { factors, flow };
}

export type { Proof, ProofMethod, LoginAttempt, SecondFactor, PageFactor, FactorId, FactorPages } from './contract.js';
export type { NextStep, LoginResult } from './login-flow.js';
