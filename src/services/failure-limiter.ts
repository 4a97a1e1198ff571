// Limits password checks per subject (login id, account, IP): a check takes a slot BEFORE it runs, so no burst of
// simultaneous requests can get more checks past the limit than it allows; too many failures lock the subject.
import type { Clock } from '../shared/clock.js';
import type { KvStore } from '../domain/kv-store.js';
import { REDIS_KEYS } from '../stores/key-layout.js';

export interface FailureLimitPolicy {
  /** Failed checks (plus checks still running) within one window before the subject is locked. */
  maxFailures: number;
  /** Length of the fixed counting window, ms (windows follow the injected clock). */
  windowMs: number;
  /** How long a locked subject is refused, ms. */
  lockMs: number;
}

export interface LimitedSubject {
  subject: string;
  policy: FailureLimitPolicy;
}

/** The slots one attempt holds, one per subject, in the window in which they were taken. */
export interface AttemptTicket {
  readonly held: readonly { subject: string; policy: FailureLimitPolicy; bucket: number }[];
}

export type AttemptStart = { kind: 'allowed'; ticket: AttemptTicket } | { kind: 'locked'; until: number };

/**
 * Per subject and window the store keeps two counters and a lock:
 * - `try`: slots taken = checks running + failures not yet forgiven. A check runs only if its INCR of `try` stays
 *   within `maxFailures` (INCR before the check: one atomic step decides, whatever arrives at once).
 * - `fail`: finished failures since the last success. The failure that brings it to `maxFailures` sets the lock
 *   and clears both counters (after the lock the subject starts afresh).
 * - `lock`: the time (injected clock, epoch ms) until which the subject is refused.
 * A success forgives exactly the finished failures it takes (GETDEL of `fail`), never the checks still running.
 */
export class FailureLimiter {
  constructor(
    private readonly kv: KvStore,
    private readonly clock: Clock,
    private readonly prefix: string,
  ) {}

  // A subject's keys share one Redis Cluster slot (hash tag), so its INCR and lock read travel on one connection, in order.
  private lockKey = (subject: string) => REDIS_KEYS.limits.lock(this.prefix, subject);
  private tryKey = (subject: string, bucket: number) => REDIS_KEYS.limits.try(this.prefix, subject, bucket);
  private failKey = (subject: string, bucket: number) => REDIS_KEYS.limits.fail(this.prefix, subject, bucket);

  /**
   * Takes a slot for every subject, then reads the locks (in that order, one round trip). Allowed only when every
   * subject had a free slot and none is locked; otherwise every slot taken is given back and `until` says how long
   * to wait (the lock's end, or a whole lock time while other checks still hold the slots).
   */
  async begin(subjects: LimitedSubject[]): Promise<AttemptStart> {
    const now = this.clock.now();
    const held = subjects.map(({ subject, policy }) => ({ subject, policy, bucket: Math.floor(now / policy.windowMs) }));
    // Per subject, the slot is taken and its lock read in ONE store step (the counter and the lock share a hash
    // slot): no lock can be set between them, whatever connection, script cache or node answers.
    const steps = await Promise.all(held.map((h) => this.kv.incrAndGet(this.tryKey(h.subject, h.bucket), h.policy.windowMs, this.lockKey(h.subject))));
    const counts = steps.map((s) => s.count);
    const latestLock = Math.max(0, ...steps.map((s) => Number(s.value ?? 0)));
    const lockedUntil = latestLock > now ? latestLock : null;
    const full = held.filter((h, i) => (counts[i]!) > h.policy.maxFailures);
    if (lockedUntil === null && full.length === 0) return { kind: 'allowed', ticket: { held } };
    await Promise.all(held.map((h) => this.kv.decrBy(this.tryKey(h.subject, h.bucket), 1)));
    const until = lockedUntil ?? now + Math.max(...full.map((h) => h.policy.lockMs));
    return { kind: 'locked', until };
  }

  /**
   * The check failed: counts one failure per subject (INCR, so the count each failure sees is its own).
   * Returns the lock end when this failure locked a subject (else null) and, per subject, how many failures are
   * left before its lock (0 when this failure locked it).
   */
  async fail(ticket: AttemptTicket): Promise<{ lockedUntil: number | null; left: ReadonlyMap<string, number> }> {
    const now = this.clock.now();
    const results = await Promise.all(
      ticket.held.map(async (h) => {
        const failures = await this.kv.incr(this.failKey(h.subject, h.bucket), h.policy.windowMs);
        if (failures < h.policy.maxFailures) return { subject: h.subject, until: 0, left: h.policy.maxFailures - failures };
        const until = now + h.policy.lockMs;
        await this.kv.set(this.lockKey(h.subject), String(until), h.policy.lockMs);
        await this.kv.del(this.tryKey(h.subject, h.bucket), this.failKey(h.subject, h.bucket));
        return { subject: h.subject, until, left: 0 };
      }),
    );
    const until = Math.max(0, ...results.map((r) => r.until));
    return { lockedUntil: until > 0 ? until : null, left: new Map(results.map((r) => [r.subject, r.left])) };
  }

  /**
   * The check succeeded: the subjects in `forgive` forget their finished failures (not the checks still running);
   * every other subject just gives its slot back.
   */
  async succeed(ticket: AttemptTicket, forgive: readonly string[]): Promise<void> {
    // Per subject one store step (GETDEL of `fail` and the bounded DECRBY of `try`, one slot): one round trip in all.
    await Promise.all(
      ticket.held.map((h) =>
        forgive.includes(h.subject)
          ? this.kv.takeAndDecrBy(this.failKey(h.subject, h.bucket), this.tryKey(h.subject, h.bucket), 1)
          : this.kv.decrBy(this.tryKey(h.subject, h.bucket), 1),
      ),
    );
  }

  /** Neither success nor failure (e.g. the check could not run): the slots are given back. */
  async release(ticket: AttemptTicket): Promise<void> {
    await this.succeed(ticket, []);
  }
}
