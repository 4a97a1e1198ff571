// MailingStore on Redis: the job survives a restart of the service and is shared by every instance. Each state
// change of a recipient is one Lua script (compare-and-set plus counters), so a recipient is claimed exactly once.
import { emptyCounts, RECIPIENT_STATES, type Mailing, type MailingRecipient, type MailingStore, type RecipientCounts, type RecipientState } from '../mailings.js';
import { luaScript, type RedisConnection } from './redis-client.js';

/** KEYS: queue, states, counts. Pops pending recipients until one is really pending; marks it claimed. */
const claimScript = luaScript(`
while true do
  local a = redis.call('LPOP', KEYS[1])
  if not a then return false end
  if redis.call('HGET', KEYS[2], a) == 'pending' then
    redis.call('HSET', KEYS[2], a, 'claimed')
    redis.call('HINCRBY', KEYS[3], 'pending', -1)
    redis.call('HINCRBY', KEYS[3], 'claimed', 1)
    return a
  end
end
`);

/** KEYS: states, counts, info, active set. ARGV: account, from, to, info JSON or '', mailing id. */
const transitionScript = luaScript(`
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('HINCRBY', KEYS[2], ARGV[2], -1)
redis.call('HINCRBY', KEYS[2], ARGV[3], 1)
if ARGV[4] ~= '' then redis.call('HSET', KEYS[3], ARGV[1], ARGV[4]) end
local open = tonumber(redis.call('HGET', KEYS[2], 'pending') or '0') + tonumber(redis.call('HGET', KEYS[2], 'claimed') or '0') + tonumber(redis.call('HGET', KEYS[2], 'sending') or '0')
if open <= 0 then redis.call('SREM', KEYS[4], ARGV[5]) end
return 1
`);

/** KEYS: states, counts, queue, active set. ARGV: mailing id, mode ('recover' | 'retry'). */
const requeueScript = luaScript(`
local all = redis.call('HGETALL', KEYS[1])
local requeued, unknown = 0, 0
for i = 1, #all, 2 do
  local a, s = all[i], all[i + 1]
  if (ARGV[2] == 'recover' and s == 'claimed') or (ARGV[2] == 'retry' and s == 'unknown') then
    redis.call('HSET', KEYS[1], a, 'pending')
    redis.call('HINCRBY', KEYS[2], s, -1)
    redis.call('HINCRBY', KEYS[2], 'pending', 1)
    redis.call('RPUSH', KEYS[3], a)
    requeued = requeued + 1
  elseif ARGV[2] == 'recover' and s == 'sending' then
    redis.call('HSET', KEYS[1], a, 'unknown')
    redis.call('HINCRBY', KEYS[2], 'sending', -1)
    redis.call('HINCRBY', KEYS[2], 'unknown', 1)
    unknown = unknown + 1
  end
end
if requeued > 0 then redis.call('SADD', KEYS[4], ARGV[1]) end
return {requeued, unknown}
`);

/** KEYS: lease. ARGV: runner, ttl ms. Takes a free lease or renews one's own. */
const leaseScript = luaScript(`
local cur = redis.call('GET', KEYS[1])
if cur == false or cur == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
`);

