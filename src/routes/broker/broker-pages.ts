// The hosted broker area /broker (BRK-1, BRK-2): signed in through this IdP as the internal client `fi-broker` with a
// fresh second factor (like /account), for brokers, employees and sub-brokers. Pages live in *-pages.ts beside this.
import Router from '@koa/router';
import type { Middleware } from 'koa';
import type { ClientMetadata } from '../../config/clients.js';
import { BROKER_ROLES } from '../../config/broker-client.js';
import type { BrokerArea } from '../../services/broker/build-broker-area.js';
import type { IntervalService } from '../../services/interval-service.js';
import type { SmsStatementService } from '../../services/sms-statement.js';
import type { Clock } from '../../shared/clock.js';
import { AppError } from '../../shared/errors.js';
import type { Random } from '../../shared/random.js';
import type { AccountStore } from '../../domain/account.js';
import { translate } from '../../i18n/messages.js';
import { areaSignIn } from '../area-sign-in.js';
import type { PageContext, RenderPage } from '../render.js';
import type { AreaCookies } from '../signed-area-cookies.js';
import { pageKit } from './broker-page-kit.js';
import { customerPages } from './customer-pages.js';
import { mailingPages } from './mailing-pages.js';
import { settingsPages } from './settings-pages.js';

export interface BrokerPageDeps {
  issuer: string;
  /** The `fi-broker` client's metadata. */
  client: ClientMetadata;
  accounts: AccountStore;
  area: BrokerArea;
  intervals: IntervalService;
  statements: SmsStatementService;
  render: RenderPage;
  clock: Clock;
  random: Random;
  acrTwoFactor: string;
  /** The sign-in cookies with their configured lifetimes (broker-session.ts). */
  session: AreaCookies;
}

/** Only local paths under /broker may be the target after sign-in (no open redirect). */
function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/broker(\/[A-Za-z0-9_./-]*)?$/.test(next) && !next.includes('//') && !next.includes('..') ? next : '/broker';
}

export function brokerPageRoutes(deps: BrokerPageDeps, forms: Middleware[]): Router {
  const brokerSession = deps.session;
  const signIn = areaSignIn({ issuer: deps.issuer, client: deps.client, path: '/broker', cookies: brokerSession, random: deps.random, acrTwoFactor: deps.acrTwoFactor, failure: 'broker.signInFailed' });
  const router = new Router({ prefix: '/broker' });
  const kit = pageKit({ accounts: deps.accounts, rights: deps.area.stores.rights, render: deps.render, clock: deps.clock, session: brokerSession });

  router.get('/login', async (ctx) => {
    await signIn.start(ctx, safeNext(ctx.query.next));
  });

  router.get('/callback', async (ctx) => {
    const { sub, next } = await signIn.finish(ctx);
    const account = await deps.accounts.findById(sub);
    if (!account || !(BROKER_ROLES as readonly string[]).includes(account.role)) throw new AppError('broker.notBroker', 403);
    brokerSession.setSession(ctx, account.id, deps.clock.now());
    ctx.set('Cache-Control', 'no-store');
    ctx.redirect(next ?? '/broker');
  });

  router.post('/logout', ...forms, async (ctx) => {
    brokerSession.clearSession(ctx);
    ctx.set('Cache-Control', 'no-store');
    ctx.redirect(await signIn.signOutUrl(ctx));
  });

  router.get('/signed-out', ...forms, async (ctx) => {
    const page = ctx.state.page as PageContext;
    ctx.set('Cache-Control', 'no-store');
    ctx.type = 'html';
    ctx.body = await deps.render('broker/signed-out', page, { title: translate(page.lang, 'brokerPage.signedOut.heading') });
  });

  customerPages(router, deps, kit, forms);
  settingsPages(router, deps, kit, forms);
  mailingPages(router, deps, kit, forms);
  return router;
}
