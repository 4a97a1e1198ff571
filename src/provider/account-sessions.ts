// Every OIDC session and grant of an account, so a new password, "this wasn't me" or a removed device can end them all (PWD-2, OIDC-7).
// oidc-provider stores sessions and grants by id only; this keeps a per-account index in the KvStore, fed by the
// provider's `session.saved` and `grant.saved` events (a session's id changes at each login: every id is kept,
// destroying one that is already gone does nothing). Ending a grant also revokes its tokens (refresh tokens too).
import type Provider from 'oidc-provider';
import type { AccountSessionEnder, SessionEndListener, SessionsEndReason } from '../domain/account-session-ender.js';
import type { Logger } from '../shared/logger.js';
import type { KvStore } from '../domain/kv-store.js';
import { REDIS_KEYS } from '../stores/key-layout.js';

export interface AccountSessionsDeps {
  kv: KvStore;
  provider: Provider;
  /** How long an index entry is kept: at least the longest session or grant lifetime. */
  ttlMs: number;
  logger?: Logger;
  /** Told which relying parties held the ended sessions (back-channel logout). */
  onEnded?: SessionEndListener;
}

export class AccountSessions implements AccountSessionEnder {
  /** Index writes not finished yet (they run from synchronous event listeners). */
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly deps: AccountSessionsDeps) {}

  private sessionsKey = REDIS_KEYS.accountSessions.sessions;
  private grantsKey = REDIS_KEYS.accountSessions.grants;

  /** Starts indexing the provider's sessions and grants; call once per provider. */
  attach(): this {
    this.deps.provider.on('session.saved', (session) => {
      if (session.accountId) this.track(this.sessionsKey(session.accountId), session.jti);
    });
    this.deps.provider.on('grant.saved', (grant) => {
      if (grant.accountId) this.track(this.grantsKey(grant.accountId), grant.jti);
    });
    return this;
  }

  private track(key: string, id: string): void {
    const write = this.deps.kv
      .sadd(key, id, this.deps.ttlMs)
      .catch((err: unknown) => this.deps.logger?.warn({ err: (err as Error).message }, 'could not index an OIDC session or grant'))
      .finally(() => this.inFlight.delete(write));
    this.inFlight.add(write);
  }

  /**
   * Ends every OIDC session and grant (with its tokens) of the account; returns how many ids were ended.
   * The relying parties that held one of the sessions are then told (onEnded, with `reason`).
   */
  async endAll(accountId: string, reason: SessionsEndReason = 'password'): Promise<{ sessions: number; grants: number }> {
    await Promise.all([...this.inFlight]);
    const { kv, provider } = this.deps;
    const sessionIds = await kv.smembers(this.sessionsKey(accountId));
    const ended: { clientId: string; sid: string }[] = [];
    for (const id of sessionIds) {
      const stored = await provider.Session.adapter.find(id);
      if (stored?.accountId !== accountId) continue;
      const authorizations = (stored.authorizations ?? {}) as Record<string, { sid?: string }>;
      for (const [clientId, { sid }] of Object.entries(authorizations)) if (sid) ended.push({ clientId, sid });
      await provider.Session.adapter.destroy(id);
    }
    await kv.del(this.sessionsKey(accountId));
    if (ended.length) this.deps.onEnded?.notify(accountId, ended, reason);

    const grantIds = await kv.smembers(this.grantsKey(accountId));
    for (const grantId of grantIds) {
      const stored = await provider.Grant.adapter.find(grantId);
      if (stored && stored.accountId !== accountId) continue;
      await Promise.all([
        provider.AccessToken.revokeByGrantId(grantId),
        provider.RefreshToken.revokeByGrantId(grantId),
        provider.AuthorizationCode.revokeByGrantId(grantId),
      ]);
      await provider.Grant.adapter.destroy(grantId);
    }
    await kv.del(this.grantsKey(accountId));
    return { sessions: sessionIds.length, grants: grantIds.length };
  }
}
