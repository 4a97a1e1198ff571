// Demo relying parties (development only): a whole code flow with PKCE S256, state and nonce through openid-client, shown step by step.
import Router from '@koa/router';
import type { Context } from 'koa';
import * as client from 'openid-client';
import type { ClientMetadata } from '../../config/clients.js';
import { AppError } from '../../shared/errors.js';
import type { Random } from '../../shared/random.js';
import type { PageContext, RenderPage } from '../render.js';
import { DEMO_PASSWORD } from './demo-accounts.js';
import { enrolCommand, listedAccounts } from './listed-accounts.js';
import { DEMO_SCOPE, issuerBase, lazyDiscovery, selectDemoClients, type DemoClient } from './demo-clients.js';
import { demoCookies, type TokensCookie } from './demo-cookies.js';
import { describeFailure, fromAuthorizationError, shortReason, type DemoFailure } from './demo-errors.js';
import { demoTranslator, type DemoMessageKey } from './demo-messages.js';
import { jsonLines, tokenFields } from './demo-view-model.js';

export interface DemoDeps {
  issuer: string;
  clients: ClientMetadata[];
  render: RenderPage;
  random: Random;
  /** SEED_ACCOUNTS_FILE, when set: /demo lists its accounts instead of the built-in demo logins. */
  seedAccountsFile?: string;
}

/** acr_values sent by the step-up link (`?acr=mfa`). */
export const DEMO_ACR_MFA = 'urn:financeident:acr:mfa';

/** Echoed back by the IdP on the post-logout redirect, so the client page can say where the user came from. */
const LOGGED_OUT_STATE = 'logged-out';

type Tokens = Awaited<ReturnType<typeof client.authorizationCodeGrant>>;

