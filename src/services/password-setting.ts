// Setting a password (PWD-1, PWD-2): login id → code by SMS to the number on file → code and new password →
// every remembered browser, OIDC session and grant of the account ends. Before the code is proven nothing tells a
// stranger whether an account exists (ACC-2 wins): unknown ids, shared emails, accounts without a mobile number and
// accounts in a cool-down or at a cap get the same answer in the same time; the SMS is handed over in the background.
import { createHash } from 'node:crypto';
import type { Clock } from '../shared/clock.js';
import { AppError, isAppError } from '../shared/errors.js';
import type { Random } from '../shared/random.js';
import type { Account, AccountStore } from '../domain/account.js';
import type { AuditLog } from '../domain/audit-log.js';
import type { KvStore } from '../domain/kv-store.js';
import type { AccountSessionEnder } from '../domain/account-session-ender.js';
import { normaliseLoginId, type LoginService } from './login-service.js';
import type { PasswordHasher } from './password-hasher.js';
import { PASSWORD_MAX_LENGTH, type PasswordPolicy } from './password-policy.js';
import type { PurposeCodeService } from './purpose-codes.js';
import type { RememberedBrowserService } from './remembered-browsers.js';
import { REDIS_KEYS } from '../stores/key-layout.js';

export interface PasswordFlow {
  id: string;
  /** null when the login id named no single account: such a flow can never succeed. */
  accountId: string | null;
  /** What the code's cool-down and caps count (the account id, or a pseudonym of the typed id). */
  subject: string;
  loginId: string;
  /** The hosted login to return to afterwards, if the flow started there. */
  interaction: string | null;
  createdAt: number;
  /** Language of the SMS texts (the page's when the flow started). */
  lang?: 'de' | 'en';
}

/** Something that can report a failed background hand-over (the logger). */
export interface SendFailureLog {
  warn(obj: object, msg: string): void;
}

export interface PasswordSettingDeps {
  accounts: AccountStore;
  login: Pick<LoginService, 'candidates'>;
  codes: PurposeCodeService;
  hasher: PasswordHasher;
  policy: PasswordPolicy;
  rememberedBrowsers: Pick<RememberedBrowserService, 'endAll'>;
  sessions: Pick<AccountSessionEnder, 'endAll'>;
  audit: AuditLog;
  kv: KvStore;
  clock: Clock;
  random: Random;
  /** How long a started flow may take (several codes may be sent within it). */
  flowTtlMs: number;
  /** Pause between two code requests of one flow (the flow's own cool-down, the same for every flow). Default 30 s. */
  resendCooldownMs?: number;
  log?: SendFailureLog;
}

const pseudonym = (loginId: string) => `id_${createHash('sha256').update(normaliseLoginId(loginId)).digest('base64url').slice(0, 22)}`;

export class PasswordSettingService {
  constructor(private readonly deps: PasswordSettingDeps) {}

  private key = REDIS_KEYS.passwordFlows.flow;

  /**
   * Starts a flow for whatever was typed and returns it at once. The code goes out in the background to the number
   * on file of the one account the id names (nothing for an unknown id, a shared email or an account without a
   * mobile number; refusals by cool-down or caps are not reported), so the answer and its timing are the same for all.
   * `lang` is the page's language: the SMS texts follow it. Throws password.loginIdMissing (400).
   */
  async start(input: { loginId: string; ip: string; interaction: string | null; lang?: 'de' | 'en' }): Promise<PasswordFlow> {
    const { clock, random, kv } = this.deps;
    const loginId = input.loginId.trim().slice(0, 254);
    if (!loginId) throw new AppError('password.loginIdMissing', 400);
    const candidates = await this.deps.login.candidates(loginId);
    const account = candidates.length === 1 ? candidates[0]! : null;
    const to = account?.mobile ?? null;

    const flow: PasswordFlow = {
      id: random.token(24),
      accountId: to ? account!.id : null,
      subject: account?.id ?? pseudonym(loginId),
      loginId,
      interaction: input.interaction,
      createdAt: clock.now(),
      ...(input.lang ? { lang: input.lang } : {}),
    };
    await kv.set(this.key(flow.id), JSON.stringify(flow), this.deps.flowTtlMs);
    await kv.set(this.coolKey(flow.id), String(clock.now()), this.cooldownMs);
    this.dispatch(flow, to, input.ip);
    return flow;
  }

  /** Resolves when every background hand-over started so far has ended (tests; shutdown). */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  private readonly inFlight = new Set<Promise<void>>();

