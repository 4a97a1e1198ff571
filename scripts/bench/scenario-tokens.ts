// Preparation (one approved login per virtual user: remembered-browser cookie, refresh and access tokens on both
// servers), scenario 3 (refresh grant, introspection) and scenario 4 (discovery, JWKS), each against the bare provider.
import { getOk, introspect, login, refresh } from './flows.js';
import { alternate, mapLimit, type LoadResult } from './load.js';
import { check, CPUS, type BenchWorld } from './setup.js';

export interface Tokens {
  idpRefresh: string[];
  idpAccess: string[];
  baseRefresh: string[];
  baseAccess: string[];
}

/**
 * Per virtual user: a financeapp login with approval (refresh token, remembered-browser cookie), a financecloud
 * login (access token, no approval: the browser is remembered), and the same two on the bare provider.
 */
export async function prepareTokens(world: BenchWorld): Promise<Tokens> {
  const n = world.concurrency;
  const appLogin = { scope: 'openid profile email phone offline_access', extra: { prompt: 'consent' } };
  const idpRefresh = await mapLimit(world.vuClients, n, async (client, vu) => {
    const tokens = await login(client, { rp: world.idpRp('financeapp'), ...appLogin, credentials: world.credentials(vu), onApproval: world.approveOnDevice(world.devices[vu]!) });
    if (!client.jar.names().some((name) => name.startsWith('fi_rb_'))) throw new Error('no remembered-browser cookie after the approval');
    return tokens.refresh_token!;
  });
  const idpAccess = await mapLimit(world.vuClients, n, async (client, vu) => (await login(client, { rp: world.idpRp('financecloud'), credentials: world.credentials(vu) })).access_token);
  const baseRefresh = await mapLimit(world.baseClients, n, async (client) => (await login(client, { rp: world.baseRp('financeapp'), ...appLogin })).refresh_token!);
  const baseAccess = await mapLimit(world.baseClients, n, async (client) => (await login(client, { rp: world.baseRp('financecloud') })).access_token);
  return { idpRefresh, idpAccess, baseRefresh, baseAccess };
}

export type TokenLoads = Record<'refresh.idp' | 'refresh.bare' | 'introspection.idp' | 'introspection.bare', LoadResult>;

/** Scenario 3 in alternating windows: refresh (IdP, bare), introspection (IdP, bare). Rotates the refresh tokens in `tokens`. */
export async function measureTokens(world: BenchWorld, tokens: Tokens, opts: { seconds: number; rounds: number }): Promise<TokenLoads> {
  const { idp, base, vuClients, baseClients } = world;
  const many = 1_000_000;
  const loads = await alternate<keyof TokenLoads>(
    {
      'refresh.idp': () => world.load(idp, many, opts.seconds, async (vu) => void (tokens.idpRefresh[vu] = (await refresh(vuClients[vu]!, world.idpRp('financeapp'), tokens.idpRefresh[vu]!)).refresh_token!)),
      'refresh.bare': () => world.load(base, many, opts.seconds, async (vu) => void (tokens.baseRefresh[vu] = (await refresh(baseClients[vu]!, world.baseRp('financeapp'), tokens.baseRefresh[vu]!)).refresh_token!)),
      'introspection.idp': () => world.load(idp, many, opts.seconds, (vu) => introspect(vuClients[vu]!, world.idpRp('financecloud'), tokens.idpAccess[vu]!)),
      'introspection.bare': () => world.load(base, many, opts.seconds, (vu) => introspect(baseClients[vu]!, world.baseRp('financecloud'), tokens.baseAccess[vu]!)),
    },
    opts.rounds,
    CPUS,
  );
  for (const [name, result] of Object.entries(loads)) check(result, name);
  return loads;
}

export type DiscoveryLoads = Record<'discovery.idp' | 'discovery.bare' | 'jwks.idp' | 'jwks.bare', LoadResult>;

/** Scenario 4: discovery document and JWKS on both servers, `seconds` each. */
export async function measureDiscovery(world: BenchWorld, seconds: number): Promise<DiscoveryLoads> {
  const out: Partial<DiscoveryLoads> = {};
  for (const [name, path] of [
    ['discovery', '/.well-known/openid-configuration'],
    ['jwks', '/jwks'],
  ] as const) {
    for (const [who, server, clients] of [
      ['idp', world.idp, world.vuClients],
      ['bare', world.base, world.baseClients],
    ] as const) {
      out[`${name}.${who}`] = check(await world.load(server, 1_000_000, seconds, (vu) => getOk(clients[vu]!, path)), `${name} ${who}`);
    }
  }
  return out as DiscoveryLoads;
}
