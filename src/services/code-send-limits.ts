// The send limits of one-time codes (SMS-3): a resend cool-down taken atomically (SET NX, compare-and-set when the
// store lags the clock) and hourly/daily caps per account and IP counted by INCR before the check (SMS pumping).
import { AppError } from '../shared/errors.js';
import type { KvStore } from '../domain/kv-store.js';
import { DAY_MS as DAY, HOUR_MS as HOUR, REDIS_KEYS } from '../stores/key-layout.js';

/** Sends allowed per window; `Infinity` = no such cap (nothing is counted for it). */
export interface CapLimits {
  maxPerAccountPerHour: number;
  maxPerAccountPerDay: number;
  maxPerIpPerHour: number;
  maxPerIpPerDay: number;
}

/**
 * Takes the cool-down `key` for `cooldownMs` from `now` (epoch ms). Of simultaneous callers exactly one gets it; a
 * record the store still holds although the injected clock says it ran out is replaced by compare-and-set, so again
 * only one goes on. With `cooldownMs` 0 there is no cool-down (nothing is written). Throws sms.resendTooSoon (429,
 * params seconds and retryAt, epoch ms).
 */
export async function takeCooldown(kv: KvStore, key: string, now: number, cooldownMs: number): Promise<void> {
  if (cooldownMs <= 0) return;
  if (await kv.setIfAbsent(key, String(now), cooldownMs)) return;
  const last = await kv.get(key);
  const waitMs = cooldownMs - (now - Number(last ?? 0));
  if (last !== null && waitMs > 0) throw new AppError('sms.resendTooSoon', 429, { seconds: Math.ceil(waitMs / 1000), retryAt: now + waitMs });
  if (!(await kv.compareAndSet(key, last, String(now), cooldownMs))) {
    throw new AppError('sms.resendTooSoon', 429, { seconds: Math.ceil(cooldownMs / 1000), retryAt: now + cooldownMs });
  }
}

/** Gives a cool-down taken at `now` back (only while it is still that one), so the next refusal names the real cause. */
export async function releaseCooldown(kv: KvStore, key: string, now: number, cooldownMs: number): Promise<void> {
  if (cooldownMs > 0) await kv.compareAndSet(key, String(now), '0', 1);
}

/**
 * Counts one send of `purpose` against every finite cap of `subject` and `ip` (keys: REDIS_KEYS.codes.count), INCR before the check:
 * simultaneous sends can never pass a cap together. Returns the keys counted (to give back with `uncountCaps` when
 * nothing went out). Throws sms.tooMany (429, param retryAt: the end of the cap's hour or day, epoch ms); the count
 * that overshot stays (the window ends anyway).
 */
export async function countCaps(kv: KvStore, purpose: string, subject: string, ip: string, now: number, limits: CapLimits): Promise<string[]> {
  const hour = Math.floor(now / HOUR);
  const day = Math.floor(now / DAY);
  const caps: [string, number, number, number][] = [
    [REDIS_KEYS.codes.count(purpose, 'acc', subject, 'h', hour), HOUR, limits.maxPerAccountPerHour, (hour + 1) * HOUR],
    [REDIS_KEYS.codes.count(purpose, 'acc', subject, 'd', day), DAY, limits.maxPerAccountPerDay, (day + 1) * DAY],
    [REDIS_KEYS.codes.count(purpose, 'ip', ip, 'h', hour), HOUR, limits.maxPerIpPerHour, (hour + 1) * HOUR],
    [REDIS_KEYS.codes.count(purpose, 'ip', ip, 'd', day), DAY, limits.maxPerIpPerDay, (day + 1) * DAY],
  ];
  const counted: string[] = [];
  for (const [key, ttl, max, end] of caps) {
    if (!Number.isFinite(max)) continue;
    counted.push(key);
    if ((await kv.incr(key, ttl)) > max) throw new AppError('sms.tooMany', 429, { retryAt: end });
  }
  return counted;
}

/** Gives back one send on each of `keys` (the SMS did not go out: it costs no cap). */
export async function uncountCaps(kv: KvStore, keys: string[]): Promise<void> {
  await Promise.all(keys.map((k) => kv.decrBy(k, 1)));
}
