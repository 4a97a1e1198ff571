// KvStore on Redis or a Redis Cluster: expiry in ms by Redis's own clock; counters and set expiries change atomically.
import type { KvStore } from '../kv-store.js';
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

/** SADD, then raise (never lower) the set's expiry to at least ARGV[2] ms. */
const saddScript = luaScript(`
redis.call('SADD', KEYS[1], ARGV[1])
local want = tonumber(ARGV[2])
if redis.call('PTTL', KEYS[1]) < want then
  redis.call('PEXPIRE', KEYS[1], want)
end
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

  async getMany(keys: string[]): Promise<(string | null)[]> {
    if (keys.length === 0) return [];
    // On a cluster the keys lie in different slots (MGET would be refused): one GET each, sent together.
    if (this.client instanceof Cluster) return Promise.all(keys.map((key) => this.client.get(key)));
    return this.client.mget(...keys);
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
