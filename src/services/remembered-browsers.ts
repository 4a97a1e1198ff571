// Remembered browsers (RD-1…4): a random token per account and browser; Redis keeps only its hash, within the interval.
import { createHash } from 'node:crypto';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { Random } from '../shared/random.js';
import type { KvStore } from '../domain/kv-store.js';
import { REDIS_KEYS } from '../stores/key-layout.js';

const DAY = 24 * 3600 * 1000;

export interface RememberedBrowser {
  id: string;
  accountId: string;
  browser: string;
  createdAt: number;
  lastUsedAt: number;
  expiresAt: number;
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url');

/** The record id of a remembered-browser token (what the account page lists), e.g. to mark "this browser". */
export const rememberedBrowserId = hashToken;

export class RememberedBrowserService {
  constructor(private readonly deps: { kv: KvStore; clock: Clock; random: Random; log?: Pick<Logger, 'warn'> }) {}

  private key = REDIS_KEYS.rememberedBrowsers.browser;
  private indexKey = REDIS_KEYS.rememberedBrowsers.index;

  /** Remembers a browser for `intervalDays` (> 0); returns the token for its cookie. */
  async remember(accountId: string, intervalDays: number, browser: string): Promise<string> {
    const token = this.deps.random.token(32);
    const id = hashToken(token);
    const now = this.deps.clock.now();
    const ttl = intervalDays * DAY;
    const record: RememberedBrowser = { id, accountId, browser, createdAt: now, lastUsedAt: now, expiresAt: now + ttl };
    await Promise.all([this.deps.kv.set(this.key(accountId, id), JSON.stringify(record), ttl), this.deps.kv.sadd(this.indexKey(accountId), id, ttl)]);
    return token;
  }

  /**
   * True only when this token was issued to this account and is within the account's current interval. The use is
   * recorded (lastUsedAt) by SET XX and decides: a record ended meanwhile (new password, removed device, "not me")
   * is never brought back and then not honoured, even when it was read just before it ended. Any store failure means
   * "not remembered" (fail closed: the second factor is asked) and is logged.
   */
  async check(accountId: string, token: string | undefined, intervalDays: number): Promise<boolean> {
    return this.honour(accountId, await this.read(accountId, token, intervalDays), intervalDays);
  }

  /**
   * The first half of `check`, which may run early (while the password is verified): the stored record of this token,
   * or null (no or malformed token, no interval, none stored, or a store failure: logged, and then not remembered).
   * It decides nothing; `honour` does.
   */
  async read(accountId: string, token: string | undefined, intervalDays: number): Promise<RememberedBrowser | null> {
    if (!token || intervalDays <= 0 || !/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
    try {
      const raw = await this.deps.kv.get(this.key(accountId, hashToken(token)));
      return raw ? (JSON.parse(raw) as RememberedBrowser) : null;
    } catch (err) {
      this.warnNotChecked(err, accountId);
      return null;
    }
  }

  /**
   * The second half of `check`: true when `record` (from `read`) belongs to this account and is within its current
   * interval, and its use could be recorded (lastUsedAt) by SET XX, which decides — a record ended since it was read
   * (new password, removed device, "not me") is never brought back, and then not honoured.
   */
  async honour(accountId: string, record: RememberedBrowser | null, intervalDays: number): Promise<boolean> {
    if (!record || intervalDays <= 0) return false;
    const now = this.deps.clock.now();
    const limit = Math.min(record.expiresAt, record.createdAt + intervalDays * DAY);
    if (record.accountId !== accountId || now >= limit) return false;
    try {
      return await this.deps.kv.setIfPresent(this.key(accountId, record.id), JSON.stringify({ ...record, lastUsedAt: now }), limit - now);
    } catch (err) {
      this.warnNotChecked(err, accountId);
      return false;
    }
  }

  private warnNotChecked(err: unknown, accountId: string): void {
    this.deps.log?.warn({ err: (err as Error)?.message, accountId }, 'remembered browser not checked; asking for the second factor');
  }

  async list(accountId: string, intervalDays: number): Promise<RememberedBrowser[]> {
    const ids = await this.deps.kv.smembers(this.indexKey(accountId));
    const now = this.deps.clock.now();
    const records: RememberedBrowser[] = [];
    for (const id of ids) {
      const raw = await this.deps.kv.get(this.key(accountId, id));
      if (!raw) {
        await this.deps.kv.srem(this.indexKey(accountId), id);
        continue;
      }
      const record = JSON.parse(raw) as RememberedBrowser;
      record.expiresAt = Math.min(record.expiresAt, record.createdAt + intervalDays * DAY);
      if (record.expiresAt > now) records.push(record);
    }
    return records.sort((a, b) => b.lastUsedAt - a.lastUsedAt);
  }

  async end(accountId: string, id: string): Promise<void> {
    await this.deps.kv.del(this.key(accountId, id));
    await this.deps.kv.srem(this.indexKey(accountId), id);
  }

  /**
   * Ends every remembered browser of the account (new password, removed device, "this wasn't me"). Only the ended
   * ids leave the index: one remembered at the same moment stays listed, so it can still be seen and ended.
   */
  async endAll(accountId: string): Promise<number> {
    const ids = await this.deps.kv.smembers(this.indexKey(accountId));
    if (ids.length) await this.deps.kv.del(...ids.map((id) => this.key(accountId, id)));
    await Promise.all(ids.map((id) => this.deps.kv.srem(this.indexKey(accountId), id)));
    return ids.length;
  }
}
