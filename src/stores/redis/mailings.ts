// MailingStore on Redis: the job survives a restart of the service and is shared by every instance. Each state
// change of a recipient is one Lua script (compare-and-set plus counters), so a recipient is claimed exactly once.
// Redis Cluster: a mailing's keys share its hash tag `mailing:{<id>}…` (scripts and MULTI stay in one slot); the
// index sets (active mailings, a broker's mailings) lie elsewhere and are only ever written by single-key commands.
import { emptyCounts, RECIPIENT_STATES, type Mailing, type MailingRecipient, type MailingStore, type RecipientCounts, type RecipientState } from '../../domain/mailing.js';
import { luaScript, type RedisConnection } from './redis-client.js';
import { REDIS_KEYS } from '../key-layout.js';

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

/** KEYS: states, counts, info (one mailing's slot). ARGV: account, from, to, info JSON or ''. Returns 0 (not in `from`), 1 (moved), 2 (moved, nothing open any more). */
const transitionScript = luaScript(`
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('HINCRBY', KEYS[2], ARGV[2], -1)
redis.call('HINCRBY', KEYS[2], ARGV[3], 1)
if ARGV[4] ~= '' then redis.call('HSET', KEYS[3], ARGV[1], ARGV[4]) end
local open = tonumber(redis.call('HGET', KEYS[2], 'pending') or '0') + tonumber(redis.call('HGET', KEYS[2], 'claimed') or '0') + tonumber(redis.call('HGET', KEYS[2], 'sending') or '0')
if open <= 0 then return 2 end
return 1
`);

/** KEYS: states, counts, queue (one mailing's slot). ARGV: mode ('recover' | 'retry'). */
const requeueScript = luaScript(`
local all = redis.call('HGETALL', KEYS[1])
local requeued, unknown = 0, 0
for i = 1, #all, 2 do
  local a, s = all[i], all[i + 1]
  if (ARGV[1] == 'recover' and s == 'claimed') or (ARGV[1] == 'retry' and s == 'unknown') then
    redis.call('HSET', KEYS[1], a, 'pending')
    redis.call('HINCRBY', KEYS[2], s, -1)
    redis.call('HINCRBY', KEYS[2], 'pending', 1)
    redis.call('RPUSH', KEYS[3], a)
    requeued = requeued + 1
  elseif ARGV[1] == 'recover' and s == 'sending' then
    redis.call('HSET', KEYS[1], a, 'unknown')
    redis.call('HINCRBY', KEYS[2], 'sending', -1)
    redis.call('HINCRBY', KEYS[2], 'unknown', 1)
    unknown = unknown + 1
  end
end
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
  constructor(private readonly client: RedisConnection, private readonly retentionMs: number = REDIS_KEYS.mailings.retentionMs) {}

  /** Every key of one mailing carries the tag {<id>}: one Redis Cluster slot (see src/stores/key-layout.ts). */
  private k = REDIS_KEYS.mailings.mailing;
  private readonly activeKey = REDIS_KEYS.mailings.active();
  private brokerKey = REDIS_KEYS.mailings.broker;

  async create(mailing: Mailing, recipients: Omit<MailingRecipient, 'state' | 'messageId' | 'error' | 'at'>[]): Promise<void> {
    const k = this.k(mailing.id);
    const created = await this.client.set(k.meta, JSON.stringify(mailing), 'PX', this.retentionMs, 'NX');
    if (created !== 'OK') throw new Error(`duplicate mailing id: ${mailing.id}`);
    const counts = emptyCounts();
    for (const r of recipients) counts[r.email ? 'pending' : 'unreachable']++;
    // Active before its recipients exist: a crash in between leaves a stale entry (dropped by closeIfDone), never a lost job.
    if (counts.pending > 0) await this.markActive(mailing.id);
    const multi = this.client.multi();
    for (let i = 0; i < recipients.length; i += 1000) {
      const chunk = recipients.slice(i, i + 1000);
      multi.rpush(k.order, ...chunk.map((r) => r.accountId));
      multi.hset(k.rcpt, Object.fromEntries(chunk.map((r) => [r.accountId, JSON.stringify({ accessNumber: r.accessNumber, name: r.name, email: r.email } satisfies Static)])));
      multi.hset(k.states, Object.fromEntries(chunk.map((r) => [r.accountId, r.email ? 'pending' : 'unreachable'])));
      const queued = chunk.filter((r) => r.email).map((r) => r.accountId);
      if (queued.length) multi.rpush(k.queue, ...queued);
    }
    multi.hset(k.counts, counts);
    for (const key of [k.order, k.rcpt, k.states, k.queue, k.counts]) multi.pexpire(key, this.retentionMs);
    await multi.exec();
    const brokerKey = this.brokerKey(mailing.brokerId);
    await this.client.zadd(brokerKey, mailing.createdAt, mailing.id);
    await this.client.pexpire(brokerKey, this.retentionMs);
  }

  /** Lists the mailing as active; the set lives as long as its newest entry may. */
  private async markActive(id: string): Promise<void> {
    await this.client.sadd(this.activeKey, id);
    await this.client.pexpire(this.activeKey, this.retentionMs);
  }

  /**
   * Drops the mailing from the active set when nothing is open. The set lies in another slot than the mailing, so
   * this is not one atomic step: it removes first and then looks at the counts again, adding the mailing back when a
   * requeue opened recipients meanwhile; every caller ends with such a look (and an add when open), so whoever
   * removed last also looked last, and an open mailing is never left out of the set.
   */
  private async closeIfDone(id: string): Promise<void> {
    const open = async () => {
      const c = await this.counts(id);
      return c.pending + c.claimed + c.sending;
    };
    if ((await open()) > 0) return this.markActive(id);
    await this.client.srem(this.activeKey, id);
    if ((await open()) > 0) await this.markActive(id);
  }

  async get(id: string): Promise<Mailing | null> {
    const raw = await this.client.get(this.k(id).meta);
    return raw ? (JSON.parse(raw) as Mailing) : null;
  }

  async listByBroker(brokerId: string, limit = 50): Promise<Mailing[]> {
    const ids = await this.client.zrevrange(this.brokerKey(brokerId), 0, limit - 1);
    if (!ids.length) return [];
    // One GET per mailing: the metas lie in different slots of a Redis Cluster.
    const raws = await Promise.all(ids.map((id) => this.client.get(this.k(id).meta)));
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
    // Active before the recipients reopen (see closeIfDone); dropped again when nothing was reopened.
    await this.markActive(id);
    const result = (await requeueScript.run(this.client, [k.states, k.counts, k.queue], [mode])) as [number, number];
    await this.closeIfDone(id);
    return result;
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
    const result = Number(await transitionScript.run(this.client, [k.states, k.counts, k.info], [accountId, from, to, info ? JSON.stringify(info) : '']));
    if (info) await this.client.pexpire(k.info, this.retentionMs);
    if (result === 2) await this.closeIfDone(id);
    return result !== 0;
  }

  async remove(id: string): Promise<void> {
    const mailing = await this.get(id);
    const k = this.k(id);
    await this.client.del(...Object.values(k));
    await this.client.srem(this.activeKey, id);
    if (mailing) await this.client.zrem(this.brokerKey(mailing.brokerId), id);
  }
}
