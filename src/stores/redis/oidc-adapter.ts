// oidc-provider adapter on Redis or a Redis Cluster: JSON payloads expire with their model; revoking a grant ends every token of it.
import type { Adapter, AdapterConstructor, AdapterPayload } from 'oidc-provider';
import { systemClock, type Clock } from '../../shared/clock.js';
import { GRANTABLE, lostConsumeRace, REPLAY_MODEL, replayDetected } from '../oidc-single-use.js';
import { Cluster } from 'ioredis';
import { luaScript, type RedisConnection } from './redis-client.js';
import { REDIS_KEYS } from '../key-layout.js';

// The keys (src/stores/key-layout.ts); a grant's index and its revocation mark share one Redis Cluster slot.
const { model: modelKey, grant: grantIndexKey, grantRevoked: grantRevokedKey, uid: uidKey, userCode: userCodeKey } = REDIS_KEYS.oidc;

/**
 * What a revoked token's key holds until the token would have expired: never a JSON object, so `find`
 * answers nothing, `consume` refuses it and a late `upsert` of the same token cannot bring it back.
 */
const REVOKED = 'revoked';
/** How long a revocation mark and a tombstone last at least: longer than any request that may still save a token of the grant. */
const REVOKED_MARK_MIN_MS = REDIS_KEYS.oidc.revokedMarkMinMs;

/*
 * Revocation without a multi-slot step (a Redis Cluster keeps a token and its grant index in different slots):
 *   save a grant token: (1) index it under its grant, refused if the grant is marked revoked [grant's slot],
 *                       then (2) write its payload, refused if it is tombstoned             [token's slot];
 *   revoke a grant:     (1) mark it revoked and take the index                              [grant's slot],
 *                       then (2) tombstone every indexed token                              [each token's slot].
 * A token saved during a revocation is either indexed before (1) of the revocation, so (2) tombstones it
 * whether its payload is written before or after, or its indexing comes later and is refused (nothing is
 * stored). A token of a revoked grant therefore never exists once the revocation has returned.
 */

/** Lua: adds ARGV[1] to the index KEYS[1], which expires no earlier than its longest-lived token (ARGV[2] ms, 0 = none). */
const ADD_TO_INDEX = `
local ttl = tonumber(ARGV[2])
local current = redis.call('PTTL', KEYS[1]) -- -2: new index, -1: kept for a token without expiry
redis.call('SADD', KEYS[1], ARGV[1])
if ttl == 0 then
  redis.call('PERSIST', KEYS[1])
elseif current == -2 or (current >= 0 and current < ttl) then
  redis.call('PEXPIRE', KEYS[1], ttl)
end`;

/**
 * Adds a token to its grant's index unless the grant was revoked; the index expires no earlier than its
 * longest-lived token. KEYS[1] index, KEYS[2] revocation mark. ARGV[1] member (the payload key without the
 * client's keyPrefix), ARGV[2] expiry in ms (0 = none). Returns 0 when the grant is revoked.
 */
const indexScript = luaScript(`
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
${ADD_TO_INDEX}
return 1
`);

/** Writes a grant token's payload unless it was tombstoned. KEYS[1] payload; ARGV[1] JSON, ARGV[2] expiry in ms (0 = none). */
const putScript = luaScript(`
if redis.call('GET', KEYS[1]) == '${REVOKED}' then return 0 end
if tonumber(ARGV[2]) > 0 then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) else redis.call('SET', KEYS[1], ARGV[1]) end
return 1
`);

/**
 * On one Redis (not a Cluster) both steps of saving a grant token in one script, so one round trip: KEYS[1] index,
 * KEYS[2] revocation mark, KEYS[3] payload; ARGV[1] member, ARGV[2] expiry in ms (0 = none), ARGV[3] JSON. The same
 * rules as indexScript then putScript, with nothing in between. Returns 0 when nothing was stored.
 */
