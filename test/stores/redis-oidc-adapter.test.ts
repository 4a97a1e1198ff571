// The oidc-provider Redis adapter on a real Redis and on a real Redis Cluster: payloads, expiry, consumption, lookups
// and grant revocation (also racing with new tokens of the grant).
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import Provider, { type AdapterConstructor } from 'oidc-provider';
import { ManualClock } from '../../src/shared/clock.js';
import { redisAdapterFactory } from '../../src/stores/redis/oidc-adapter.js';
import { createRedisClient, createRedisClusterClient, type RedisConnection } from '../../src/stores/redis/redis-client.js';
import { testRedis, testRedisCluster, testRedisClusterNodes, testRedisUrl } from '../helpers/redis.js';

const SETUPS = [
  { name: 'one Redis', connect: () => ({ client: testRedis() as RedisConnection, raw: createRedisClient(testRedisUrl()) as RedisConnection }) },
  { name: 'Redis Cluster', connect: () => ({ client: testRedisCluster() as RedisConnection, raw: createRedisClusterClient(testRedisClusterNodes()) as RedisConnection }) },
];

describe.each(SETUPS)('redisAdapterFactory on $name', ({ connect }) => {
  let client: RedisConnection;
  /** No keyPrefix: sees the keys as stored. */
  let raw: RedisConnection;
  let prefix: string;
  const clock = new ManualClock(Date.UTC(2026, 10, 22, 9, 0, 0));
  let Adapter: AdapterConstructor;

  beforeAll(() => {
    ({ client, raw } = connect());
    prefix = client.options.keyPrefix ?? '';
    Adapter = redisAdapterFactory(client, clock);
  });
  afterAll(async () => {
    await client.quit();
    await raw.quit();
  });

  it('stores a payload as JSON under the model, with the given ttl in seconds', async () => {
    const tokens = new Adapter('AccessToken');
    await tokens.upsert('at1', { accountId: 'alice', scope: 'openid', amr: [], extra: {} }, 60);
    expect(await tokens.find('at1')).toEqual({ accountId: 'alice', scope: 'openid', amr: [], extra: {} });
    expect(JSON.parse((await raw.get(`${prefix}oidc:AccessToken:at1`))!)).toEqual({ accountId: 'alice', scope: 'openid', amr: [], extra: {} });
    const pttl = await raw.pttl(`${prefix}oidc:AccessToken:at1`);
    expect(pttl).toBeGreaterThan(59_000);
    expect(pttl).toBeLessThanOrEqual(60_000);
    // Another model with the same id is another record.
    expect(await new Adapter('RefreshToken').find('at1')).toBeUndefined();
    expect(await tokens.find('missing')).toBeUndefined();
  });

  it('overwrites on upsert, and keeps a payload without expiresIn forever', async () => {
    const clients = new Adapter('Client');
    await clients.upsert('c1', { client_id: 'c1' });
    await clients.upsert('c1', { client_id: 'c1', client_name: 'Two' });
    expect(await clients.find('c1')).toEqual({ client_id: 'c1', client_name: 'Two' });
    expect(await raw.pttl(`${prefix}oidc:Client:c1`)).toBe(-1);
  });

  it('really expires a payload after its ttl', async () => {
    const interactions = new Adapter('Interaction');
    await interactions.upsert('i1', { uid: 'u-exp' }, 0.05);
    expect(await interactions.find('i1')).toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(await interactions.find('i1')).toBeUndefined();
  });

  it('consume stores epoch seconds in the payload, keeps the ttl; a second consumption fails with invalid_grant and revokes the grant', async () => {
    const codes = new Adapter('AuthorizationCode');
    await codes.upsert('code1', { accountId: 'alice', grantId: 'g-consume', amr: [], claims: {} }, 600);
    await codes.consume('code1');
    const consumedAt = Math.floor(clock.now() / 1000);
    expect(await codes.find('code1')).toEqual({ accountId: 'alice', grantId: 'g-consume', amr: [], claims: {}, consumed: consumedAt });
    expect(await raw.pttl(`${prefix}oidc:AuthorizationCode:code1`)).toBeGreaterThan(599_000);

    clock.advance(30_000);
    await expect(codes.consume('code1')).rejects.toMatchObject({ error: 'invalid_grant' });
    expect(await codes.find('code1')).toBeUndefined();
  });

  it('consume handles an empty payload; a missing one (gone since it was read) fails with invalid_grant', async () => {
    const codes = new Adapter('AuthorizationCode');
    await codes.upsert('empty', {}, 60);
    await codes.consume('empty');
    expect(await codes.find('empty')).toEqual({ consumed: Math.floor(clock.now() / 1000) });
    await expect(codes.consume('missing')).rejects.toMatchObject({ error: 'invalid_grant' });
    expect(await raw.exists(`${prefix}oidc:AuthorizationCode:missing`)).toBe(0);
    await expect(new Adapter('PushedAuthorizationRequest').consume('missing')).rejects.toMatchObject({ error: 'invalid_request_uri' });
  });

  it('consume is atomic: of concurrent consumptions exactly one wins, the others fail and revoke the grant', async () => {
    const tokens = new Adapter('RefreshToken');
    const grants = new Adapter('Grant');
    await grants.upsert('g-race', { accountId: 'alice' }, 600);
    await tokens.upsert('rt-race', { accountId: 'alice', grantId: 'g-race' }, 600);
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => tokens.consume('rt-race')));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected' && (r.reason as { error?: string }).error === 'invalid_grant')).toHaveLength(19);
    expect(await tokens.find('rt-race')).toBeUndefined();
    expect(await grants.find('g-race')).toBeUndefined();
  });

  it('revokeByGrantId ends every token of the grant, of every model, and only those', async () => {
    const accessTokens = new Adapter('AccessToken');
    const refreshTokens = new Adapter('RefreshToken');
    const codes = new Adapter('AuthorizationCode');
    await codes.upsert('c-g1', { grantId: 'g1' }, 60);
    await accessTokens.upsert('at-g1', { grantId: 'g1' }, 3600);
    await refreshTokens.upsert('rt-g1', { grantId: 'g1' }, 86_400);
    await accessTokens.upsert('at-g2', { grantId: 'g2' }, 3600);

    await accessTokens.revokeByGrantId('g1');

    expect(await codes.find('c-g1')).toBeUndefined();
    expect(await accessTokens.find('at-g1')).toBeUndefined();
    expect(await refreshTokens.find('rt-g1')).toBeUndefined();
    expect(await raw.exists(`${prefix}oidc:grant:{g1}`)).toBe(0);
    expect(await accessTokens.find('at-g2')).toEqual({ grantId: 'g2' });
    // Revoking again, or an unknown grant, is harmless.
    await refreshTokens.revokeByGrantId('g1');
    await refreshTokens.revokeByGrantId('unknown');
  });

  it('after revocation a token of the grant is not stored again, and its tombstone is found as nothing', async () => {
    const accessTokens = new Adapter('AccessToken');
    const codes = new Adapter('AuthorizationCode');
    await accessTokens.upsert('at-late', { grantId: 'g-late' }, 600);
    await accessTokens.revokeByGrantId('g-late');
    // The old token's key holds a tombstone for its remaining lifetime: not found, not consumable.
    expect(await accessTokens.find('at-late')).toBeUndefined();
    expect(await raw.pttl(`${prefix}oidc:AccessToken:at-late`)).toBeGreaterThan(599_000);
    await codes.upsert('c-other', { grantId: 'g-other' }, 60);
    await accessTokens.revokeByGrantId('g-other');
    await expect(codes.consume('c-other')).rejects.toMatchObject({ error: 'invalid_grant' });
    expect(await codes.find('c-other')).toBeUndefined();
    // Saving the same token or a new one of the revoked grant stores nothing (a request racing the revocation may
    // still answer, but its token is unknown).
    await accessTokens.upsert('at-late', { grantId: 'g-late' }, 600);
    await accessTokens.upsert('at-new', { grantId: 'g-late' }, 600);
    expect(await accessTokens.find('at-new')).toBeUndefined();
    expect(await raw.exists(`${prefix}oidc:AccessToken:at-new`)).toBe(0);
    expect(await accessTokens.find('at-late')).toBeUndefined();
  });

  it('a revocation racing with new tokens of the grant leaves none of them behind', async () => {
    const refreshTokens = new Adapter('RefreshToken');
    for (let round = 0; round < 5; round++) {
      const grantId = `g-race-${round}`;
      await refreshTokens.upsert(`rt-${round}-first`, { grantId }, 600);
      const saves = Array.from({ length: 30 }, (_, i) => refreshTokens.upsert(`rt-${round}-${i}`, { grantId }, 600).then(() => 'saved', () => 'failed'));
      const revoked = refreshTokens.revokeByGrantId(grantId);
      const outcomes = await Promise.all(saves);
      await revoked;
      // Whatever order the steps took, after both no token of the grant can be found.
      const found = await Promise.all(Array.from({ length: 30 }, (_, i) => refreshTokens.find(`rt-${round}-${i}`)));
      expect(found.filter(Boolean)).toEqual([]);
      expect(await refreshTokens.find(`rt-${round}-first`)).toBeUndefined();
      expect(outcomes.every((o) => o === 'saved')).toBe(true);
    }
  });

  it('keeps the grant index alive as long as its longest-lived token', async () => {
    const accessTokens = new Adapter('AccessToken');
    const refreshTokens = new Adapter('RefreshToken');
    const index = `${prefix}oidc:grant:{g-ttl}`;
    await accessTokens.upsert('at-ttl', { grantId: 'g-ttl' }, 60);
    expect(await raw.pttl(index)).toBeGreaterThan(59_000);
    expect(await raw.pttl(index)).toBeLessThanOrEqual(60_000);
    await refreshTokens.upsert('rt-ttl', { grantId: 'g-ttl' }, 86_400);
    expect(await raw.pttl(index)).toBeGreaterThan(86_399_000);
    await accessTokens.upsert('at-ttl-2', { grantId: 'g-ttl' }, 60);
    expect(await raw.pttl(index)).toBeGreaterThan(86_399_000);
    expect((await raw.smembers(index)).sort()).toEqual(['oidc:AccessToken:at-ttl', 'oidc:AccessToken:at-ttl-2', 'oidc:RefreshToken:rt-ttl']);
  });

  it('does not index models that are not grant tokens, nor uids of other models than Session', async () => {
    await new Adapter('Interaction').upsert('i-g', { grantId: 'g-interaction', uid: 'i-uid' }, 60);
    expect(await raw.exists(`${prefix}oidc:grant:{g-interaction}`)).toBe(0);
    expect(await raw.exists(`${prefix}oidc:uid:Interaction:i-uid`)).toBe(0);
  });

  it('finds a session by uid, with the same expiry, until it is destroyed', async () => {
    const sessions = new Adapter('Session');
    await sessions.upsert('s1', { uid: 'uid-1', accountId: 'alice' }, 300);
    expect(await sessions.findByUid('uid-1')).toEqual({ uid: 'uid-1', accountId: 'alice' });
    expect(await raw.pttl(`${prefix}oidc:uid:Session:uid-1`)).toBeGreaterThan(299_000);
    expect(await sessions.findByUid('uid-unknown')).toBeUndefined();
    await sessions.destroy('s1');
    expect(await sessions.find('s1')).toBeUndefined();
    expect(await sessions.findByUid('uid-1')).toBeUndefined();
  });

  it('finds a device code by user code', async () => {
    const deviceCodes = new Adapter('DeviceCode');
    await deviceCodes.upsert('dc1', { userCode: 'ABCD-EFGH', grantId: 'g-device' }, 600);
    expect(await deviceCodes.findByUserCode('ABCD-EFGH')).toEqual({ userCode: 'ABCD-EFGH', grantId: 'g-device' });
    expect(await deviceCodes.findByUserCode('ZZZZ-ZZZZ')).toBeUndefined();
    await deviceCodes.revokeByGrantId('g-device');
    expect(await deviceCodes.findByUserCode('ABCD-EFGH')).toBeUndefined();
  });

  it('is accepted by oidc-provider, which saves, consumes and revokes through it', async () => {
    // Development keys and interactions: the provider warns about them, which is beside the point here.
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    let provider: Provider;
    try {
      provider = new Provider('http://localhost:3000', {
        adapter: Adapter,
        clients: [{ client_id: 'rp', client_secret: 'secret', redirect_uris: ['https://rp.example/cb'] }],
      });
    } finally {
      warn.mockRestore();
    }
    const rp = await provider.Client.find('rp');
    expect(rp).toBeDefined();
    const code = new provider.AuthorizationCode({
      accountId: 'alice',
      client: rp!,
      grantId: 'g-provider',
      gty: 'authorization_code',
      redirectUri: 'https://rp.example/cb',
      scope: 'openid',
    });
    const codeValue = await code.save();
    const found = await provider.AuthorizationCode.find(codeValue);
    expect(found?.accountId).toBe('alice');
    expect(found?.isValid).toBe(true);
    await found!.consume();
    const consumed = await provider.AuthorizationCode.find(codeValue);
    expect((consumed as unknown as { consumed?: number } | undefined)?.consumed).toBe(Math.floor(clock.now() / 1000)); // not in the typings
    expect(consumed?.isValid).toBe(false);
    await provider.AuthorizationCode.revokeByGrantId('g-provider');
    expect(await provider.AuthorizationCode.find(codeValue)).toBeUndefined();
  });
});
