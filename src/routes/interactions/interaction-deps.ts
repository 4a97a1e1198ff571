// What the hosted login routes need, passed in from the composition root.
import type Provider from 'oidc-provider';
import type { LoginService } from '../../services/login-service.js';
import type { PendingLoginStore } from '../../services/pending-login.js';
import type { AccountStore } from '../../stores/account-store.js';
import type { Clock } from '../../shared/clock.js';
import type { RenderPage } from '../render.js';

export interface InteractionDeps {
  provider: Provider;
  accounts: AccountStore;
  login: LoginService;
  pending: PendingLoginStore;
  render: RenderPage;
  clock: Clock;
  acr: { password: string; twoFactor: string };
  metrics: { loginOutcome(outcome: string): void };
}
