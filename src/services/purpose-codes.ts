// One-time codes by SMS (SMS-3) for the login, a new password (PWD-1) and a mobile change (ACC-3): hashed,
// single-use, short-lived, few tries, resend cool-down, caps per account and IP per hour and day (counted per purpose).
// A code belongs to one flow (the login's interaction, a random flow id, or the account for a mobile change).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { SmsChannel } from '../channels/sms-channel.js';
import type { Clock } from '../shared/clock.js';
import { AppError, isAppError } from '../shared/errors.js';
import type { Random } from '../shared/random.js';
import type { KvStore } from '../stores/kv-store.js';
import { DAY_MS, HOUR_MS, REDIS_KEYS } from '../stores/key-layout.js';

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
  /** What the code confirms besides the flow (e.g. the new mobile number), bound to it in the same record. */
  data?: string | null;
  /** What became of the SMS: being handed over, accepted by the provider, not accepted, or no answer (it may arrive). */
  delivery?: Delivery;
}

/** 'sent' = the provider accepted it (or, without a recipient, nothing was to be sent). */
export type Delivery = 'sending' | 'sent' | 'failed' | 'unknown';

export interface CurrentCode {
  sentAt: number;
  expiresAt: number;
  void: boolean;
  delivery: Delivery;
  /** When a new code may be asked for (the end of the cool-down). */
  resendAt: number;
}

export interface SendCodeInput {
  purpose: CodePurpose;
  /** Language of the SMS text: the one the person uses (page or app); German when absent. */
  lang?: 'de' | 'en';
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
  /** Stored with the code and returned by verify(), so what the code confirms cannot be swapped meanwhile. */
  data?: string | null;
  /** A link appended to the SMS text (the hosted page where a mobile change is confirmed). */
  link?: string;
}

export interface VerifiedCode {
  id: string;
  data: string | null;
}

const HOUR = HOUR_MS;
const DAY = DAY_MS;
const hashCode = (id: string, code: string) => createHash('sha256').update(`${id}:${code}`).digest();

/** The SMS texts in the language of the person who asked for the code (German when unknown). */
const TEXTS: Record<CodePurpose, Record<'de' | 'en', (code: string, minutes: number) => string>> = {
  login: {
    de: (code, minutes) => `Ihr financeIDENT Login-Code: ${code} (gültig ${minutes} Min.). Niemals weitergeben.`,
    en: (code, minutes) => `Your financeIDENT sign-in code: ${code} (valid for ${minutes} min). Never share it.`,
  },
  password: {
    de: (code, minutes) => `Ihr financeIDENT Code zum Setzen des Passworts: ${code} (gültig ${minutes} Min.). Niemals weitergeben.`,
    en: (code, minutes) => `Your financeIDENT code for setting your password: ${code} (valid for ${minutes} min). Never share it.`,
  },
  mobile_change: {
    de: (code, minutes) => `Ihr financeIDENT Code zur Bestätigung dieser Mobilfunknummer: ${code} (gültig ${minutes} Min.). Niemals weitergeben.`,
    en: (code, minutes) => `Your financeIDENT code to confirm this mobile number: ${code} (valid for ${minutes} min). Never share it.`,
  },
};

export class PurposeCodeService {
  readonly settings: SmsCodeSettings;

  constructor(private readonly deps: PurposeCodeDeps) {
    this.settings = { ...DEFAULT_SMS_CODE_SETTINGS, ...deps.settings };
  }

  private key = (purpose: CodePurpose, flowId: string) => REDIS_KEYS.codes.code(purpose, flowId);
  private triesKey = REDIS_KEYS.codes.tries;
  private usedKey = REDIS_KEYS.codes.used;

