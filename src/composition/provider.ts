// Composition, OIDC: the relying parties (clients), the provider, back-channel logout and the per-account session index.
import { readFile } from 'node:fs/promises';
import type Provider from 'oidc-provider';
import { ACCOUNT_CLIENT_ID, withAccountClient } from '../config/account-client.js';
import { withBrokerClient } from '../config/broker-client.js';
import { ClientConfigError, loadClients, parseClients, type ClientMetadata } from '../config/clients.js';
import { ClientRoles } from '../config/client-roles.js';
import type { KeyMaterial } from '../config/keys.js';
import type { Config } from '../config/schema.js';
import { AccountSessions } from '../provider/account-sessions.js';
import { BackchannelLogout } from '../provider/backchannel-logout.js';
import { createProvider } from '../provider/create-provider.js';
import { providerPages } from '../provider/provider-pages.js';
import type { RenderPage } from '../routes/render.js';
import { rememberedBrowserCookies } from '../routes/interactions/remembered-browser-cookie.js';
import type { RememberedBrowserService } from '../services/remembered-browsers.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { Stores } from './stores.js';

export interface Oidc {
  clients: ClientMetadata[];
  /** OIDC-5: which account roles may use which client. */
  clientRoles: ClientRoles;
  provider: Provider;
  /** Logout tokens to the relying parties of ended sessions (OIDC-7). */
  backchannelLogout: BackchannelLogout;
  /** Every OIDC session and grant per account, so they can all be ended (PWD-2, APR-6). */
  sessions: AccountSessions;
}

interface Parts {
  rootDir: string;
  keys: KeyMaterial;
  stores: Stores;
  render: RenderPage;
  rememberedBrowsers: RememberedBrowserService;
  clock: Clock;
  logger: Logger;
}

/** OIDC_CLIENTS_FILE or the demo clients, plus the account page's and the broker area's own clients (always present). */
async function relyingParties(config: Config, rootDir: string, keys: KeyMaterial): Promise<ClientMetadata[]> {
  const clients = config.clientsFile
    ? await loadClients(config.clientsFile, config.issuer)
    : parseClients(JSON.parse(await readFile(`${rootDir}config/demo-clients.json`, 'utf8')), config.issuer);
  return withBrokerClient(withAccountClient(clients, config.issuer, keys.cookieKeys[0]!), config.issuer, keys.cookieKeys[0]!);
}

/** The provider checks a client's metadata on first use; do it now, so a bad client stops the start with its id named. */
async function checkClientsAtStart(provider: Provider, clients: ClientMetadata[]): Promise<void> {
  const problems: string[] = [];
  for (const { client_id: id } of clients) {
    await provider.Client.find(id).catch((e: { error_description?: string; message?: string }) => problems.push(`${id}: ${e.error_description ?? e.message}`));
  }
  if (problems.length) throw new ClientConfigError(problems);
}

/** Throws ClientConfigError naming every client whose metadata the provider refuses. */
export async function buildOidc(config: Config, p: Parts): Promise<Oidc> {
  const { clock, logger } = p;
  const clients = await relyingParties(config, p.rootDir, p.keys);
  const clientRoles = new ClientRoles(clients);
  const openToAll = clientRoles.unrestricted().filter((id) => id !== ACCOUNT_CLIENT_ID);
  if (config.clientsFile && openToAll.length) logger.warn({ clients: openToAll }, 'clients without allowed_roles admit every role (OIDC-5)');
  const provider = createProvider({
    issuer: config.issuer,
    clients,
    jwks: p.keys.jwks,
    cookieKeys: p.keys.cookieKeys,
    accounts: p.stores.accounts,
    adapter: p.stores.adapter,
    pages: providerPages(p.render),
    proxy: config.trustProxy,
    acr: { password: config.acrPassword, twoFactor: config.acrTwoFactor },
    ttl: {
      interaction: config.interactionTtlSeconds,
      session: config.sessionTtlSeconds,
      refreshToken: config.refreshTokenTtlSeconds,
      accessToken: config.accessTokenTtlSeconds,
      idToken: config.idTokenTtlSeconds,
      authorizationCode: config.authorizationCodeTtlSeconds,
    },
    clientRequestTimeoutMs: config.clientRequestTimeoutMs,
    clientRoles,
    sso: {
      clock,
      ssoGraceSeconds: config.ssoSecondFactorGraceSeconds,
      stillRemembered: (ctx, account) => rememberedBrowserCookies(p.rememberedBrowsers).isRemembered(ctx, account),
    },
  });
  provider.on('server_error', (_ctx, err) => logger.error({ err }, 'oidc provider error'));
  await checkClientsAtStart(provider, clients);
  const backchannelLogout = new BackchannelLogout({
    provider,
    audit: p.stores.audit,
    clock,
    logger,
    settings: { attempts: config.backchannelLogoutAttempts, retryDelayMs: config.backchannelLogoutRetryDelayMs },
  }).attach();
  const sessions = new AccountSessions({
    kv: p.stores.kv,
    provider,
    ttlMs: Math.max(config.sessionTtlSeconds, config.refreshTokenTtlSeconds) * 1000,
    logger,
    onEnded: backchannelLogout,
  }).attach();
  return { clients, clientRoles, provider, backchannelLogout, sessions };
}
