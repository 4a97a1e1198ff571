// The step between the password and the finish: where the second factor is asked (filled by the approval step).
import type { Context } from 'koa';
import type { InteractionDeps } from './interaction-deps.js';
import { finishLogin } from './finish-login.js';
import type { PendingLogin } from '../../services/pending-login.js';
import type { Account } from '../../stores/account-store.js';

export async function continueAfterPassword(ctx: Context, deps: InteractionDeps, login: PendingLogin, _account: Account): Promise<void> {
  await deps.pending.save(login);
  await finishLogin(ctx, deps, login);
}