  /** The code last sent for this flow, if any (also when expired, void or not delivered). */
  async current(purpose: CodePurpose, flowId: string): Promise<CurrentCode | null> {
    const raw = await this.deps.kv.get(this.key(purpose, flowId));
    if (!raw) return null;
    const stored = JSON.parse(raw) as StoredCode;
    const tries = Number((await this.deps.kv.get(this.triesKey(stored.id))) ?? 0);
    return {
      sentAt: stored.sentAt,
      expiresAt: stored.expiresAt,
      void: tries >= this.settings.maxTries,
      delivery: stored.delivery ?? 'sent',
      resendAt: stored.sentAt + this.settings.resendCooldownMs,
    };
  }

  /**
   * Sends a new code for this flow (cool-down and caps first); with `to: null` nothing is sent, but all is counted.
   * Every refusal says that nothing was sent and from when to try again (`retryAt`, epoch ms, in the error's params):
   * sms.resendTooSoon (cool-down), sms.tooMany (a cap; until the end of its hour or day), sms.notSent (the provider did
   * not accept it; the caps are given back), sms.deliveryUnknown (no answer from the provider: the SMS may still arrive,
   * and its code then works).
   */
  async send(input: SendCodeInput): Promise<{ sentAt: number; expiresAt: number }> {
    const { kv, sms, clock, random } = this.deps;
    const s = this.settings;
    const now = clock.now();
    const p = input.purpose;

    // The cool-down is taken atomically (SET NX). A record the store has not yet expired although the injected clock
    // says it ran out is replaced by compare-and-set, so of simultaneous requests again only one goes on.
    // A login code's cool-down belongs to that login (a new login sends its first code at once); the others' to the subject.
    const coolKey = REDIS_KEYS.codes.cool(p, p === 'login' ? `flow:${input.flowId}` : input.subject);
    const resendAt = now + s.resendCooldownMs;
    if (!(await kv.setIfAbsent(coolKey, String(now), s.resendCooldownMs))) {
      const last = await kv.get(coolKey);
      const waitMs = s.resendCooldownMs - (now - Number(last ?? 0));
      if (last !== null && waitMs > 0) throw new AppError('sms.resendTooSoon', 429, { seconds: Math.ceil(waitMs / 1000), retryAt: now + waitMs });
      if (!(await kv.compareAndSet(coolKey, last, String(now), s.resendCooldownMs))) {
        throw new AppError('sms.resendTooSoon', 429, { seconds: Math.ceil(s.resendCooldownMs / 1000), retryAt: resendAt });
      }
    }
    const hourEnd = (Math.floor(now / HOUR) + 1) * HOUR;
    const dayEnd = (Math.floor(now / DAY) + 1) * DAY;
    const caps: [string, number, number, number][] = [
      [REDIS_KEYS.codes.count(p, 'acc', input.subject, 'h', Math.floor(now / HOUR)), HOUR, s.maxPerAccountPerHour, hourEnd],
      [REDIS_KEYS.codes.count(p, 'acc', input.subject, 'd', Math.floor(now / DAY)), DAY, s.maxPerAccountPerDay, dayEnd],
      [REDIS_KEYS.codes.count(p, 'ip', input.ip, 'h', Math.floor(now / HOUR)), HOUR, s.maxPerIpPerHour, hourEnd],
      [REDIS_KEYS.codes.count(p, 'ip', input.ip, 'd', Math.floor(now / DAY)), DAY, s.maxPerIpPerDay, dayEnd],
    ];
    // INCR before the check: simultaneous sends can never pass a cap together.
    const counted: string[] = [];
    for (const [key, ttl, max, end] of caps) {
      counted.push(key);
      if ((await kv.incr(key, ttl)) > max) {
        // Nothing goes out: the cool-down just taken is given back (only if still ours), so the page names the cap.
        await kv.compareAndSet(coolKey, String(now), '0', 1);
        throw new AppError('sms.tooMany', 429, { retryAt: end });
      }
    }

    const id = `pc_${random.token(18)}`;
    // Without a recipient the stored hash is of a random secret nobody knows: every code is "wrong".
    const code = input.to ? random.digits(s.codeDigits) : random.token(24);
    const stored: StoredCode = {
      id,
      subject: input.subject,
      codeHash: hashCode(id, code).toString('base64url'),
      sentAt: now,
      expiresAt: now + s.codeTtlMs,
      data: input.data ?? null,
      delivery: input.to ? 'sending' : 'sent',
    };
    const key = this.key(p, input.flowId);
    await kv.set(key, JSON.stringify(stored), s.codeTtlMs);
    if (input.to) {
      const text = TEXTS[p][input.lang ?? 'de'](code, Math.round(s.codeTtlMs / 60_000)) + (input.link ? ` ${input.link}` : '');
      try {
        await sms.send({ to: input.to, text, purpose: p, idempotencyKey: id, ...(input.accountId ? { accountId: input.accountId } : {}) });
      } catch (err) {
        const unknown = isAppError(err) && err.code === 'sms.deliveryUnknown';
        await this.mark(key, stored, unknown ? 'unknown' : 'failed');
        if (!unknown) await Promise.all(counted.map((k) => kv.decrBy(k, 1))); // nothing went out: it costs no cap
        throw new AppError(unknown ? 'sms.deliveryUnknown' : 'sms.notSent', 503, { retryAt: resendAt });
      }
      await this.mark(key, stored, 'sent');
    }
    return { sentAt: now, expiresAt: stored.expiresAt };
  }

