// The hosted broker area /broker (BRK-1, BRK-2): signed in through this IdP as the internal client `fi-broker` with a
// fresh second factor (like /account), for brokers, employees and sub-brokers. Pages live in *-pages.ts beside this.
import Router from '@koa/router';
import type { Middleware } from 'koa';
import * as client from 'openid-client';
import type { ClientMetadata } from '../../config/clients.js';
import { BROKER_ROLES } from '../../config/broker-client.js';
import type { BrokerArea } from '../../services/broker/build-broker-area.js';
import type { IntervalService } from '../../services/interval-service.js';
import type { SmsStatementService } from '../../services/sms-statement.js';
import type { Clock } from '../../shared/clock.js';
import { AppError } from '../../shared/errors.js';
import type { Random } from '../../shared/random.js';
import type { AccountStore } from '../../stores/account-store.js';
import { translate } from '../../i18n/messages.js';
import { issuerBase, lazyDiscovery, type DemoClient } from '../demo/demo-clients.js';
import type { PageContext, RenderPage } from '../render.js';
import { brokerSession } from './broker-session.js';
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
}

/** Only local paths under /broker may be the target after sign-in (no open redirect). */
function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/broker(\/[A-Za-z0-9_./-]*)?$/.test(next) && !next.includes('//') && !next.includes('..') ? next : '/broker';
}

export function brokerPageRoutes(deps: BrokerPageDeps, forms: Middleware[]): Router {
  const base = issuerBase(deps.issuer);
  const redirectUri = `${base}/broker/callback`;
  const self: DemoClient = { id: deps.client.client_id, name: deps.client.client_name ?? deps.client.client_id, redirectUri, postLogoutRedirectUri: `${base}/broker/signed-out`, usesRefreshTokens: false, metadata: deps.client };
  const configuration = lazyDiscovery(deps.issuer);
  const router = new Router({ prefix: '/broker' });
  const kit = pageKit({ accounts: deps.accounts, rights: deps.area.stores.rights, render: deps.render, clock: deps.clock });

  router.get('/login', async (ctx) => {
    const config = await configuration(self).catch(() => {
      throw new AppError('error.unavailable', 503);
    });
    const verifier = client.randomPKCECodeVerifier();
    const state = deps.random.token();
    const nonce = deps.random.token();
    brokerSession.setLogin(ctx, { verifier, state, nonce, next: safeNext(ctx.query.next) });
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: 'openid',
      response_type: 'code',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
      // The internal area changes other people's security settings: always a fresh second factor.
      acr_values: deps.acrTwoFactor,
      ui_locales: (ctx.state.page as PageContext).lang,
    });
    ctx.set('Cache-Control', 'no-store');
    ctx.redirect(url.href);
  });

  router.get('/callback', async (ctx) => {
    const pending = brokerSession.getLogin(ctx);
    brokerSession.clearLogin(ctx);
    if (typeof ctx.query.error === 'string') throw new AppError(ctx.query.error === 'access_denied' ? 'oidc.access_denied' : 'broker.signInFailed', 400);
    if (!pending) throw new AppError('broker.signInFailed', 400);
    let claims: client.IDToken | undefined;
    try {
      const tokens = await client.authorizationCodeGrant(await configuration(self), new URL(`${base}${ctx.url}`), {
        pkceCodeVerifier: pending.verifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
      });
      claims = tokens.claims();
    } catch {
      throw new AppError('broker.signInFailed', 400);
    }
    if (!claims?.sub || claims.acr !== deps.acrTwoFactor) throw new AppError('broker.signInFailed', 400);
    const account = await deps.accounts.findById(claims.sub);
    if (!account || !(BROKER_ROLES as readonly string[]).includes(account.role)) throw new AppError('broker.notBroker', 403);
    brokerSession.setSession(ctx, account.id, deps.clock.now());
    ctx.set('Cache-Control', 'no-store');
    ctx.redirect(pending.next ?? '/broker');
  });

  router.post('/logout', ...forms, async (ctx) => {
    brokerSession.clearSession(ctx);
    ctx.set('Cache-Control', 'no-store');
    try {
      ctx.redirect(client.buildEndSessionUrl(await configuration(self), { client_id: self.id, post_logout_redirect_uri: self.postLogoutRedirectUri! }).href);
    } catch {
      ctx.redirect('/broker/signed-out');
    }
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
