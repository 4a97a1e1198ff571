// Counts failures per subject in fixed windows and locks a subject for a while after too many (brute force).
import type { Clock } from '../shared/clock.js';
import type { KvStore } from '../stores/kv-store.js';

export interface FailureLimitPolicy {
  maxFailures: number;
  windowMs: number;
  lockMs: number;
}

export class FailureLimiter {
  constructor(
    private readonly kv: KvStore,
    private readonly clock: Clock,
    private readonly prefix: string,
  ) {}

  /** The time until which the subject is locked, or null. */
  async lockedUntil(subject: string): Promise<number | null> {
    const until = Number((await this.kv.get(`${this.prefix}:lock:${subject}`)) ?? 0);
    return until > this.clock.now() ? until : null;
  }

  /** Records one failure; returns the lock end when this failure locked the subject. */
  async recordFailure(subject: string, policy: FailureLimitPolicy): Promise<number | null> {
    const now = this.clock.now();
    const bucket = Math.floor(now / policy.windowMs);
    const count = await this.kv.incr(`${this.prefix}:fail:${subject}:${bucket}`, policy.windowMs);
    if (count < policy.maxFailures) return null;
    const until = now + policy.lockMs;
    await this.kv.set(`${this.prefix}:lock:${subject}`, String(until), policy.lockMs);
    return until;
  }

  /** Forgets the failures of the current window (after a success). */
  async reset(subject: string, policy: FailureLimitPolicy): Promise<void> {
    const bucket = Math.floor(this.clock.now() / policy.windowMs);
    await this.kv.del(`${this.prefix}:fail:${subject}:${bucket}`);
  }
}
