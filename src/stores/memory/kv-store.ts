// In-memory KvStore for the embedded default and unit tests; expiry follows the injected clock.
import type { Clock } from '../../shared/clock.js';
import type { KvStore } from '../../domain/kv-store.js';

interface Entry {
  /** A string, a set, or slots (member → end, epoch ms). */
  value: string | Set<string> | Map<string, number>;
  expiresAt: number | null;
}

export class MemoryKvStore implements KvStore {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly clock: Clock) {}

  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt !== null && entry.expiresAt <= this.clock.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private expiry(ttlMs: number | undefined): number | null {
    return ttlMs === undefined ? null : this.clock.now() + ttlMs;
  }

  async get(key: string): Promise<string | null> {
    const entry = this.live(key);
    return typeof entry?.value === 'string' ? entry.value : null;
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    this.entries.set(key, { value, expiresAt: this.expiry(ttlMs) });
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    if (this.live(key)) return false;
    this.entries.set(key, { value, expiresAt: this.expiry(ttlMs) });
    return true;
  }

  async del(...keys: string[]): Promise<void> {
    for (const key of keys) this.entries.delete(key);
  }

  async incr(key: string, ttlMs: number): Promise<number> {
    const entry = this.live(key);
    const next = (typeof entry?.value === 'string' ? Number(entry.value) : 0) + 1;
    this.entries.set(key, { value: String(next), expiresAt: entry ? entry.expiresAt : this.expiry(ttlMs) });
    return next;
  }

  async incrAndGet(counterKey: string, ttlMs: number, readKey: string): Promise<{ count: number; value: string | null }> {
    // No await between the two: nothing else runs in between (the same rule as the Redis script).
    const entry = this.live(counterKey);
    const count = (typeof entry?.value === 'string' ? Number(entry.value) : 0) + 1;
    this.entries.set(counterKey, { value: String(count), expiresAt: entry ? entry.expiresAt : this.expiry(ttlMs) });
    const read = this.live(readKey);
    return { count, value: typeof read?.value === 'string' ? read.value : null };
  }

  async decrBy(key: string, n: number): Promise<number> {
    const entry = this.live(key);
    if (!entry || typeof entry.value !== 'string') return 0;
    const next = Math.max(0, Number(entry.value) - n);
    entry.value = String(next);
    return next;
  }

  /** Synchronous between reading and deleting, so no other call can interleave. */
  async take(key: string): Promise<string | null> {
    const entry = this.live(key);
    if (typeof entry?.value !== 'string') return null;
    this.entries.delete(key);
    return entry.value;
  }

  /** Synchronous from the read to the decrement, like the Redis script. */
  async takeAndDecrBy(takeKey: string, counterKey: string, n: number): Promise<number> {
    const entry = this.live(takeKey);
    const taken = typeof entry?.value === 'string' ? Number(entry.value) || 0 : 0;
    if (entry) this.entries.delete(takeKey);
    const counter = this.live(counterKey);
    if (counter && typeof counter.value === 'string') counter.value = String(Math.max(0, Number(counter.value) - taken - n));
    return taken;
  }

  async setIfPresent(key: string, value: string, ttlMs: number): Promise<boolean> {
    if (!this.live(key)) return false;
    this.entries.set(key, { value, expiresAt: this.expiry(ttlMs) });
    return true;
  }

  async compareAndSet(key: string, expected: string | null, value: string, ttlMs: number): Promise<boolean> {
    const entry = this.live(key);
    const current = entry ? (typeof entry.value === 'string' ? entry.value : undefined) : null;
    if (current !== expected) return false;
    this.entries.set(key, { value, expiresAt: this.expiry(ttlMs) });
    return true;
  }

  async claimSlot(key: string, member: string, opts: { max: number; now: number; ttlMs: number }): Promise<boolean> {
    const entry = this.live(key);
    const slots = entry && entry.value instanceof Map ? entry.value : new Map<string, number>();
    for (const [m, end] of slots) if (end <= opts.now) slots.delete(m);
    if (!slots.has(member) && slots.size >= opts.max) return false;
    slots.set(member, opts.now + opts.ttlMs);
    const expiresAt = this.clock.now() + opts.ttlMs;
    this.entries.set(key, { value: slots, expiresAt: entry?.expiresAt && entry.expiresAt > expiresAt ? entry.expiresAt : expiresAt });
    return true;
  }

  async releaseSlot(key: string, member: string): Promise<void> {
    const entry = this.live(key);
    if (entry && entry.value instanceof Map) entry.value.delete(member);
  }

  async ttl(key: string): Promise<number | null> {
    const entry = this.live(key);
    return entry && entry.expiresAt !== null ? entry.expiresAt - this.clock.now() : null;
  }

  async sadd(key: string, member: string, ttlMs: number): Promise<void> {
    const entry = this.live(key);
    const set = entry && entry.value instanceof Set ? entry.value : new Set<string>();
    set.add(member);
    const wanted = this.clock.now() + ttlMs;
    const expiresAt = entry?.expiresAt && entry.expiresAt > wanted ? entry.expiresAt : wanted;
    this.entries.set(key, { value: set, expiresAt });
  }

  async srem(key: string, member: string): Promise<void> {
    const entry = this.live(key);
    if (entry && entry.value instanceof Set) entry.value.delete(member);
  }

  async smembers(key: string): Promise<string[]> {
    const entry = this.live(key);
    return entry && entry.value instanceof Set ? [...entry.value] : [];
  }

  async ping(): Promise<void> {}
}