export function demoRoutes(deps: DemoDeps): Router {
  const base = issuerBase(deps.issuer);
  const demos = selectDemoClients(deps.issuer, deps.clients);
  const byId = new Map(demos.map((d) => [d.id, d]));
  const configurationFor = lazyDiscovery(deps.issuer);
  const router = new Router({ prefix: '/demo' });

  function demoFor(ctx: Context & { params?: Record<string, string> }): DemoClient {
    const id = ctx.params?.client;
    const demo = id === undefined ? undefined : byId.get(id);
    if (!demo) throw new AppError('error.notFound', 404);
    return demo;
  }

  async function show(ctx: Context, view: string, locals: Record<string, unknown>, status = 200): Promise<void> {
    const page = ctx.state.page as PageContext;
    ctx.status = status;
    ctx.set('Cache-Control', 'no-store');
    ctx.type = 'html';
    ctx.body = await deps.render(view, page, { dt: demoTranslator(page.lang), wide: true, ...locals });
  }

  function describeClient(demo: DemoClient) {
    return {
      id: demo.id,
      name: demo.name,
      redirectUri: demo.redirectUri,
      auth: demo.metadata.token_endpoint_auth_method,
      // OIDC-5: which demo logins this client admits (null = every role).
      roles: demo.metadata.allowed_roles ?? null,
      grants: demo.metadata.grant_types,
      usesRefreshTokens: demo.usesRefreshTokens,
      canLogout: demo.postLogoutRedirectUri !== undefined,
    };
  }

  async function showClient(ctx: Context, demo: DemoClient, extra: { failure?: DemoFailure; loggedOut?: boolean } = {}): Promise<void> {
    const page = ctx.state.page as PageContext;
    const dt = demoTranslator(page.lang);
    const tokens = demoCookies.getTokens(ctx, demo.id);
    await show(
      ctx,
      'demo/client',
      {
        title: dt('client.title', { client: demo.name }),
        demo: describeClient(demo),
        signedIn: tokens?.idToken || tokens?.refreshToken ? { sub: tokens.sub ?? '?', hasRefreshToken: Boolean(tokens.refreshToken) } : undefined,
        loggedOut: extra.loggedOut === true,
        error: extra.failure ? { message: dt(extra.failure.key, { issuer: base, client: demo.name }), detail: extra.failure.detail } : undefined,
      },
      extra.failure?.status ?? 200,
    );
  }

  async function showTokens(
    ctx: Context,
    demo: DemoClient,
    config: client.Configuration,
    tokens: Tokens,
    opts: { kind: 'login' | 'refresh'; requestedAcr?: string; previous?: TokensCookie },
  ): Promise<void> {
    const page = ctx.state.page as PageContext;
    const dt = demoTranslator(page.lang);
    const claims = tokens.claims();
    const sub = claims?.sub ?? opts.previous?.sub;
    let userinfo: string | undefined;
    let userinfoError: string | undefined;
    try {
      userinfo = JSON.stringify(await client.fetchUserInfo(config, tokens.access_token, sub ?? client.skipSubjectCheck), null, 2);
    } catch (err) {
      userinfoError = dt('result.userinfoFailed', { reason: shortReason(err) });
    }
    const refreshToken = tokens.refresh_token ?? (opts.kind === 'refresh' ? opts.previous?.refreshToken : undefined);
    const idToken = tokens.id_token ?? opts.previous?.idToken;
    demoCookies.setTokens(ctx, demo.id, { ...(idToken ? { idToken } : {}), ...(refreshToken ? { refreshToken } : {}), ...(sub ? { sub } : {}) });

    let rotation: DemoMessageKey | undefined;
    if (opts.kind === 'refresh') {
      rotation = !tokens.refresh_token ? 'result.noNewRefresh' : tokens.refresh_token !== opts.previous?.refreshToken ? 'result.rotated' : 'result.notRotated';
    } else if (demo.usesRefreshTokens && !tokens.refresh_token) {
      rotation = 'result.noRefreshIssued';
    }
    const amr = Array.isArray(claims?.amr) ? claims.amr.map(String) : undefined;
    await show(ctx, 'demo/result', {
      title: dt(opts.kind === 'refresh' ? 'result.refreshTitle' : 'result.title', { client: demo.name }),
      demo: describeClient(demo),
      kind: opts.kind,
      acr: typeof claims?.acr === 'string' ? claims.acr : undefined,
      amr,
      requestedAcr: opts.requestedAcr,
      claimsLines: claims ? jsonLines(claims, ['acr', 'amr']) : undefined,
      userinfo,
      userinfoError,
      tokenFields: tokenFields(tokens),
      rotation,
      rotationOk: rotation === 'result.rotated',
      hasRefreshToken: Boolean(refreshToken),
    });
  }

  router.get('/', async (ctx) => {
    const listed = await listedAccounts(deps.seedAccountsFile);
    const firstApp = listed.accounts.find((a) => a.method !== 'sms' && a.roleKey.includes('ustomer'))?.loginId ?? listed.accounts[0]?.loginId ?? '200001';
    await show(ctx, 'demo/index', {
      title: demoTranslator((ctx.state.page as PageContext).lang)('index.title'),
      clients: demos.map(describeClient),
      exampleRedirect: `${base}/demo/<client_id>/callback`,
      accounts: listed.accounts,
      seeded: listed.seeded,
      password: DEMO_PASSWORD,
      enrolCommand: enrolCommand(firstApp, listed.seeded ? undefined : DEMO_PASSWORD),
    });
  });

  router.get('/:client', async (ctx) => {
    const demo = demoFor(ctx);
    await showClient(ctx, demo, { loggedOut: ctx.query.state === LOGGED_OUT_STATE });
  });

  router.get('/:client/login', async (ctx) => {
    const demo = demoFor(ctx);
    let config: client.Configuration;
    try {
      config = await configurationFor(demo);
    } catch (err) {
      return showClient(ctx, demo, { failure: describeFailure(err, 'error.generic') });
    }
    const verifier = client.randomPKCECodeVerifier();
    const state = deps.random.token();
    const nonce = deps.random.token();
    const acr = ctx.query.acr === 'mfa' ? DEMO_ACR_MFA : undefined;
    const prompts: string[] = [];
    if (ctx.query.prompt === 'login') prompts.push('login');
    // oidc-provider keeps offline_access (and so issues a refresh token) only when prompt includes consent.
    if (demo.usesRefreshTokens) prompts.push('consent');
    const params: Record<string, string> = {
      redirect_uri: demo.redirectUri,
      scope: [DEMO_SCOPE, ...(demo.usesRefreshTokens ? ['offline_access'] : []), ...(String(demo.metadata.scope ?? '').split(' ').includes('broker_api') ? ['broker_api'] : [])].join(' '),
      response_type: 'code',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    };
    if (acr) params.acr_values = acr;
    if (prompts.length) params.prompt = prompts.join(' ');
    demoCookies.setLogin(ctx, demo.id, { verifier, state, nonce, ...(acr ? { acr } : {}) });
    ctx.set('Cache-Control', 'no-store');
    ctx.redirect(client.buildAuthorizationUrl(config, params).href);
  });

  router.get('/:client/callback', async (ctx) => {
    const demo = demoFor(ctx);
    const pending = demoCookies.getLogin(ctx, demo.id);
    demoCookies.clearLogin(ctx, demo.id);
    const { error, error_description: description } = ctx.query;
    if (typeof error === 'string') {
      return showClient(ctx, demo, { failure: fromAuthorizationError(error, typeof description === 'string' ? description : undefined) });
    }
    if (!pending) return showClient(ctx, demo, { failure: { key: 'error.noLogin', status: 400 } });
    let config: client.Configuration;
    let tokens: Tokens;
    try {
      config = await configurationFor(demo);
      // The issuer plus the request's path and query: exactly the registered redirect URI and the IdP's parameters.
      tokens = await client.authorizationCodeGrant(config, new URL(`${base}${ctx.url}`), {
        pkceCodeVerifier: pending.verifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
      });
    } catch (err) {
      return showClient(ctx, demo, { failure: describeFailure(err, 'error.exchange') });
    }
    await showTokens(ctx, demo, config, tokens, { kind: 'login', ...(pending.acr ? { requestedAcr: pending.acr } : {}) });
  });

  router.get('/:client/refresh', async (ctx) => {
    const demo = demoFor(ctx);
    if (!demo.usesRefreshTokens) return showClient(ctx, demo, { failure: { key: 'error.noRefreshGrant', status: 400 } });
    const previous = demoCookies.getTokens(ctx, demo.id);
    if (!previous?.refreshToken) return showClient(ctx, demo, { failure: { key: 'error.noRefreshToken', status: 400 } });
    let config: client.Configuration;
    let tokens: Tokens;
    try {
      config = await configurationFor(demo);
      tokens = await client.refreshTokenGrant(config, previous.refreshToken);
    } catch (err) {
      return showClient(ctx, demo, { failure: describeFailure(err, 'error.refresh') });
    }
    await showTokens(ctx, demo, config, tokens, { kind: 'refresh', previous });
  });

  router.get('/:client/logout', async (ctx) => {
    const demo = demoFor(ctx);
    const stored = demoCookies.getTokens(ctx, demo.id);
    let config: client.Configuration;
    try {
      config = await configurationFor(demo);
    } catch (err) {
      return showClient(ctx, demo, { failure: describeFailure(err, 'error.generic') });
    }
    const params: Record<string, string> = {};
    if (stored?.idToken) params.id_token_hint = stored.idToken;
    if (demo.postLogoutRedirectUri) {
      params.post_logout_redirect_uri = demo.postLogoutRedirectUri;
      params.state = LOGGED_OUT_STATE;
    }
    let target: URL;
    try {
      target = client.buildEndSessionUrl(config, params);
    } catch (err) {
      return showClient(ctx, demo, { failure: describeFailure(err, 'error.generic') });
    }
    demoCookies.clearTokens(ctx, demo.id);
    demoCookies.clearLogin(ctx, demo.id);
    ctx.set('Cache-Control', 'no-store');
    ctx.redirect(target.href);
  });

  return router;
}
