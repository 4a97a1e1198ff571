// Setting a password (PWD-1, PWD-2): login id → code by SMS to the number on file → code and new password →
// every remembered browser, OIDC session and grant of the account ends. Unknown ids and emails that several
// accounts share get the same answer as a real account, and nothing is sent (no enumeration, ACC-2).
import { createHash } from 'node:crypto';
import type { Clock } from '../shared/clock.js';
import { AppError } from '../shared/errors.js';
import type { Random } from '../shared/random.js';
import type { Account, AccountStore } from '../stores/account-store.js';
import type { AuditLog } from '../stores/audit-log.js';
import type { KvStore } from '../stores/kv-store.js';
import type { AccountSessions } from './account-sessions.js';
import { normaliseLoginId, type LoginService } from './login-service.js';
import type { PasswordHasher } from './password-hasher.js';
import { PASSWORD_MAX_LENGTH, type PasswordPolicy } from './password-policy.js';
import type { PurposeCodeService } from './purpose-codes.js';
import type { RememberedBrowserService } from './remembered-browsers.js';

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
}

export type StartResult = { kind: 'sent'; flow: PasswordFlow } | { kind: 'noMobile'; account: Account };

export interface PasswordSettingDeps {
  accounts: AccountStore;
  login: Pick<LoginService, 'candidates'>;
  codes: PurposeCodeService;
  hasher: PasswordHasher;
  policy: PasswordPolicy;
  rememberedBrowsers: Pick<RememberedBrowserService, 'endAll'>;
  sessions: Pick<AccountSessions, 'endAll'>;
  audit: AuditLog;
  kv: KvStore;
  clock: Clock;
  random: Random;
  /** How long a started flow may take (several codes may be sent within it). */
  flowTtlMs: number;
}

const pseudonym = (loginId: string) => `id_${createHash('sha256').update(normaliseLoginId(loginId)).digest('base64url').slice(0, 22)}`;

export class PasswordSettingService {
  constructor(private readonly deps: PasswordSettingDeps) {}

  private key = (id: string) => `pwflow:${id}`;

  /** Sends a code to the account's number on file (or pretends to, for an id that names no single account). */
  async start(input: { loginId: string; ip: string; interaction: string | null }): Promise<StartResult> {
    const { codes, clock, random, kv } = this.deps;
    const loginId = input.loginId.trim().slice(0, 254);
    if (!loginId) throw new AppError('password.loginIdMissing', 400);
    const candidates = await this.deps.login.candidates(loginId);
    const account = candidates.length === 1 ? candidates[0]! : null;
    if (account && !account.mobile) return { kind: 'noMobile', account };

    const flow: PasswordFlow = {
      id: random.token(24),
      accountId: account?.id ?? null,
      subject: account?.id ?? pseudonym(loginId),
      loginId,
      interaction: input.interaction,
      createdAt: clock.now(),
    };
    await codes.send({ purpose: 'password', flowId: flow.id, subject: flow.subject, accountId: flow.accountId, to: account?.mobile ?? null, ip: input.ip });
    await kv.set(this.key(flow.id), JSON.stringify(flow), this.deps.flowTtlMs);
    return { kind: 'sent', flow };
  }

  async find(flowId: string | undefined): Promise<PasswordFlow | null> {
    if (!flowId || !/^[A-Za-z0-9_-]{32}$/.test(flowId)) return null;
    const raw = await this.deps.kv.get(this.key(flowId));
    return raw ? (JSON.parse(raw) as PasswordFlow) : null;
  }

  /** A new code for the flow (cool-down and caps apply), again only to the number on file. */
  async resend(flow: PasswordFlow, ip: string): Promise<void> {
    const account = flow.accountId ? await this.deps.accounts.findById(flow.accountId) : null;
    await this.deps.codes.send({ purpose: 'password', flowId: flow.id, subject: flow.subject, accountId: flow.accountId, to: account?.mobile ?? null, ip });
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