  private get cooldownMs(): number {
    return this.deps.resendCooldownMs ?? 30_000;
  }

  private coolKey = REDIS_KEYS.passwordFlows.cool;

  /** Hands the code over without waiting; what becomes of it is logged, never shown before the code is proven. */
  private dispatch(flow: PasswordFlow, to: string | null, ip: string): void {
    const sending = this.deps.codes
      .send({ purpose: 'password', flowId: flow.id, subject: flow.subject, accountId: flow.accountId, to, ip, ...(flow.lang ? { lang: flow.lang } : {}) })
      .then(
        () => undefined,
        (err: unknown) => {
          const code = isAppError(err) ? err.code : 'error';
          this.deps.log?.warn({ code, flowId: flow.id, reason: isAppError(err) ? undefined : String((err as Error)?.message ?? err) }, 'password code not sent');
        },
      )
      .finally(() => this.inFlight.delete(sending));
    this.inFlight.add(sending);
  }

  async find(flowId: string | undefined): Promise<PasswordFlow | null> {
    if (!flowId || !/^[A-Za-z0-9_-]{32}$/.test(flowId)) return null;
    const raw = await this.deps.kv.get(this.key(flowId));
    return raw ? (JSON.parse(raw) as PasswordFlow) : null;
  }

  /**
   * A new code for the flow, again only to the number on file and in the background. Only the flow's own cool-down
   * is reported (sms.resendTooSoon, 429, with `seconds`): it is the same for every flow, so it tells nothing.
   */
  async resend(flow: PasswordFlow, ip: string): Promise<void> {
    const { kv, clock } = this.deps;
    const now = clock.now();
    const tooSoon = (waitMs: number) => new AppError('sms.resendTooSoon', 429, { seconds: Math.max(1, Math.ceil(waitMs / 1000)), retryAt: now + waitMs });
    // The cool-down is decided in one atomic step: the time of the last request is replaced only while it is still the
    // value read here (or still absent), so of simultaneous requests exactly one goes on; the others are too soon.
    const seen = await kv.get(this.coolKey(flow.id));
    const last = seen === null ? null : Number(seen);
    if (last !== null && Number.isFinite(last) && now - last < this.cooldownMs) throw tooSoon(this.cooldownMs - (now - last));
    if (!(await kv.compareAndSet(this.coolKey(flow.id), seen, String(now), this.cooldownMs))) throw tooSoon(this.cooldownMs);
    const account = flow.accountId ? await this.deps.accounts.findById(flow.accountId) : null;
    this.dispatch(flow, account?.mobile ?? null, ip);
  }

  /**
   * Checks the code, then the policy (only after a right code, so the policy tells strangers nothing), then stores
   * the new password and ends every remembered browser, OIDC session and grant of the account.
   */
  async complete(flow: PasswordFlow, input: { code: string; password: string; repeat: string; ip: string }): Promise<Account> {
    const { codes, policy } = this.deps;
    if (!input.code.trim() || !input.password || !input.repeat) throw new AppError('password.missingFields', 400);
    if (input.password !== input.repeat) throw new AppError('password.mismatch', 400);
    const { id: codeId } = await codes.verify({ purpose: 'password', flowId: flow.id, subject: flow.subject, code: input.code }, false);
    const account = flow.accountId ? await this.deps.accounts.findById(flow.accountId) : null;
    if (!account) throw new AppError('sms.expired', 410);
    const problem = policy.check(input.password, { accessNumber: account.accessNumber, email: account.email, loginId: flow.loginId });
    if (problem) throw new AppError(problem, 400, { min: policy.minLength, max: PASSWORD_MAX_LENGTH });
    await codes.consume('password', flow.id, codeId);

    const now = this.deps.clock.now();
    const updated = await this.deps.accounts.update(account.id, { passwordHash: await this.deps.hasher.hash(input.password) }, now);
    if (!updated) throw new AppError('sms.expired', 410);
    const browsers = await this.deps.rememberedBrowsers.endAll(account.id);
    const ended = await this.deps.sessions.endAll(account.id);
    await this.deps.kv.del(this.key(flow.id));
    await this.deps.audit.append({
      type: 'password.changed',
      at: now,
      accountId: account.id,
      ip: input.ip,
      details: { via: 'sms', firstPassword: account.passwordHash === null, rememberedBrowsersEnded: browsers, sessionsEnded: ended.sessions, grantsEnded: ended.grants },
    });
    return updated;
  }
}
