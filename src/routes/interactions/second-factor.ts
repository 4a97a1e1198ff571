// After the password: sends the browser straight to the step the login flow names; GET …/second-factor for restarts and old links.
import type { LookAhead } from '../../services/second-factor/login-flow.js';
import type { Context, Middleware } from 'koa';
import type { InteractionDeps } from './interaction-deps.js';
import { completeLogin } from './finish-login.js';
import { loadPending, loginAttempt } from './load-pending.js';
import type { PendingLogin } from '../../services/pending-login.js';
import type { Account } from '../../domain/account.js';
import type { Approval } from '../../services/approval-record.js';
import type { InteractionDetails } from './load-interaction.js';
import { platformOf } from '../../services/user-agent-summary.js';
import { webappMessages } from '../../i18n/webapp-messages.js';
import { translate } from '../../i18n/messages.js';

/**
 * After the password (or the mobile-number step): finishes a remembered browser's login, else redirects to the next
 * page. `alongside`: work the request started before (the limiter's success step); it is awaited with this step's
 * last writes, before anything is answered, so its failure still answers 503.
 */
export async function continueAfterPassword(ctx: Context, deps: InteractionDeps, details: InteractionDetails, login: PendingLogin, account: Account, alongside: readonly Promise<unknown>[] = [], ahead?: LookAhead): Promise<void> {
  // A look-ahead for this account has read this browser's remembered record already: its cookie is not read again.
  const lookedAhead = ahead?.accountId === account.id ? ahead : undefined;
  const next = await deps.flow.afterPassword(login, account, lookedAhead ? undefined : deps.rememberedBrowsers.token(ctx, account.id), lookedAhead);
  if (next.step === 'done') return completeLogin(ctx, deps, details, login, account, next.proof, alongside);
  await Promise.all(alongside);
  ctx.redirect(`/interaction/${login.uid}${next.step === 'mobileChange' ? '/mobile' : next.page}`);
}

/** The page for an account without a device: set one up (QR code on a desktop, the store on a phone) or use SMS. */
async function showNoDevice(ctx: Context, deps: InteractionDeps, uid: string, account: Account): Promise<void> {
  // On a phone the QR code (for another device) is no use, and only its own store matters.
  const platform = platformOf(ctx.get('user-agent'), ctx.get('sec-ch-ua-platform') || undefined);
  const app = webappMessages(ctx.state.page.lang);
  ctx.body = await deps.render('interactions/no-device', ctx.state.page, {
    uid,
    platform,
    enrolUrl: deps.enrolUrl(account),
    qrSvg: platform === 'desktop' ? await deps.qrSvg(deps.enrolUrl(account)) : null,
    appStoreUrl: platform === 'android' ? null : deps.storeLinks.appStore,
    playStoreUrl: platform === 'ios' ? null : deps.storeLinks.playStore,
    smsAllowed: deps.smsAllowed(account),
    appButtons: { add: app['nav.add'], continue: app['enrol.submit'], register: app['enrol.register'] },
  });
}

/**
 * Starts the app factor for a page that has no approval yet. Returns the approval, or renders what stands in its
 * way (no device → redirect to …/second-factor, or `onNoDevice`; a cap → 429 page) and returns null.
 */
export async function startApp(ctx: Context, deps: InteractionDeps, login: PendingLogin, account: Account, onNoDevice?: () => Promise<void>): Promise<Approval | null> {
  const started = await deps.factors.app.start(loginAttempt(ctx, login, account));
  if (started.kind === 'started') return started.approval;
  if (started.kind === 'noDevice') {
    if (onNoDevice) await onNoDevice();
    else ctx.redirect(`/interaction/${login.uid}/second-factor`);
    return null;
  }
  ctx.status = 429;
  ctx.body = await deps.render('interactions/approval-refused', ctx.state.page, { uid: login.uid, message: translate(ctx.state.page.lang, started.code) });
  return null;
}

/** GET /interaction/:uid/second-factor — the open approval's page, the SMS page, a new approval, or the no-device page. */
export function showSecondFactor(deps: InteractionDeps): Middleware {
  return async function showSecondFactor(ctx) {
    const loaded = await loadPending(ctx, deps);
    if (!loaded) return;
    const { login, account } = loaded;
    if (login.approvalId && (await deps.approvals.get(login.approvalId))?.status === 'pending') return ctx.redirect(`/interaction/${login.uid}/approval`);
    const chosen = deps.flow.chosen(account);
    if (chosen.id !== 'app') return ctx.redirect(`/interaction/${login.uid}${chosen.pages.page}`);
    const approval = await startApp(ctx, deps, login, account, () => showNoDevice(ctx, deps, login.uid, account));
    if (approval) ctx.redirect(`/interaction/${login.uid}/approval`);
  };
}
