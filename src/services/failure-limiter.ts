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

  /** The latest time until which any of the subjects is locked, or null (one store round trip). */
  async lockedUntil(...subjects: string[]): Promise<number | null> {
    const values = await this.kv.getMany(subjects.map((s) => `${this.prefix}:lock:${s}`));
    const until = Math.max(0, ...values.map((v) => Number(v ?? 0)));
    return until > this.clock.now() ? until : null;
  }

  /** Records one failure; returns the lock end when this failure locked the subject. */
  async recordFailure(subject: string, policy: FailureLimitPolicy): Promise<number | null> {
    return (await this.record(subject, policy)).lockedUntil;
  }

  /**
   * Records one failure (INCR first, then the check: simultaneous failures cannot slip past the limit).
   * Returns the lock end when this failure locked the subject, and how many failures are left before the lock.
   */
  async record(subject: string, policy: FailureLimitPolicy): Promise<{ lockedUntil: number | null; left: number }> {
    const now = this.clock.now();
    const bucket = Math.floor(now / policy.windowMs);
    const count = await this.kv.incr(`${this.prefix}:fail:${subject}:${bucket}`, policy.windowMs);
    if (count < policy.maxFailures) return { lockedUntil: null, left: policy.maxFailures - count };
    const until = now + policy.lockMs;
    await this.kv.set(`${this.prefix}:lock:${subject}`, String(until), policy.lockMs);
    return { lockedUntil: until, left: 0 };
  }

  /** Forgets the failures of the current window (after a success), for all subjects at once. */
  async reset(policy: FailureLimitPolicy, ...subjects: string[]): Promise<void> {
    const bucket = Math.floor(this.clock.now() / policy.windowMs);
    await this.kv.del(...subjects.map((s) => `${this.prefix}:fail:${s}:${bucket}`));
  }
}
