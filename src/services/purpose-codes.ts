// One-time codes by SMS (SMS-3) for the login, the device activation (ENR-1…3), a new password (PWD-1) and a mobile
// change (ACC-3): hashed, single-use, short-lived, few tries, resend cool-down, caps per account and IP per hour and
// day (counted per purpose, each purpose with its own numbers). A code belongs to one flow (the login's interaction,
// the enrolment, a random flow id, or the account for a mobile change).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { SmsChannel } from '../domain/sms-channel.js';
import { smsText } from '../i18n/sms-texts.js';
import type { Clock } from '../shared/clock.js';
import { AppError, isAppError } from '../shared/errors.js';
import type { Random } from '../shared/random.js';
import type { KvStore } from '../domain/kv-store.js';
import { type CapLimits, countCaps, releaseCooldown, takeCooldown, uncountCaps } from './code-send-limits.js';
import { REDIS_KEYS } from '../stores/key-layout.js';

export type CodePurpose = 'login' | 'activation' | 'password' | 'mobile_change';

/** The numbers of one purpose's codes; a cap of `Infinity` is no cap, a cool-down of 0 none. */
export interface SmsCodeSettings extends CapLimits {
  codeDigits: number;
  codeTtlMs: number;
  maxTries: number;
  resendCooldownMs: number;
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
  /** The numbers of every purpose (SMS-3 by default). */
  settings?: Partial<SmsCodeSettings>;
  /** Per purpose, what differs from `settings` (e.g. the activation code: its lifetime, tries and hourly cap). */
  purposes?: Partial<Record<CodePurpose, Partial<SmsCodeSettings>>>;
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

const hashCode = (id: string, code: string) => createHash('sha256').update(`${id}:${code}`).digest();

/** sms.notSent (503, param retryAt) that keeps the channel's own error, for callers whose contract names that error. */
export class SmsNotSentError extends AppError {
  constructor(retryAt: number, readonly channelError: unknown) {
    super('sms.notSent', 503, { retryAt });
  }
}

export class PurposeCodeService {
  /** The default numbers (every purpose without its own). */
  readonly settings: SmsCodeSettings;
  private readonly perPurpose: Record<CodePurpose, SmsCodeSettings>;

  constructor(private readonly deps: PurposeCodeDeps) {
    this.settings = { ...DEFAULT_SMS_CODE_SETTINGS, ...deps.settings };
    const of = (p: CodePurpose): SmsCodeSettings => ({ ...this.settings, ...deps.purposes?.[p] });
    this.perPurpose = { login: of('login'), activation: of('activation'), password: of('password'), mobile_change: of('mobile_change') };
  }

  /** The numbers that hold for `purpose`'s codes. */
  settingsFor(purpose: CodePurpose): SmsCodeSettings {
    return this.perPurpose[purpose];
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
    const s = this.settingsFor(purpose);
    return {
      sentAt: stored.sentAt,
      expiresAt: stored.expiresAt,
      void: tries >= s.maxTries,
      delivery: stored.delivery ?? 'sent',
      resendAt: stored.sentAt + s.resendCooldownMs,
    };
  }

  /**
   * Sends a new code for this flow (cool-down and caps first); with `to: null` nothing is sent, but all is counted.
   * Every refusal says that nothing was sent and from when to try again (`retryAt`, epoch ms, in the error's params):
   * sms.resendTooSoon (cool-down), sms.tooMany (a cap; until the end of its hour or day), sms.notSent (the provider did
   * not accept it; the caps are given back; an SmsNotSentError carrying the channel's error), sms.deliveryUnknown (no
   * answer from the provider: the SMS may still arrive, and its code then works).
   */
  async send(input: SendCodeInput): Promise<{ sentAt: number; expiresAt: number }> {
    const { kv, sms, clock, random } = this.deps;
    const p = input.purpose;
    const s = this.settingsFor(p);
    const now = clock.now();

    // A login code's cool-down belongs to that login (a new login sends its first code at once); the others' to the subject.
    const coolKey = REDIS_KEYS.codes.cool(p, p === 'login' ? `flow:${input.flowId}` : input.subject);
    const resendAt = now + s.resendCooldownMs;
    await takeCooldown(kv, coolKey, now, s.resendCooldownMs);
    let counted: string[];
    try {
      counted = await countCaps(kv, p, input.subject, input.ip, now, s);
    } catch (err) {
      // Nothing goes out: the cool-down just taken is given back (only if still ours), so the page names the cap.
      await releaseCooldown(kv, coolKey, now, s.resendCooldownMs);
      throw err;
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
      const text = smsText(p, input.lang, { code, minutes: Math.round(s.codeTtlMs / 60_000), ...(input.link ? { link: input.link } : {}) });
      try {
        await sms.send({ to: input.to, text, purpose: p, idempotencyKey: id, ...(input.accountId ? { accountId: input.accountId } : {}) });
      } catch (err) {
        const unknown = isAppError(err) && err.code === 'sms.deliveryUnknown';
        await this.mark(key, stored, unknown ? 'unknown' : 'failed');
        if (unknown) throw new AppError('sms.deliveryUnknown', 503, { retryAt: resendAt });
        await uncountCaps(kv, counted); // nothing went out: it costs no cap
        throw new SmsNotSentError(resendAt, err);
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
   * Checks the code of this flow; throws sms.expired (410), sms.wrong (400, param left) or sms.tooManyTries (429).
   * Every check counts as a try BEFORE it compares (one atomic INCR decides): of any number of simultaneous checks
   * at most `maxTries` are ever compared; a right code gives its try back. With `consume` (the default) a right code
   * is used up exactly once (SET NX); without, it stays valid for a later consume() of the returned code id.
   * Returns the code id and the data sent with it.
   */
  async verify(input: { purpose: CodePurpose; flowId: string; subject: string; code: string }, consume = true): Promise<VerifiedCode> {
    const { kv, clock } = this.deps;
    const s = this.settingsFor(input.purpose);
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
  async consume(purpose: CodePurpose, _flowId: string, codeId: string): Promise<void> {
    if (!(await this.deps.kv.setIfAbsent(this.usedKey(codeId), '1', this.settingsFor(purpose).codeTtlMs))) throw new AppError('sms.expired', 410);
  }
}
