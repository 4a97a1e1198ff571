// oidc-provider adapter on Redis: JSON payloads expire with their model; revoking a grant deletes every token of it.
import type { Adapter, AdapterConstructor, AdapterPayload } from 'oidc-provider';
import { systemClock, type Clock } from '../../shared/clock.js';
import { luaScript, type RedisConnection } from './redis-client.js';

/** Models whose payloads carry a grantId and must disappear when the grant is revoked (as in oidc-provider's memory adapter). */
const GRANTABLE: ReadonlySet<string> = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
  'PreAuthorizedCode',
]);

const modelKey = (model: string, id: string) => `oidc:${model}:${id}`;
const grantIndexKey = (grantId: string) => `oidc:grant:${grantId}`;
const uidKey = (model: string, uid: string) => `oidc:uid:${model}:${uid}`;
const userCodeKey = (model: string, userCode: string) => `oidc:userCode:${model}:${userCode}`;

/**
 * Writes the payload and, in the same step, its lookup keys and grant index, so a token can never
 * exist unindexed (revokeByGrantId would miss it).
 * KEYS[1] payload key, KEYS[2..] lookup keys (uid, userCode), then the grant index if ARGV[4] == '1'.
 * ARGV: [1] payload JSON, [2] expiry in ms (0 = none), [3] id, [4] '1' when the last key is a grant
 * index, [5] the member to index (the payload key without the client's keyPrefix).
 * The grant index expires no earlier than its longest-lived token.
 */
const upsertScript = luaScript(`
local ttl = tonumber(ARGV[2])
local function put(key, value)
  if ttl > 0 then redis.call('SET', key, value, 'PX', ttl) else redis.call('SET', key, value) end
end
put(KEYS[1], ARGV[1])
local last = #KEYS
if ARGV[4] == '1' then
  local current = redis.call('PTTL', KEYS[last]) -- -2: new index, -1: kept for a token without expiry
  redis.call('SADD', KEYS[last], ARGV[5])
  if ttl == 0 then
    redis.call('PERSIST', KEYS[last])
  elseif current == -2 or (current >= 0 and current < ttl) then
    redis.call('PEXPIRE', KEYS[last], ttl)
  end
  last = last - 1
end
for i = 2, last do put(KEYS[i], ARGV[3]) end
return 1
`);

/**
 * Marks a payload consumed (epoch seconds ARGV[1]) keeping its expiry; the first consumption wins.
 * The JSON object is extended as text (JSON.stringify output always ends with '}'), because a
 * cjson decode/encode round trip would turn empty arrays into objects.
 */
const consumeScript = luaScript(`
local value = redis.call('GET', KEYS[1])
if not value then return 0 end
local consumed = cjson.decode(value)['consumed']
if consumed and consumed ~= cjson.null then return 0 end
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
 * Deletes every payload indexed under a grant, and the index, in one step (a token written meanwhile
 * is either deleted too or written after the revocation).
 * KEYS[1] grant index; ARGV[1] the client's keyPrefix (index members are stored without it).
 */
const revokeScript = luaScript(`
local members = redis.call('SMEMBERS', KEYS[1])
for _, member in ipairs(members) do redis.call('DEL', ARGV[1] .. member) end
redis.call('DEL', KEYS[1])
return #members
`);

function parse(value: string | null): AdapterPayload | undefined {
  return value === null ? undefined : (JSON.parse(value) as AdapterPayload);
}

/**
 * oidc-provider wants a class (or a synchronous factory): this returns one bound to `client`.
 * `clock` dates consumption (`consumed`, epoch seconds); expiry itself follows Redis's clock.
 */
export function redisAdapterFactory(client: RedisConnection, clock: Clock = systemClock): AdapterConstructor {
  const keyPrefix = client.options.keyPrefix ?? '';

  return class RedisOidcAdapter implements Adapter {
    constructor(private readonly model: string) {}

    async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
      const key = modelKey(this.model, id);
      const keys = [key];
      // Only sessions are looked up by uid (interactions carry one too, but are found by id).
      if (this.model === 'Session' && payload.uid) keys.push(uidKey(this.model, payload.uid));
      if (payload.userCode) keys.push(userCodeKey(this.model, payload.userCode));
      const indexed = GRANTABLE.has(this.model) && typeof payload.grantId === 'string';
      if (indexed) keys.push(grantIndexKey(payload.grantId as string));
      const ttlMs = expiresIn && expiresIn > 0 ? Math.ceil(expiresIn * 1000) : 0;
      await upsertScript.run(client, keys, [JSON.stringify(payload), ttlMs, id, indexed ? '1' : '0', key]);
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

    async consume(id: string): Promise<void> {
      await consumeScript.run(client, [modelKey(this.model, id)], [Math.floor(clock.now() / 1000)]);
    }

    async destroy(id: string): Promise<void> {
      await client.del(modelKey(this.model, id));
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await revokeScript.run(client, [grantIndexKey(grantId)], [keyPrefix]);
    }
  };
}
