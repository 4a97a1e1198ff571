// Configures node-oidc-provider: code flow with PKCE S256 only, our accounts and claims, step-up, first-party grants.
import Provider, { type Adapter, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import type { JWK } from 'jose';
import { CLIENT_AUTH_METHODS, type ClientMetadata } from '../config/clients.js';
import type { ClientRoles } from '../config/client-roles.js';
import type { AccountStore } from '../domain/account.js';
import { accountClaims, SCOPE_CLAIMS } from './claims.js';
import { fromUiLocales } from '../i18n/language.js';
import { UI_LOCALES_COOKIE } from '../middleware/koa-language.js';
import { buildInteractionPolicy, type InteractionPolicyDeps } from './interaction-policy.js';

export interface ProviderPages {
  error(ctx: KoaContextWithOIDC, out: { error: string; error_description?: string }): Promise<void>;
  logout(ctx: KoaContextWithOIDC, form: string): Promise<void>;
  logoutSuccess(ctx: KoaContextWithOIDC): Promise<void>;
}

export interface ProviderDeps {
  issuer: string;
  clients: ClientMetadata[];
  jwks: { keys: JWK[] };
  cookieKeys: string[];
  accounts: AccountStore;
  /** A class or synchronous factory (oidc-provider rejects async ones); undefined = the provider's memory adapter. */
  adapter?: Configuration['adapter'];
  pages: ProviderPages;
  proxy: boolean;
  acr: { password: string; twoFactor: string };
  /** Lifetimes in seconds. */
  ttl: { interaction: number; session: number; refreshToken: number; accessToken: number; idToken: number; authorizationCode: number };
  /** OIDC-5: single sign-on only into clients the account's role may use. */
  clientRoles: ClientRoles;
  /** OIDC-6: when a session's second factor still counts for another authorization. */
  sso: Pick<InteractionPolicyDeps, 'clock' | 'ssoGraceSeconds' | 'stillRemembered'>;
  /** Timeout of each request the provider makes to a relying party (back-channel logout, a client's jwks_uri), in ms; default 5000. */
  clientRequestTimeoutMs?: number;
}

/**
 * The provider's outgoing requests: to a client's `backchannel_logout_uri` or `jwks_uri`, both from the
 * operator's OIDC_CLIENTS_FILE (no dynamic registration, no request_uri), so relying parties on internal
 * addresses are allowed (the provider's default dispatcher refuses private and loopback IPs). Our timeout
 * replaces the provider's fixed 2.5 s.
 */
function clientRequestFetch(timeoutMs: number): NonNullable<Configuration['fetch']> {
  return (input, init) => {
    const { dispatcher: _dispatcher, ...rest } = (init ?? {}) as RequestInit & { dispatcher?: unknown };
    return globalThis.fetch(input, { ...rest, signal: AbortSignal.timeout(timeoutMs) });
  };
}

/**
 * Whether the authorization and end-session endpoints also accept POST (OIDC Core 3.1.2.1, RP-Initiated
 * Logout 1.0 §2): only when the issuer is https, because a cross-site form POST carries the session cookie
 * only when it is `SameSite=None`, which browsers accept only with `Secure` (oidc-provider refuses POST
 * support otherwise). On a plain-http issuer (development) both endpoints are GET only.
 */
export function httpPostMethodsEnabled(issuer: string): boolean {
  return new URL(issuer).protocol === 'https:';
}

export function createProvider(deps: ProviderDeps): Provider {
  const postMethods = httpPostMethodsEnabled(deps.issuer);
  const configuration: Configuration = {
    adapter: deps.adapter as unknown as (name: string) => Adapter,
    clients: deps.clients as unknown as Configuration['clients'],
    jwks: deps.jwks as Configuration['jwks'],
    cookies: {
      keys: deps.cookieKeys,
      // The session cookie must reach a cross-site POST to /auth and /session/end: SameSite=None (the provider adds Secure on https).
      long: { signed: true, httpOnly: true, sameSite: postMethods ? 'none' : 'lax' },
      short: { signed: true, httpOnly: true, sameSite: 'lax' },
    },
    acrValues: [deps.acr.password, deps.acr.twoFactor],
    claims: {
      acr: null,
      amr: null,
      auth_time: null,
      sid: null,
      ...Object.fromEntries(Object.entries(SCOPE_CLAIMS).map(([scope, claims]) => [scope, [...claims]])),
    },
    // broker_api: the broker JSON API; only clients whose metadata lists it in `scope` may request it.
    scopes: ['openid', 'profile', 'email', 'phone', 'offline_access', 'broker_api'],
    responseTypes: ['code'],
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      introspection: { enabled: true },
      userinfo: { enabled: true },
      backchannelLogout: { enabled: true },
      // OIDC Core 5.5: the claims request parameter (an essential acr with values is a step-up, see interaction-policy).
      claimsParameter: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx, form) => deps.pages.logout(ctx, form),
        postLogoutSuccessSource: (ctx) => deps.pages.logoutSuccess(ctx),
      },
    },
    interactions: {
      url: (ctx, interaction) => {
        // ui_locales (OIDC Core 3.1.2.1) chooses the hosted pages' language, before Accept-Language: kept for this login only.
        const lang = fromUiLocales(ctx.oidc.params?.ui_locales);
        const path = `/interaction/${interaction.uid}`;
        if (lang) ctx.cookies.set(UI_LOCALES_COOKIE, lang, { path, httpOnly: true, sameSite: 'lax', signed: false, secure: ctx.secure, maxAge: deps.ttl.interaction * 1000 });
        return path;
      },
      policy: buildInteractionPolicy({ acrTwoFactor: deps.acr.twoFactor, accounts: deps.accounts, clientRoles: deps.clientRoles, ...deps.sso }),
    },
    async findAccount(_ctx, sub) {
      const account = await deps.accounts.findById(sub);
      if (!account) return undefined;
      const claims = accountClaims(account);
      return { accountId: sub, claims: () => claims as { sub: string } };
    },
    // OIDC-4: all three relying parties are first-party: no consent screen, but the grant is recorded.
    async loadExistingGrant(ctx) {
      const { oidc } = ctx;
      const accountId = oidc.session!.accountId!;
      const clientId = oidc.client!.clientId;
      const grantId = oidc.result?.consent?.grantId ?? oidc.session!.grantIdFor(clientId);
      const found = grantId ? await oidc.provider.Grant.find(grantId) : undefined;
      const grant = found && found.accountId === accountId ? found : new oidc.provider.Grant({ accountId, clientId });
      const scopes = [...(oidc.requestParamScopes as Set<string>)].join(' ');
      grant.addOIDCScope(scopes);
      const claims = [...(oidc.requestParamClaims as Set<string>)];
      if (claims.length) grant.addOIDCClaims(claims);
      await grant.save();
      return grant;
    },
    renderError: (ctx, out) => deps.pages.error(ctx, out as { error: string; error_description?: string }),
    rotateRefreshToken: () => true,
    ttl: {
      AccessToken: deps.ttl.accessToken,
      AuthorizationCode: deps.ttl.authorizationCode,
      IdToken: deps.ttl.idToken,
      Interaction: deps.ttl.interaction,
      Session: deps.ttl.session,
      Grant: deps.ttl.refreshToken,
      RefreshToken: deps.ttl.refreshToken,
    },
    // A client without its own `scope` may request every scope except broker_api.
    clientDefaults: { id_token_signed_response_alg: 'RS256', scope: 'openid profile email phone offline_access' },
    enabledJWA: {
      idTokenSigningAlgValues: ['RS256', 'ES256'],
      // private_key_jwt only (client_secret_jwt is not offered, so no HS* here).
      clientAuthSigningAlgValues: ['RS256', 'PS256', 'ES256', 'EdDSA'],
    },
    // Exactly the methods a client can be registered with in OIDC_CLIENTS_FILE (src/config/clients.ts).
    clientAuthMethods: [...CLIENT_AUTH_METHODS],
    discovery: { ui_locales_supported: ['de', 'en'] },
    enableHttpPostMethods: postMethods,
    fetch: clientRequestFetch(deps.clientRequestTimeoutMs ?? 5000),
  };
  const provider = new Provider(deps.issuer, configuration);
  provider.proxy = deps.proxy;
  return provider;
}
