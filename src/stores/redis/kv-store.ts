// KvStore on Redis or a Redis Cluster: expiry in ms by Redis's own clock; counters and set expiries change atomically.
import type { KvStore } from '../../domain/kv-store.js';
import { Cluster } from 'ioredis';
import { luaScript, type RedisConnection } from './redis-client.js';

/** INCR; the expiry is set when the counter is created (or has somehow lost it, so it cannot stick forever). */
const incrScript = luaScript(`
local n = redis.call('INCR', KEYS[1])
if n == 1 or redis.call('PTTL', KEYS[1]) == -1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return n
`);

/** The same increment, then GET KEYS[2], in one script: nothing runs between them. */
const incrAndGetScript = luaScript(`
local n = redis.call('INCR', KEYS[1])
if n == 1 or redis.call('PTTL', KEYS[1]) == -1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return {n, redis.call('GET', KEYS[2])}
`);

/** SADD, then raise (never lower) the set's expiry to at least ARGV[2] ms. */
const saddScript = luaScript(`
redis.call('SADD', KEYS[1], ARGV[1])
local want = tonumber(ARGV[2])
if redis.call('PTTL', KEYS[1]) < want then
  redis.call('PEXPIRE', KEYS[1], want)
end
return 1
`);

/** DECRBY that stops at 0 and never creates a key; the expiry stays. */
const decrScript = luaScript(`
local v = redis.call('GET', KEYS[1])
if not v then return 0 end
local n = tonumber(v) - tonumber(ARGV[1])
if n < 0 then n = 0 end
redis.call('SET', KEYS[1], n, 'KEEPTTL')
return n
`);

/** GET + DEL of KEYS[1] (a counter), then the bounded DECRBY of KEYS[2] by that count + ARGV[1]; returns the count. */
const takeAndDecrScript = luaScript(`
local taken = tonumber(redis.call('GET', KEYS[1]) or '0') or 0
if taken ~= 0 then redis.call('DEL', KEYS[1]) end
local v = redis.call('GET', KEYS[2])
if v then
  local n = tonumber(v) - taken - tonumber(ARGV[1])
  if n < 0 then n = 0 end
  redis.call('SET', KEYS[2], n, 'KEEPTTL')
end
return taken
`);

/** Replaces the value while it equals ARGV[1] (ARGV[2] = '1': while the key is missing). */
const casScript = luaScript(`
local v = redis.call('GET', KEYS[1])
if ARGV[2] == '1' then
  if v then return 0 end
elseif v ~= ARGV[1] then
  return 0
end
redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[4])
return 1
`);

/**
 * Slots as a sorted set scored by their end (the caller's clock, ARGV[2] = now): ended slots are dropped,
 * then ARGV[1] takes (or refreshes) one if fewer than ARGV[3] are held. The key lives at least ARGV[4] ms.
 */
const claimScript = luaScript(`
local now = tonumber(ARGV[2])
local ttl = tonumber(ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) and redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
  return 0
end
redis.call('ZADD', KEYS[1], now + ttl, ARGV[1])
if redis.call('PTTL', KEYS[1]) < ttl then redis.call('PEXPIRE', KEYS[1], ttl) end
return 1
`);

/** Redis refuses an expiry of 0 or less; like the memory store, such a key is (as good as) expired at once. */
function positiveMs(ttlMs: number): number {
  if (!Number.isFinite(ttlMs)) throw new RangeError(`ttlMs must be a finite number, got ${ttlMs}`);
  return Math.max(1, Math.ceil(ttlMs));
}

export class RedisKvStore implements KvStore {
  constructor(private readonly client: RedisConnection) {}

  async get(key: string): Promise<string | null> {
    return this.client.get(key);
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    if (ttlMs === undefined) await this.client.set(key, value);
    else await this.client.set(key, value, 'PX', positiveMs(ttlMs));
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    return (await this.client.set(key, value, 'PX', positiveMs(ttlMs), 'NX')) === 'OK';
  }

  async del(...keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    if (this.client instanceof Cluster) await Promise.all(keys.map((key) => this.client.del(key)));
    else await this.client.del(...keys);
  }

  async incr(key: string, ttlMs: number): Promise<number> {
    return Number(await incrScript.run(this.client, [key], [positiveMs(ttlMs)]));
  }

  async incrAndGet(counterKey: string, ttlMs: number, readKey: string): Promise<{ count: number; value: string | null }> {
    const [count, value] = (await incrAndGetScript.run(this.client, [counterKey, readKey], [positiveMs(ttlMs)])) as [number, string | null | false];
    return { count: Number(count), value: typeof value === 'string' ? value : null };
  }

  async decrBy(key: string, n: number): Promise<number> {
    return Number(await decrScript.run(this.client, [key], [n]));
  }

  async take(key: string): Promise<string | null> {
    return this.client.getdel(key);
  }

  async takeAndDecrBy(takeKey: string, counterKey: string, n: number): Promise<number> {
    return Number(await takeAndDecrScript.run(this.client, [takeKey, counterKey], [n]));
  }

  async setIfPresent(key: string, value: string, ttlMs: number): Promise<boolean> {
    return (await this.client.set(key, value, 'PX', positiveMs(ttlMs), 'XX')) === 'OK';
  }

  async compareAndSet(key: string, expected: string | null, value: string, ttlMs: number): Promise<boolean> {
    return Number(await casScript.run(this.client, [key], [expected ?? '', expected === null ? '1' : '0', value, positiveMs(ttlMs)])) === 1;
  }

  async claimSlot(key: string, member: string, opts: { max: number; now: number; ttlMs: number }): Promise<boolean> {
    return Number(await claimScript.run(this.client, [key], [member, opts.now, opts.max, positiveMs(opts.ttlMs)])) === 1;
  }

  async releaseSlot(key: string, member: string): Promise<void> {
    await this.client.zrem(key, member);
  }

  async ttl(key: string): Promise<number | null> {
    const ms = await this.client.pttl(key);
    return ms < 0 ? null : ms; // -2: no such key, -1: no expiry
  }

  async sadd(key: string, member: string, ttlMs: number): Promise<void> {
    await saddScript.run(this.client, [key], [member, positiveMs(ttlMs)]);
  }

  async srem(key: string, member: string): Promise<void> {
    await this.client.srem(key, member);
  }

  async smembers(key: string): Promise<string[]> {
    return this.client.smembers(key);
  }

  async ping(): Promise<void> {
    await this.client.ping();
  }
}
