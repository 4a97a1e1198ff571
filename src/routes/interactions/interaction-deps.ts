// What the hosted login routes need, passed in from the composition root.
import type Provider from 'oidc-provider';
import type { ApprovalService } from '../../services/approval-service.js';
import type { LoginService } from '../../services/login-service.js';
import type { PendingLoginStore } from '../../services/pending-login.js';
import type { Account, AccountStore } from '../../domain/account.js';
import type { LoginFlow } from '../../services/second-factor/login-flow.js';
import type { SecondFactors } from '../../services/second-factor/index.js';
import type { Clock } from '../../shared/clock.js';
import type { RenderPage } from '../render.js';
import type { RememberedBrowserCookies } from './remembered-browser-cookie.js';
import type { SmsCodeService } from '../../services/sms-code-service.js';
import type { ClientRoles } from '../../config/client-roles.js';
import type { DrainSignal } from '../health.js';
import type { FlashSettings } from '../flash.js';

export interface InteractionDeps {
  provider: Provider;
  accounts: AccountStore;
  login: LoginService;
  pending: PendingLoginStore;
  approvals: ApprovalService;
  rememberedBrowsers: RememberedBrowserCookies;
  render: RenderPage;
  clock: Clock;
  acr: { password: string; twoFactor: string };
  metrics: { loginOutcome(outcome: string): void };
  /** Where a user without a device sets up financeIDENT (the web app's enrolment, prefilled). */
  enrolUrl(account: Account): string;
  qrSvg(text: string): Promise<string>;
  storeLinks: { appStore: string; playStore: string };
  /** SMS-2: may this account use the SMS code? */
  smsAllowed(account: Account): boolean;
  clientName(clientId: string): Promise<string>;
  smsCodes: SmsCodeService;
  /** OIDC-5: which roles may use which client. */
  clientRoles: ClientRoles;
  /** On shutdown, open event streams and long polls end so the waiting page reconnects to another instance. */
  drain?: DrainSignal;
  /** The second factors (app approval, SMS code, remembered browser) and the login flow over them. */
  factors: SecondFactors;
  flow: LoginFlow;
  /** How long a form's outcome is kept for the page after the redirect (FLASH_MESSAGE_TTL_SECONDS). */
  flash: FlashSettings;
  /** The waiting page's timings (APR-3): event-stream heartbeat, long-poll wait, SSE reconnect delay; ms. */
  waiting: WaitingPageSettings;
}

export interface WaitingPageSettings {
  heartbeatMs: number;
  longPollMs: number;
  sseRetryMs: number;
}