  /** Records what became of the SMS, only while the record is still this code's (compare-and-set). */
  private async mark(key: string, stored: StoredCode, delivery: Delivery): Promise<void> {
    const ttl = stored.expiresAt - this.deps.clock.now();
    if (ttl > 0) await this.deps.kv.compareAndSet(key, JSON.stringify(stored), JSON.stringify({ ...stored, delivery }), ttl);
  }

  /**
   * Checks the code of this flow; throws sms.expired, sms.wrong or sms.tooManyTries. Every check counts as a try
   * BEFORE it compares (one atomic INCR decides): of any number of simultaneous checks at most `maxTries` are ever
   * compared; a right code gives its try back. With `consume` (the default) a right code is used up exactly once (SET NX); without, it stays valid
   * for a later consume() of the returned code id. Returns the code id and the data sent with it.
   */
  async verify(input: { purpose: CodePurpose; flowId: string; subject: string; code: string }, consume = true): Promise<VerifiedCode> {
    const { kv, clock } = this.deps;
    const s = this.settings;
    const raw = await kv.get(this.key(input.purpose, input.flowId));
    if (!raw) throw new AppError('sms.expired', 410);
    const stored = JSON.parse(raw) as StoredCode;
    if (stored.subject !== input.subject) throw new AppError('sms.expired', 410);
    if (clock.now() >= stored.expiresAt || stored.delivery === 'failed') throw new AppError('sms.expired', 410);
    const tries = await kv.incr(this.triesKey(stored.id), s.codeTtlMs);
    if (tries > s.maxTries) throw new AppError('sms.tooManyTries', 429);
    const given = hashCode(stored.id, String(input.code).replace(/\s+/g, ''));
    if (!timingSafeEqual(Buffer.from(stored.codeHash, 'base64url'), given)) {
      if (tries >= s.maxTries) throw new AppError('sms.tooManyTries', 429);
      throw new AppError('sms.wrong', 400, { left: s.maxTries - tries });
    }
    // A right code gives its try back (only someone who has the code can), so e.g. a refused new password costs none.
    await kv.decrBy(this.triesKey(stored.id), 1);
    if (consume) await this.consume(input.purpose, input.flowId, stored.id);
    else if ((await kv.get(this.usedKey(stored.id))) !== null) throw new AppError('sms.expired', 410);
    return { id: stored.id, data: stored.data ?? null };
  }

  /** Uses up the code `codeId` that verify() accepted; only the first call succeeds (SET NX), later ones get sms.expired. */
  async consume(_purpose: CodePurpose, _flowId: string, codeId: string): Promise<void> {
    if (!(await this.deps.kv.setIfAbsent(this.usedKey(codeId), '1', this.settings.codeTtlMs))) throw new AppError('sms.expired', 410);
  }
}
