// Login codes by SMS (SMS-1, SMS-3): sent only to the number on file, hashed, single-use, short-lived, few tries,
// with a resend cool-down and caps per account and per IP; each code belongs to one login (the interaction uid).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { SmsChannel } from '../channels/sms-channel.js';
import type { Clock } from '../shared/clock.js';
import { AppError } from '../shared/errors.js';
import type { Random } from '../shared/random.js';
import type { KvStore } from '../stores/kv-store.js';
import { maskMobile } from './mobile-number.js';

export interface SmsCodeSettings {
  codeDigits: number;
  codeTtlMs: number;
  maxTries: number;
  resendCooldownMs: number;
  maxPerAccountPerHour: number;
  maxPerAccountPerDay: number;
  maxPerIpPerHour: number;
  maxPerIpPerDay: number;
}

export const DEFAULT_SMS_CODE_SETTINGS: SmsCodeSettings = {
  codeDigits: 6,
  codeTtlMs: 5 * 60_000,
  maxTries: 5,
  resendCooldownMs: 30_000,
  maxPerAccountPerHour: 5,
  maxPerAccountPerDay: 10,
  maxPerIpPerHour: 10,
  maxPerIpPerDay: 30,
};

export interface SmsCodeDeps {
  kv: KvStore;
  sms: SmsChannel;
  clock: Clock;
  random: Random;
  settings?: Partial<SmsCodeSettings>;
}

interface StoredCode {
  id: string;
  accountId: string;
  codeHash: string;
  sentAt: number;
  expiresAt: number;
  void: boolean;
}

export interface SentCode {
  sentAt: number;
  expiresAt: number;
  mobileMasked: string;
}

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const hashCode = (id: string, code: string) => createHash('sha256').update(`${id}:${code}`).digest();

export class SmsCodeService {
  private readonly settings: SmsCodeSettings;

  constructor(private readonly deps: SmsCodeDeps) {
    this.settings = { ...DEFAULT_SMS_CODE_SETTINGS, ...deps.settings };
  }

  private key = (loginUid: string) => `smscode:${loginUid}`;

  /** The code last sent for this login, if any (also when expired or void). */
  async current(loginUid: string): Promise<{ sentAt: number; expiresAt: number; void: boolean } | null> {
    const raw = await this.deps.kv.get(this.key(loginUid));
    if (!raw) return null;
    const stored = JSON.parse(raw) as StoredCode;
    return { sentAt: stored.sentAt, expiresAt: stored.expiresAt, void: stored.void };
  }

  /** Sends a new code for this login to `mobile`, which must be the account's number on file (SMS-1). */
  async send(input: { accountId: string; mobile: string; loginUid: string; ip: string }): Promise<SentCode> {
    const { kv, sms, clock, random } = this.deps;
    const s = this.settings;
    const now = clock.now();

    const coolKey = `smscode:cool:${input.accountId}`;
    const last = Number((await kv.get(coolKey)) ?? 0);
    if (last && now - last < s.resendCooldownMs) {
      throw new AppError('sms.resendTooSoon', 429, { seconds: Math.ceil((s.resendCooldownMs - (now - last)) / 1000) });
    }

    const caps: [string, number, number][] = [
      [`smscode:n:acc:${input.accountId}:h${Math.floor(now / HOUR)}`, HOUR, s.maxPerAccountPerHour],
      [`smscode:n:acc:${input.accountId}:d${Math.floor(now / DAY)}`, DAY, s.maxPerAccountPerDay],
      [`smscode:n:ip:${input.ip}:h${Math.floor(now / HOUR)}`, HOUR, s.maxPerIpPerHour],
      [`smscode:n:ip:${input.ip}:d${Math.floor(now / DAY)}`, DAY, s.maxPerIpPerDay],
    ];
    for (const [key, ttl, max] of caps) {
      if ((await kv.incr(key, ttl)) > max) throw new AppError('sms.tooMany', 429);
    }
    await kv.set(coolKey, String(now), s.resendCooldownMs);

    const id = `smc_${random.token(18)}`;
    const code = random.digits(s.codeDigits);
    const stored: StoredCode = { id, accountId: input.accountId, codeHash: hashCode(id, code).toString('base64url'), sentAt: now, expiresAt: now + s.codeTtlMs, void: false };
    await kv.set(this.key(input.loginUid), JSON.stringify(stored), s.codeTtlMs);
    const minutes = Math.round(s.codeTtlMs / 60_000);
    await sms.send({ to: input.mobile, text: `Ihr financeIDENT Login-Code: ${code} (gültig ${minutes} Min.). Niemals weitergeben.`, purpose: 'login', idempotencyKey: id, accountId: input.accountId });
    return { sentAt: now, expiresAt: stored.expiresAt, mobileMasked: maskMobile(input.mobile) };
  }

  /** Accepts the code once for the login it was sent for; throws sms.expired, sms.wrong or sms.tooManyTries. */
  async verify(input: { loginUid: string; accountId: string; code: string }): Promise<void> {
    const { kv, clock } = this.deps;
    const s = this.settings;
    const raw = await kv.get(this.key(input.loginUid));
    if (!raw) throw new AppError('sms.expired', 410);
    const stored = JSON.parse(raw) as StoredCode;
    if (stored.accountId !== input.accountId) throw new AppError('sms.expired', 410);
    if (stored.void) throw new AppError('sms.tooManyTries', 429);
    if (clock.now() >= stored.expiresAt) throw new AppError('sms.expired', 410);
    const given = hashCode(stored.id, String(input.code).replace(/\s+/g, ''));
    if (!timingSafeEqual(Buffer.from(stored.codeHash, 'base64url'), given)) {
      const tries = await kv.incr(`smscode:tries:${stored.id}`, s.codeTtlMs);
      if (tries >= s.maxTries) {
        await kv.set(this.key(input.loginUid), JSON.stringify({ ...stored, codeHash: '', void: true }), s.codeTtlMs);
        throw new AppError('sms.tooManyTries', 429);
      }
      throw new AppError('sms.wrong', 400, { left: s.maxTries - tries });
    }
    if (!(await kv.setIfAbsent(`smscode:used:${stored.id}`, '1', s.codeTtlMs))) throw new AppError('sms.expired', 410);
    await kv.del(this.key(input.loginUid), `smscode:tries:${stored.id}`);
  }
}