const indexAndPutScript = luaScript(`
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
if redis.call('GET', KEYS[3]) == '${REVOKED}' then return 0 end
${ADD_TO_INDEX}
if ttl > 0 then redis.call('SET', KEYS[3], ARGV[3], 'PX', ttl) else redis.call('SET', KEYS[3], ARGV[3]) end
return 1
`);

/**
 * Marks a payload consumed (epoch seconds ARGV[1]) keeping its expiry; the first consumption wins (1).
 * A lost race answers the payload's grantId (or '' without one, or when the payload is gone), for revocation.
 * The JSON object is extended as text (JSON.stringify output always ends with '}'), because a
 * cjson decode/encode round trip would turn empty arrays into objects.
 */
const consumeScript = luaScript(`
local value = redis.call('GET', KEYS[1])
if not value or value == '${REVOKED}' then return '' end
local payload = cjson.decode(value)
local consumed = payload['consumed']
if consumed and consumed ~= cjson.null then
  local grantId = payload['grantId']
  if type(grantId) == 'string' then return grantId end
  return ''
end
local body = string.sub(value, 1, -2)
if body == '{' then
  value = '{"consumed":' .. ARGV[1] .. '}'
else
  value = body .. ',"consumed":' .. ARGV[1] .. '}'
end
redis.call('SET', KEYS[1], value, 'KEEPTTL')
return 1
`);

/**
 * Step (1) of a revocation: marks the grant revoked (for at least ARGV[1] ms, longer if its index lives
 * longer) and takes its index. KEYS[1] index, KEYS[2] revocation mark. Returns the mark's lifetime in ms,
 * then the indexed members.
 */
const revokeScript = luaScript(`
local members = redis.call('SMEMBERS', KEYS[1])
local ttl = math.max(redis.call('PTTL', KEYS[1]), tonumber(ARGV[1]))
redis.call('SET', KEYS[2], '1', 'PX', ttl)
redis.call('DEL', KEYS[1])
table.insert(members, 1, ttl)
return members
`);

/** Step (2): replaces one token by the tombstone, for as long as it had left (ARGV[1] ms if it is gone or never expires). KEYS[1] payload. */
const tombstoneScript = luaScript(`
local ttl = redis.call('PTTL', KEYS[1])
if ttl <= 0 then ttl = tonumber(ARGV[1]) end
redis.call('SET', KEYS[1], '${REVOKED}', 'PX', ttl)
return 1
`);

/** The stored payload; nothing for a missing or revoked (tombstoned) one. */
function parse(value: string | null): AdapterPayload | undefined {
  return value === null || value === REVOKED ? undefined : (JSON.parse(value) as AdapterPayload);
}


/**
 * oidc-provider wants a class (or a synchronous factory): this returns one bound to `client`.
 * `clock` dates consumption (`consumed`, epoch seconds); expiry itself follows Redis's clock.
 */