const releaseScript = luaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1
`);

interface Static {
  accessNumber: string;
  name: string;
  email: string | null;
}

export class RedisMailingStore implements MailingStore {
  /** @param retentionMs how long a mailing and its results are kept (default 400 days). */
  constructor(private readonly client: RedisConnection, private readonly retentionMs = 400 * 24 * 3600_000) {}

  private k(id: string) {
    const base = `mailing:${id}`;
    return { meta: base, order: `${base}:order`, rcpt: `${base}:r`, states: `${base}:s`, info: `${base}:i`, queue: `${base}:q`, counts: `${base}:n`, lease: `${base}:lease` };
  }
  private readonly activeKey = 'mailings:active';
  private brokerKey = (brokerId: string) => `mailings:broker:${brokerId}`;

  async create(mailing: Mailing, recipients: Omit<MailingRecipient, 'state' | 'messageId' | 'error' | 'at'>[]): Promise<void> {
    const k = this.k(mailing.id);
    const created = await this.client.set(k.meta, JSON.stringify(mailing), 'PX', this.retentionMs, 'NX');
    if (created !== 'OK') throw new Error(`duplicate mailing id: ${mailing.id}`);
    const counts = emptyCounts();
    const multi = this.client.multi();
    for (let i = 0; i < recipients.length; i += 1000) {
      const chunk = recipients.slice(i, i + 1000);
      multi.rpush(k.order, ...chunk.map((r) => r.accountId));
      multi.hset(k.rcpt, Object.fromEntries(chunk.map((r) => [r.accountId, JSON.stringify({ accessNumber: r.accessNumber, name: r.name, email: r.email } satisfies Static)])));
      multi.hset(k.states, Object.fromEntries(chunk.map((r) => [r.accountId, r.email ? 'pending' : 'unreachable'])));
      const queued = chunk.filter((r) => r.email).map((r) => r.accountId);
      if (queued.length) multi.rpush(k.queue, ...queued);
      for (const r of chunk) counts[r.email ? 'pending' : 'unreachable']++;
    }
    multi.hset(k.counts, counts);
    for (const key of [k.order, k.rcpt, k.states, k.queue, k.counts]) multi.pexpire(key, this.retentionMs);
    multi.zadd(this.brokerKey(mailing.brokerId), mailing.createdAt, mailing.id);
    if (counts.pending > 0) multi.sadd(this.activeKey, mailing.id);
    await multi.exec();
  }

  async get(id: string): Promise<Mailing | null> {
    const raw = await this.client.get(this.k(id).meta);
    return raw ? (JSON.parse(raw) as Mailing) : null;
  }

  async listByBroker(brokerId: string, limit = 50): Promise<Mailing[]> {
    const ids = await this.client.zrevrange(this.brokerKey(brokerId), 0, limit - 1);
    if (!ids.length) return [];
    const raws = await this.client.mget(...ids.map((id) => this.k(id).meta));
    return raws.filter((r): r is string => r !== null).map((r) => JSON.parse(r) as Mailing);
  }

  async recipients(id: string): Promise<MailingRecipient[]> {
    const k = this.k(id);
    const [order, rcpt, states, info] = await Promise.all([this.client.lrange(k.order, 0, -1), this.client.hgetall(k.rcpt), this.client.hgetall(k.states), this.client.hgetall(k.info)]);
    return order.map((accountId) => {
      const s = JSON.parse(rcpt[accountId] ?? '{}') as Static;
      const i = info[accountId] ? (JSON.parse(info[accountId]!) as { messageId?: string; error?: string; at: number }) : null;
      return { accountId, accessNumber: s.accessNumber, name: s.name, email: s.email ?? null, state: (states[accountId] ?? 'pending') as RecipientState, messageId: i?.messageId ?? null, error: i?.error ?? null, at: i?.at ?? null };
    });
  }

  async counts(id: string): Promise<RecipientCounts> {
    const raw = await this.client.hgetall(this.k(id).counts);
    const counts = emptyCounts();
    for (const s of RECIPIENT_STATES) counts[s] = Number(raw[s] ?? 0);
    return counts;
  }

  async active(): Promise<string[]> {
    return this.client.smembers(this.activeKey);
  }

  async lease(id: string, runnerId: string, ttlMs: number): Promise<boolean> {
    return Number(await leaseScript.run(this.client, [this.k(id).lease], [runnerId, String(Math.max(1, Math.ceil(ttlMs)))])) === 1;
  }

  async release(id: string, runnerId: string): Promise<void> {
    await releaseScript.run(this.client, [this.k(id).lease], [runnerId]);
  }

  private async requeue(id: string, mode: 'recover' | 'retry'): Promise<[number, number]> {
    const k = this.k(id);
    return (await requeueScript.run(this.client, [k.states, k.counts, k.queue, this.activeKey], [id, mode])) as [number, number];
  }

  async recover(id: string): Promise<{ requeued: number; unknown: number }> {
    const [requeued, unknown] = await this.requeue(id, 'recover');
    return { requeued, unknown };
  }

  async retryUnknown(id: string): Promise<number> {
    return (await this.requeue(id, 'retry'))[0];
  }

  async claimNext(id: string): Promise<MailingRecipient | null> {
    const k = this.k(id);
    const accountId = (await claimScript.run(this.client, [k.queue, k.states, k.counts], [])) as string | null;
    if (!accountId) return null;
    const s = JSON.parse((await this.client.hget(k.rcpt, accountId)) ?? '{}') as Static;
    return { accountId, accessNumber: s.accessNumber, name: s.name, email: s.email ?? null, state: 'claimed', messageId: null, error: null, at: null };
  }

  async transition(id: string, accountId: string, from: RecipientState, to: RecipientState, info?: { messageId?: string; error?: string; at: number }): Promise<boolean> {
    const k = this.k(id);
    const result = await transitionScript.run(this.client, [k.states, k.counts, k.info, this.activeKey], [accountId, from, to, info ? JSON.stringify(info) : '', id]);
    if (info) await this.client.pexpire(k.info, this.retentionMs);
    return Number(result) === 1;
  }

  async remove(id: string): Promise<void> {
    const mailing = await this.get(id);
    const k = this.k(id);
    await this.client.del(...Object.values(k));
    await this.client.srem(this.activeKey, id);
    if (mailing) await this.client.zrem(this.brokerKey(mailing.brokerId), id);
  }
}
