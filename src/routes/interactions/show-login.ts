// GET /interaction/:uid — the login form, or the step this login has reached.
import type { Middleware } from 'koa';
import type { InteractionDeps } from './interaction-deps.js';
import { loadInteraction } from './load-interaction.js';
import { grantConsent } from './grant-consent.js';
import { readFlash } from '../flash.js';
import { formatMobile } from '../../services/mobile-number.js';
import type { PageContext } from '../render.js';
import { translate } from '../../i18n/messages.js';
import type { Context } from 'koa';

/** A time of day as people read it in Germany ("09:44"), whatever the server's time zone. */
export function formatTime(ms: number, lang: string): string {
  return new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'de-DE', { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Berlin' }).format(ms);
}

/** The "no mobile number on file" notice, with the broker's contact for customers. */
async function showNoMobile(ctx: Context, deps: InteractionDeps, uid: string, accountId: string): Promise<void> {
  const account = await deps.accounts.findById(accountId);
  const broker = account && account.role === 'customer' && account.brokerId ? await deps.accounts.findById(account.brokerId) : null;
  ctx.status = 403;
  ctx.body = await deps.render('interactions/no-mobile', ctx.state.page, {
    uid,
    broker: broker ? { name: broker.name, email: broker.email, mobile: broker.mobile, mobileShown: broker.mobile ? formatMobile(broker.mobile) : null } : null,
  });
}

export function clientNameOf(details: { params: Record<string, unknown> }, provider: InteractionDeps['provider']): Promise<string> {
  const clientId = String(details.params.client_id ?? '');
  return provider.Client.find(clientId).then((c) => String(c?.clientName ?? clientId));
}

export function showLogin(deps: InteractionDeps): Middleware {
  return async function showLogin(ctx) {
    // The pending login (keyed by the URL's uid) is read alongside the interaction and counts only for that interaction.
    const [details, pending] = await Promise.all([loadInteraction(deps.provider, ctx), deps.pending.get(String(ctx.params.uid ?? ''))]);
    if (details.prompt.name === 'consent') return grantConsent(ctx, deps, details);
    if (pending?.uid === details.uid) return ctx.redirect(`/interaction/${details.uid}/second-factor`);
    // The user cancelled (or the login ended otherwise): the relying party gets its answer, not the form again.
    if (details.result && 'error' in details.result) return ctx.redirect(details.returnTo);
    const page = ctx.state.page as PageContext;
    const read = readFlash(ctx);
    const flash = read && (read.key.startsWith('login.') || read.key.startsWith('notice.')) ? read : null;
    if (flash?.key === 'notice.noMobile.text' && flash.values?.accountId) return showNoMobile(ctx, deps, details.uid, flash.values.accountId);
    const loginHint = typeof details.params.login_hint === 'string' ? details.params.login_hint : '';
    let error: string | undefined;
    let warning: string | undefined;
    if (flash) {
      ctx.status = flash.status ?? 400;
      const params = { ...flash.params };
      if (typeof params.untilMs === 'number') params.until = formatTime(params.untilMs, page.lang);
      error = translate(page.lang, flash.key, params);
      if (flash.key === 'login.invalid' && params.left === 1) warning = translate(page.lang, 'login.lastTry');
    }
    ctx.body = await deps.render('interactions/login', page, {
      uid: details.uid,
      clientName: await clientNameOf(details, deps.provider),
      loginId: flash?.values?.loginId ?? loginHint,
      error,
      warning,
      locked: flash?.key === 'login.locked',
    });
  };
}
