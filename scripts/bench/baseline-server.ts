// Baseline B: a bare oidc-provider — the IdP's own provider configuration (createProvider), Redis adapter,
// signing keys and clients — behind a tiny Koa app whose interaction logs in as "bench" without checking
// anything and grants consent like src/routes/interactions/grant-consent.ts. Run as a child by run.ts.
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Koa from 'koa';
import type { KeyMaterial } from '../../src/config/keys.js';
import { parseClients } from '../../src/config/clients.js';
import { ClientRoles } from '../../src/config/client-roles.js';
import { systemClock } from '../../src/shared/clock.js';
import { createProvider } from '../../src/provider/create-provider.js';
import { createRedisClient } from '../../src/stores/redis/redis-client.js';
import { redisAdapterFactory } from '../../src/stores/redis/oidc-adapter.js';
import type { Account, AccountStore } from '../../src/domain/account.js';
import type { Configuration } from 'oidc-provider';

const port = Number(process.env.PORT);
const issuer = `http://127.0.0.1:${port}`;
const redisUrl = process.env.REDIS_URL!;
const devStateDir = process.env.DEV_STATE_DIR!;

const keys = JSON.parse(readFileSync(join(devStateDir, 'dev-keys.json'), 'utf8')) as KeyMaterial;
const clients = parseClients(JSON.parse(readFileSync(new URL('../../config/demo-clients.json', import.meta.url), 'utf8')), issuer);

const benchAccount: Account = {
  id: 'bench',
  accessNumber: '999999',
  email: 'bench@example.de',
  mobile: '+4915199999999',
  name: 'Bench User',
  role: 'customer',
  brokerId: null,
  passwordHash: null,
  twoFactorMethod: 'app',
  twoFactorIntervalDays: 7,
  createdAt: 0,
  updatedAt: 0,
};
const accounts = { findById: async (id: string) => (id === benchAccount.id ? benchAccount : null) } as unknown as AccountStore;

const client = createRedisClient(redisUrl, { keyPrefix: 'base:' });
const provider = createProvider({
  issuer,
  clients,
  jwks: keys.jwks,
  cookieKeys: keys.cookieKeys,
  accounts,
  clientRoles: new ClientRoles(clients),
  // The bare login has no second factor (no acr): like a remembered browser that stays remembered, so SSO carries it.
  sso: { clock: systemClock, ssoGraceSeconds: 0, stillRemembered: async () => true },
  adapter: redisAdapterFactory(client) as unknown as Configuration['adapter'],
  pages: {
    async error(ctx, out) {
      ctx.type = 'text';
      ctx.body = `error: ${out.error}`;
    },
    async logout(ctx, form) {
      ctx.type = 'html';
      ctx.body = form;
    },
    async logoutSuccess(ctx) {
      ctx.body = 'bye';
    },
  },
  proxy: false,
  acr: { password: 'urn:financeident:acr:pwd', twoFactor: 'urn:financeident:acr:mfa' },
  ttl: { interaction: 600, session: 28800, refreshToken: 2592000, accessToken: 600, idToken: 3600, authorizationCode: 60 },
});

const app = new Koa();
app.keys = keys.cookieKeys;
const oidc = provider.callback();
app.use(async (ctx) => {
  const match = /^\/interaction\/([^/]+)$/.exec(ctx.path);
  ctx.respond = false;
  if (!match || ctx.method !== 'GET') return oidc(ctx.req, ctx.res);
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  if (details.prompt.name === 'login') {
    return provider.interactionFinished(ctx.req, ctx.res, { login: { accountId: benchAccount.id } }, { mergeWithLastSubmission: false });
  }
  const grant = details.grantId
    ? ((await provider.Grant.find(details.grantId)) ?? new provider.Grant({ accountId: details.session!.accountId!, clientId: String(details.params.client_id) }))
    : new provider.Grant({ accountId: details.session!.accountId!, clientId: String(details.params.client_id) });
  const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] };
  grant.addOIDCScope([...new Set([...(missing.missingOIDCScope ?? []), ...String(details.params.scope ?? '').split(' ').filter(Boolean)])].join(' '));
  if (missing.missingOIDCClaims?.length) grant.addOIDCClaims(missing.missingOIDCClaims);
  const grantId = await grant.save();
  return provider.interactionFinished(ctx.req, ctx.res, { consent: { grantId } }, { mergeWithLastSubmission: true });
});

const server = createServer(app.callback());
server.keepAliveTimeout = 65_000;
server.listen(port, '127.0.0.1');
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close();
  void client.quit().finally(() => process.exit(0));
});
