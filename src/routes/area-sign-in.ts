// How a hosted area (/account, /broker) signs a person in: as its internal OIDC client, authorization code with PKCE,
// state and nonce, always demanding a fresh second factor (acr_values), and accepting only an ID token with that acr.
import type { Context } from 'koa';
import * as client from 'openid-client';
import type { ClientMetadata } from '../config/clients.js';
import { requestLogger } from '../middleware/koa-request-log.js';
import { AppError, type ErrorCode } from '../shared/errors.js';
import type { Random } from '../shared/random.js';
import { issuerBase, lazyDiscovery, type DemoClient } from './demo/demo-clients.js';
import type { PageContext } from './render.js';
import type { AreaCookies } from './signed-area-cookies.js';

export interface AreaSignInOptions {
  issuer: string;
  /** The area's internal client (`fi-account`, `fi-broker`). */
  client: ClientMetadata;
  /** The area's path, e.g. `/account`: its callback is `<path>/callback`. */
  path: string;
  cookies: AreaCookies;
  random: Random;
  /** acr of a fresh second factor; demanded at every sign-in and checked in the ID token. */
  acrTwoFactor: string;
  /** The error code (400) of a sign-in that failed for any reason but the user's own refusal. */
  failure: ErrorCode;
}

export interface AreaSignIn {
  /** Redirects the browser to the authorization endpoint; `next` (already checked by the caller) is kept for after. Throws 503 `error.unavailable` when discovery fails. */
  start(ctx: Context, next?: string): Promise<void>;
  /** Handles `<path>/callback`: the signed-in account id (`sub`) and the kept `next`. Throws 400 (`oidc.access_denied` or `failure`). */
  finish(ctx: Context): Promise<{ sub: string; next?: string }>;
  /** Where to send the browser to end the IdP session too (RP-initiated logout, back to `<path>/signed-out`); that page itself if discovery fails. */
  signOutUrl(ctx: Context): Promise<string>;
}

export function areaSignIn(opts: AreaSignInOptions): AreaSignIn {
  const base = issuerBase(opts.issuer);
  const redirectUri = `${base}${opts.path}/callback`;
  const self: DemoClient = {
    id: opts.client.client_id,
    name: opts.client.client_name ?? opts.client.client_id,
    redirectUri,
    postLogoutRedirectUri: `${base}${opts.path}/signed-out`,
    usesRefreshTokens: false,
    metadata: opts.client,
  };
  const configuration = lazyDiscovery(opts.issuer);
  return {
    async start(ctx, next) {
      const config = await configuration(self).catch((err: unknown) => {
        requestLogger(ctx)?.warn({ err: (err as Error)?.message, client: self.id }, 'area sign-in: discovery failed; answered error.unavailable');
        throw new AppError('error.unavailable', 503);
      });
      const verifier = client.randomPKCECodeVerifier();
      const state = opts.random.token();
      const nonce = opts.random.token();
      opts.cookies.setLogin(ctx, { verifier, state, nonce, ...(next === undefined ? {} : { next }) });
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope: 'openid',
        response_type: 'code',
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
        nonce,
        // These areas change security settings: always a fresh second factor, no remembered browser, no old session.
        acr_values: opts.acrTwoFactor,
        ui_locales: (ctx.state.page as PageContext).lang,
      });
      ctx.set('Cache-Control', 'no-store');
      ctx.redirect(url.href);
    },
    async finish(ctx) {
      const pending = opts.cookies.getLogin(ctx);
      opts.cookies.clearLogin(ctx);
      if (typeof ctx.query.error === 'string') throw new AppError(ctx.query.error === 'access_denied' ? 'oidc.access_denied' : opts.failure, 400);
      if (!pending) throw new AppError(opts.failure, 400);
      let claims: client.IDToken | undefined;
      try {
        const tokens = await client.authorizationCodeGrant(await configuration(self), new URL(`${base}${ctx.url}`), {
          pkceCodeVerifier: pending.verifier,
          expectedState: pending.state,
          expectedNonce: pending.nonce,
        });
        claims = tokens.claims();
      } catch (err) {
        // A reused or stale callback URL lands here too; the reason helps when it is not the user's doing.
        requestLogger(ctx)?.warn({ err: (err as Error)?.message, client: self.id }, 'area sign-in: code exchange failed');
        throw new AppError(opts.failure, 400);
      }
      if (!claims?.sub || claims.acr !== opts.acrTwoFactor) throw new AppError(opts.failure, 400);
      return { sub: claims.sub, ...(pending.next === undefined ? {} : { next: pending.next }) };
    },
    async signOutUrl(ctx) {
      try {
        return client.buildEndSessionUrl(await configuration(self), { client_id: self.id, post_logout_redirect_uri: self.postLogoutRedirectUri! }).href;
      } catch (err) {
        // The area's own session is gone already; the IdP session stays until it ends or the user signs out again.
        requestLogger(ctx)?.warn({ err: (err as Error)?.message, client: self.id }, 'area sign-out: discovery failed; IdP session not ended');
        return `${opts.path}/signed-out`;
      }
    },
  };
}
