// Configures node-oidc-provider: code flow with PKCE S256 only, our accounts and claims, step-up, first-party grants.
import Provider, { type Adapter, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import type { JWK } from 'jose';
import type { ClientMetadata } from '../config/clients.js';
import type { AccountStore } from '../stores/account-store.js';
import { accountClaims, SCOPE_CLAIMS } from './claims.js';
import { buildInteractionPolicy } from './interaction-policy.js';

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
  ttl: { interaction: number; session: number; refreshToken: number; accessToken: number };
}

export function createProvider(deps: ProviderDeps): Provider {
  const configuration: Configuration = {
    adapter: deps.adapter as unknown as (name: string) => Adapter,
    clients: deps.clients as unknown as Configuration['clients'],
    jwks: deps.jwks as Configuration['jwks'],
    cookies: {
      keys: deps.cookieKeys,
      long: { signed: true, httpOnly: true, sameSite: 'lax' },
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
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx, form) => deps.pages.logout(ctx, form),
        postLogoutSuccessSource: (ctx) => deps.pages.logoutSuccess(ctx),
      },
    },
    interactions: {
      url: (_ctx, interaction) => `/interaction/${interaction.uid}`,
      policy: buildInteractionPolicy(deps.acr.twoFactor),
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
      AuthorizationCode: 60,
      IdToken: 3600,
      Interaction: deps.ttl.interaction,
      Session: deps.ttl.session,
      Grant: deps.ttl.refreshToken,
      RefreshToken: deps.ttl.refreshToken,
    },
    // A client without its own `scope` may request every scope except broker_api.
    clientDefaults: { id_token_signed_response_alg: 'RS256', scope: 'openid profile email phone offline_access' },
    enabledJWA: { idTokenSigningAlgValues: ['RS256', 'ES256'] },
  };
  const provider = new Provider(deps.issuer, configuration);
  provider.proxy = deps.proxy;
  return provider;
}
