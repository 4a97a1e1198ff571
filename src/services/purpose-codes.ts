// One-time codes by SMS (SMS-3) for the login, a new password (PWD-1) and a mobile change (ACC-3): hashed,
// single-use, short-lived, few tries, resend cool-down, caps per account and IP per hour and day (counted per purpose).
// A code belongs to one flow (the login's interaction, a random flow id, or the account for a mobile change).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { SmsChannel } from '../channels/sms-channel.js';
import type { Clock } from '../shared/clock.js';
import { AppError } from '../shared/errors.js';
import type { Random } from '../shared/random.js';
import type { KvStore } from '../stores/kv-store.js';

export type CodePurpose = 'login' | 'password' | 'mobile_change';

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

/** SMS-3: six digits, five minutes, five tries, 30 s between sends, 5/10 per account and 10/30 per IP per hour/day. */
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

export interface PurposeCodeDeps {
  kv: KvStore;
  sms: SmsChannel;
  clock: Clock;
  random: Random;
  settings?: Partial<SmsCodeSettings>;
}

interface StoredCode {
  id: string;
  subject: string;
  codeHash: string;
  sentAt: number;
  expiresAt: number;
  void: boolean;
}

export interface SendCodeInput {
  purpose: CodePurpose;
  /** The flow the code belongs to; verify() must name the same one. */
  flowId: string;
  /**
   * What the cool-down and the per-account caps count: the account id, or for an id that matches no account
   * a pseudonym of it (so unknown ids are limited, and answered, exactly like known ones).
   */
  subject: string;
  /** The account charged for the SMS (SMS-4), when there is one. */
  accountId?: string | null;
  /** The number on file (or, for a mobile change, the new number). null = check and count everything, send nothing. */
  to: string | null;
  ip: string;
  /** A link appended to the SMS text (the hosted page where a mobile change is confirmed). */
  link?: string;
}

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const hashCode = (id: string, code: string) => createHash('sha256').update(`${id}:${code}`).digest();

const TEXTS: Record<CodePurpose, (code: string, minutes: number) => string> = {
  login: (code, minutes) => `Ihr financeIDENT Login-Code: ${code} (gültig ${minutes} Min.). Niemals weitergeben.`,
  password: (code, minutes) => `Ihr financeIDENT Code zum Setzen des Passworts: ${code} (gültig ${minutes} Min.). Niemals weitergeben.`,
  mobile_change: (code, minutes) => `Ihr financeIDENT Code zur Bestätigung dieser Mobilfunknummer: ${code} (gültig ${minutes} Min.). Niemals weitergeben.`,
};

export class PurposeCodeService {
  readonly settings: SmsCodeSettings;

  constructor(private readonly deps: PurposeCodeDeps) {
    this.settings = { ...DEFAULT_SMS_CODE_SETTINGS, ...deps.settings };
  }

  private key = (purpose: CodePurpose, flowId: string) => `pcode:${purpose}:${flowId}`;

  /** The code last sent for this flow, if any (also when expired or void). */
  async current(purpose: CodePurpose, flowId: string): Promise<{ sentAt: number; expiresAt: number; void: boolean } | null> {
    const raw = await this.deps.kv.get(this.key(purpose, flowId));
    if (!raw) return null;
    const stored = JSON.parse(raw) as StoredCode;
    return { sentAt: stored.sentAt, expiresAt: stored.expiresAt, void: stored.void };
  }