export function redisAdapterFactory(client: RedisConnection, clock: Clock = systemClock): AdapterConstructor {
  // On one Redis every key lives on the same server and one connection keeps the order of what it sends: a token's
  // two save steps run as one script and a payload and its lookup keys go out as one pipeline (one round trip each).
  // A Cluster spreads those keys over slots and nodes, so there the steps stay apart and in order.
  const single = !(client instanceof Cluster);
  return class RedisOidcAdapter implements Adapter {
    constructor(private readonly model: string) {}

    async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
      const key = modelKey(this.model, id);
      const ttlMs = expiresIn && expiresIn > 0 ? Math.ceil(expiresIn * 1000) : 0;
      const json = JSON.stringify(payload);
      if (this.model === REPLAY_MODEL) {
        // Seen once, by exactly one of simultaneous requests: the first SET NX wins, the rest were replays.
        const set = await (ttlMs > 0 ? client.set(key, json, 'PX', ttlMs, 'NX') : client.set(key, json, 'NX'));
        if (set === null) throw replayDetected();
        return;
      }
      if (GRANTABLE.has(this.model) && typeof payload.grantId === 'string') {
        // A token of a revoked grant is not stored: the request that made it may still answer (as when a code is
        // redeemed twice, RFC 9700 §4.14), but the token is unknown wherever it is used.
        const grantId = payload.grantId;
        if (single) {
          if (Number(await indexAndPutScript.run(client, [grantIndexKey(grantId), grantRevokedKey(grantId), key], [key, ttlMs, json])) !== 1) return;
        } else {
          if (Number(await indexScript.run(client, [grantIndexKey(grantId), grantRevokedKey(grantId)], [key, ttlMs])) !== 1) return;
          if (Number(await putScript.run(client, [key], [json, ttlMs])) !== 1) return;
        }
        await this.setLookups(id, payload, ttlMs);
        return;
      }
      // Lookup keys after the payload (a lookup that finds no payload finds nothing). Only sessions are looked
      // up by uid (interactions carry one too, but are found by id).
      const lookups = this.lookupKeys(payload);
      if (single && lookups.length) {
        // One pipeline, in order on one connection: Redis stores the payload before its lookups.
        const pipeline = client.pipeline();
        if (ttlMs > 0) pipeline.set(key, json, 'PX', ttlMs);
        else pipeline.set(key, json);
        for (const lookup of lookups) {
          if (ttlMs > 0) pipeline.set(lookup, id, 'PX', ttlMs);
          else pipeline.set(lookup, id);
        }
        const results = await pipeline.exec();
        const failed = results?.find(([error]) => error);
        if (failed) throw failed[0];
        return;
      }
      await (ttlMs > 0 ? client.set(key, json, 'PX', ttlMs) : client.set(key, json));
      await this.setLookups(id, payload, ttlMs);
    }

    private lookupKeys(payload: AdapterPayload): string[] {
      const lookups: string[] = [];
      if (this.model === 'Session' && payload.uid) lookups.push(uidKey(this.model, payload.uid));
      if (payload.userCode) lookups.push(userCodeKey(this.model, payload.userCode));
      return lookups;
    }

    private async setLookups(id: string, payload: AdapterPayload, ttlMs: number): Promise<void> {
      await Promise.all(this.lookupKeys(payload).map((lookup) => (ttlMs > 0 ? client.set(lookup, id, 'PX', ttlMs) : client.set(lookup, id))));
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      return parse(await client.get(modelKey(this.model, id)));
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      const id = await client.get(uidKey(this.model, uid));
      return id === null ? undefined : this.find(id);
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      const id = await client.get(userCodeKey(this.model, userCode));
      return id === null ? undefined : this.find(id);
    }

    /**
     * Single use decided in one step (Lua). oidc-provider reads a model, then consumes it: a request that lost the race
     * to a simultaneous one revokes the grant (RFC 9700 §4.14: reuse revokes the grant, like a later second use) and
     * fails with the standard error (invalid_grant; invalid_request_uri for PAR), never a second success.
     */
    async consume(id: string): Promise<void> {
      const result = await consumeScript.run(client, [modelKey(this.model, id)], [Math.floor(clock.now() / 1000)]);
      if (result === 1) return;
      if (typeof result === 'string' && result) await this.revokeGrant(result);
      throw lostConsumeRace(this.model);
    }

    /** Every token of the grant and the grant itself: tokens issued after this are refused (the grant is marked revoked, and gone). */
    private async revokeGrant(grantId: string): Promise<void> {
      await this.revokeByGrantId(grantId);
      await client.del(modelKey('Grant', grantId));
    }

    async destroy(id: string): Promise<void> {
      await client.del(modelKey(this.model, id));
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      const [markMs, ...members] = (await revokeScript.run(client, [grantIndexKey(grantId), grantRevokedKey(grantId)], [REVOKED_MARK_MIN_MS])) as [number, ...string[]];
      await Promise.all(members.map((member) => tombstoneScript.run(client, [member], [markMs])));
    }
  };
}
