// KvStore and EventBus — the shared-state contracts: short-lived keys and pub/sub (Redis in production, memory embedded).
// Expiry is in milliseconds; memory expiry follows the injected clock, Redis its own.
export interface KvStore {
  get(key: string): Promise<string | null>;
  /** Stores `value`; with `ttlMs` the key expires after that time. */
  set(key: string, value: string, ttlMs?: number): Promise<void>;
  /** Stores only when the key does not exist (atomic); true when this call stored it. */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  del(...keys: string[]): Promise<void>;
  /** Increments a counter (atomic); the first increment gives the key the expiry `ttlMs`. */
  incr(key: string, ttlMs: number): Promise<number>;
  /**
   * `incr(counterKey, ttlMs)`, then reads `readKey`, in one atomic step (on Redis both keys must share a slot):
   * no write to `readKey` can fall between the two. Returns the new count and the value read.
   */
  incrAndGet(counterKey: string, ttlMs: number, readKey: string): Promise<{ count: number; value: string | null }>;
  /** Lowers a counter by `n` (atomic), never below 0; keeps its expiry. A missing counter stays missing (0). */
  decrBy(key: string, n: number): Promise<number>;
  /** Gets and deletes in one step (GETDEL): of simultaneous calls exactly one gets the value. */
  take(key: string): Promise<string | null>;
  /**
   * `take(takeKey)` (a counter, missing = 0), then `decrBy(counterKey, taken + n)`, in one atomic step (on Redis both
   * keys must share a slot). Returns the number taken. One round trip for "forgive these failures and give a slot back".
   */
  takeAndDecrBy(takeKey: string, counterKey: string, n: number): Promise<number>;
  /** Stores only when the key exists (atomic, SET XX); true when it was replaced. Never brings back a deleted key. */
  setIfPresent(key: string, value: string, ttlMs: number): Promise<boolean>;
  /**
   * Replaces the value only while it still equals `expected` (`null`: only while the key does not exist),
   * in one step; true when this call replaced it.
   */
  compareAndSet(key: string, expected: string | null, value: string, ttlMs: number): Promise<boolean>;
  /**
   * Takes one of `max` slots for `member` (atomic): slots whose time ran out (by `now`, epoch ms of the
   * caller's clock) are freed first; a member holding a slot keeps it, refreshed. False when all slots are taken.
   * The slot ends at `now + ttlMs` unless released earlier.
   */
  claimSlot(key: string, member: string, opts: { max: number; now: number; ttlMs: number }): Promise<boolean>;
  /** Frees the slot of `member` (no-op when it holds none). */
  releaseSlot(key: string, member: string): Promise<void>;
  /** Remaining lifetime in ms, or null when the key does not exist or never expires. */
  ttl(key: string): Promise<number | null>;
  /** Adds a member to a set; the set's expiry is raised to at least `ttlMs`. */
  sadd(key: string, member: string, ttlMs: number): Promise<void>;
  srem(key: string, member: string): Promise<void>;
  smembers(key: string): Promise<string[]>;
  /** Throws when the store cannot be reached. */
  ping(): Promise<void>;
}

// Publish/subscribe across instances (Redis pub/sub in production).
export interface EventBus {
  publish(channel: string, message: string): Promise<void>;
  /** Resolves once the subscription is active; the returned function ends it. */
  subscribe(channel: string, handler: (message: string) => void): Promise<() => Promise<void>>;
}
