// The step between the password and the finish: a financeIDENT approval (or, for SMS accounts, the SMS code).
import type { Context } from 'koa';
import type { InteractionDeps } from './interaction-deps.js';
import { finishLogin } from './finish-login.js';
import type { PendingLogin } from '../../services/pending-login.js';
import type { Account } from '../../stores/account-store.js';
import { platformOf, summariseUserAgent } from '../../services/user-agent-summary.js';
import { webappMessages } from '../../i18n/webapp-messages.js';
import { isAppError } from '../../shared/errors.js';
import { translate } from '../../i18n/messages.js';

export async function continueAfterPassword(ctx: Context, deps: InteractionDeps, login: PendingLogin, account: Account): Promise<void> {
  if (!login.mobileChangeAsked && (await deps.mobileChangePending?.(account.id))) {
    await deps.pending.save(login);
    return ctx.redirect(`/interaction/${login.uid}/mobile`);
  }
  if (!login.freshSecondFactor && (await deps.rememberedBrowsers.isRemembered(ctx, account))) {
    login.secondFactor = { method: 'remembered', at: deps.clock.now() };
    return finishLogin(ctx, deps, login);
  }
  await deps.pending.save(login);
  return ctx.redirect(`/interaction/${login.uid}/second-factor`);
}

/** GET /interaction/:uid/second-factor — decides which second factor to ask and starts it. */
export async function startSecondFactor(ctx: Context, deps: InteractionDeps, login: PendingLogin, account: Account): Promise<void> {
  if (login.approvalId) {
    const approval = await deps.approvals.get(login.approvalId);
    if (approval?.status === 'pending') return ctx.redirect(`/interaction/${login.uid}/approval`);
  }
  if (account.twoFactorMethod === 'sms') return ctx.redirect(`/interaction/${login.uid}/sms`);
  const devices = await deps.devices.listByAccount(account.id);
  if (devices.length === 0) {
    // On a phone the QR code (for another device) is no use, and only its own store matters.
    const platform = platformOf(ctx.get('user-agent'), ctx.get('sec-ch-ua-platform') || undefined);
    const app = webappMessages(ctx.state.page.lang);
    ctx.body = await deps.render('interactions/no-device', ctx.state.page, {
      uid: login.uid,
      platform,
      enrolUrl: deps.enrolUrl(account),
      qrSvg: platform === 'desktop' ? await deps.qrSvg(deps.enrolUrl(account)) : null,
      appStoreUrl: platform === 'android' ? null : deps.storeLinks.appStore,
      playStoreUrl: platform === 'ios' ? null : deps.storeLinks.playStore,
      smsAllowed: deps.smsAllowed(account),
      appButtons: { add: app['nav.add'], continue: app['enrol.submit'], register: app['enrol.register'] },
    });
    return;
  }
  try {
    const approval = await deps.approvals.create({
      accountId: account.id,
      interactionUid: login.uid,
      clientId: login.clientId,
      clientName: await deps.clientName(login.clientId),
      ip: ctx.ip,
      browser: summariseUserAgent(ctx.get('user-agent')),
    });
    login.approvalId = approval.id;
    await deps.pending.save(login);
    return ctx.redirect(`/interaction/${login.uid}/approval`);
  } catch (e) {
    if (!isAppError(e) || e.status !== 429) throw e;
    ctx.status = 429;
    ctx.body = await deps.render('interactions/approval-refused', ctx.state.page, {
      uid: login.uid,
      message: translate(ctx.state.page.lang, e.code),
    });
  }
}