  /** Sends a new code for this flow (cool-down and caps first); with `to: null` nothing is sent, but all is counted. */
  async send(input: SendCodeInput): Promise<{ sentAt: number; expiresAt: number }> {
    const { kv, sms, clock, random } = this.deps;
    const s = this.settings;
    const now = clock.now();
    const p = input.purpose;

    // The cool-down is taken atomically (SET NX), so two simultaneous requests cannot both send; a record left by the
    // store's own expiry lag is judged by its time (the injected clock) and then replaced.
    const coolKey = `pcode:${p}:cool:${input.subject}`;
    if (!(await kv.setIfAbsent(coolKey, String(now), s.resendCooldownMs))) {
      const last = Number((await kv.get(coolKey)) ?? 0);
      if (last && now - last < s.resendCooldownMs) {
        throw new AppError('sms.resendTooSoon', 429, { seconds: Math.ceil((s.resendCooldownMs - (now - last)) / 1000) });
      }
      await kv.set(coolKey, String(now), s.resendCooldownMs);
    }
    const caps: [string, number, number][] = [
      [`pcode:${p}:n:acc:${input.subject}:h${Math.floor(now / HOUR)}`, HOUR, s.maxPerAccountPerHour],
      [`pcode:${p}:n:acc:${input.subject}:d${Math.floor(now / DAY)}`, DAY, s.maxPerAccountPerDay],
      [`pcode:${p}:n:ip:${input.ip}:h${Math.floor(now / HOUR)}`, HOUR, s.maxPerIpPerHour],
      [`pcode:${p}:n:ip:${input.ip}:d${Math.floor(now / DAY)}`, DAY, s.maxPerIpPerDay],
    ];
    for (const [key, ttl, max] of caps) {
      if ((await kv.incr(key, ttl)) > max) throw new AppError('sms.tooMany', 429);
    }

    const id = `pc_${random.token(18)}`;
    // Without a recipient the stored hash is of a random secret nobody knows: every code is "wrong".
    const code = input.to ? random.digits(s.codeDigits) : random.token(24);
    const stored: StoredCode = { id, subject: input.subject, codeHash: hashCode(id, code).toString('base64url'), sentAt: now, expiresAt: now + s.codeTtlMs, void: false };
    await kv.set(this.key(p, input.flowId), JSON.stringify(stored), s.codeTtlMs);
    if (input.to) {
      const text = TEXTS[p](code, Math.round(s.codeTtlMs / 60_000)) + (input.link ? ` ${input.link}` : '');
      await sms.send({ to: input.to, text, purpose: p, idempotencyKey: id, ...(input.accountId ? { accountId: input.accountId } : {}) });
    }
    return { sentAt: now, expiresAt: stored.expiresAt };
  }

  /**
   * Checks the code of this flow; throws sms.expired, sms.wrong or sms.tooManyTries. Wrong codes count as tries.
   * With `consume` (the default) a right code is used up; without, it stays valid for a later consume() of the
   * returned code id.
   */
  async verify(input: { purpose: CodePurpose; flowId: string; subject: string; code: string }, consume = true): Promise<string> {
    const { kv, clock } = this.deps;
    const s = this.settings;
    const key = this.key(input.purpose, input.flowId);
    const raw = await kv.get(key);
    if (!raw) throw new AppError('sms.expired', 410);
    const stored = JSON.parse(raw) as StoredCode;
    if (stored.subject !== input.subject) throw new AppError('sms.expired', 410);
    if (stored.void) throw new AppError('sms.tooManyTries', 429);
    if (clock.now() >= stored.expiresAt) throw new AppError('sms.expired', 410);
    if ((await kv.get(`pcode:used:${stored.id}`)) !== null) throw new AppError('sms.expired', 410);
    const given = hashCode(stored.id, String(input.code).replace(/\s+/g, ''));
    if (!timingSafeEqual(Buffer.from(stored.codeHash, 'base64url'), given)) {
      const tries = await kv.incr(`pcode:tries:${stored.id}`, s.codeTtlMs);
      if (tries >= s.maxTries) {
        await kv.set(key, JSON.stringify({ ...stored, codeHash: '', void: true }), Math.max(1, stored.expiresAt - clock.now()));
        throw new AppError('sms.tooManyTries', 429);
      }
      throw new AppError('sms.wrong', 400, { left: s.maxTries - tries });
    }
    if (consume) await this.consume(input.purpose, input.flowId, stored.id);
    return stored.id;
  }

  /** Uses up the code `codeId` that verify() accepted; only the first call succeeds (single use), later ones get sms.expired. */
  async consume(purpose: CodePurpose, flowId: string, codeId: string): Promise<void> {
    const { kv } = this.deps;
    const key = this.key(purpose, flowId);
    if (!(await kv.setIfAbsent(`pcode:used:${codeId}`, '1', this.settings.codeTtlMs))) throw new AppError('sms.expired', 410);
    const raw = await kv.get(key);
    if (raw && (JSON.parse(raw) as StoredCode).id === codeId) await kv.del(key);
    await kv.del(`pcode:tries:${codeId}`);
  }
}
