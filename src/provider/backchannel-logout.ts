// OpenID Connect Back-Channel Logout 1.0: every relying party holding an ended session gets a signed logout token, with retries, audited.
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { AuditLog } from '../domain/audit-log.js';

/** Why a session ended: RP-initiated logout, a new password (PWD-2), "this wasn't me" (APR-6), a removed device (RD-4). */
export type SessionEndReason = 'logout' | 'password' | 'not_me' | 'device_removed';

/** One relying party's part of an ended IdP session: the client and the `sid` it was told in the ID token. */
export interface EndedAuthorization {
  clientId: string;
  sid: string;
}

export interface BackchannelLogoutSettings {
  /** Deliveries per logout token before giving up (1 = no retry). */
  attempts: number;
  /** Wait before the first retry in ms; doubled for each further retry. */
  retryDelayMs: number;
}

export interface BackchannelLogoutDeps {
  provider: Provider;
  audit: AuditLog;
  clock: Clock;
  logger: Logger;
  settings: BackchannelLogoutSettings;
  /** Waits `ms` (injected so tests need not wait for real backoff). */
  sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * Sends logout tokens (signed JWT, `typ: logout+jwt`, claims iss, aud, iat, exp, jti, sub, `events`
 * with `http://schemas.openid.net/event/backchannel-logout`, `sid` when the client registered
 * `backchannel_logout_session_required`, never `nonce`; BCL 1.0 §2.4) by form POST to each client's
 * `backchannel_logout_uri` (§2.5). A delivery counts when the RP answers 200 or 204; anything else, a
 * network error or the request timeout (CLIENT_REQUEST_TIMEOUT_MS, applied by the provider's fetch) is
 * retried `attempts` times in all with doubling waits. Each final outcome is one audit event:
 * `backchannel_logout.delivered` or `backchannel_logout.failed` (details: clientId, sid, reason, attempts).
 * Retries run in this process only: a restart during the waits loses the remaining attempts.
 */
export class BackchannelLogout {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly deps: BackchannelLogoutDeps) {
    this.sleep = deps.sleep ?? realSleep;
  }

  /**
   * Hooks into the provider's own RP-initiated logout, which makes the first delivery itself
   * (lib/actions/end_session.js): a success is audited, a failure is retried from the second attempt.
   */
  attach(): this {
    const { provider } = this.deps;
    provider.on('backchannel.success', (_ctx: KoaContextWithOIDC, client: { clientId: string }, accountId: string, sid: string) => {
      this.track(this.record('backchannel_logout.delivered', accountId, { clientId: client.clientId, sid, reason: 'logout', attempts: 1 }));
    });
    provider.on('backchannel.error', (_ctx: KoaContextWithOIDC, err: Error, client: { clientId: string }, accountId: string, sid: string) => {
      this.track(this.deliver(accountId, { clientId: client.clientId, sid }, 'logout', 2, err));
    });
    return this;
  }

  /**
   * Tells every relying party of `ended` (those with a `backchannel_logout_uri`) that the account's
   * session is over. Returns at once; the deliveries and retries go on in the background (see idle()).
   */
  notify(accountId: string, ended: EndedAuthorization[], reason: SessionEndReason): void {
    const unique = new Map(ended.map((a) => [`${a.clientId} ${a.sid}`, a]));
    for (const authorization of unique.values()) this.track(this.deliver(accountId, authorization, reason, 1));
  }

  /** Resolves when every delivery started so far has finished (for shutdown and tests). */
  async idle(): Promise<void> {
    while (this.inFlight.size) await Promise.all([...this.inFlight]);
  }

  private track(work: Promise<void>): void {
    const tracked = work
      .catch((err: unknown) => this.deps.logger.error({ err: (err as Error).message }, 'back-channel logout bookkeeping failed'))
      .finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  private async deliver(accountId: string, { clientId, sid }: EndedAuthorization, reason: SessionEndReason, firstAttempt: number, previous?: Error): Promise<void> {
    const { provider, settings, logger } = this.deps;
    const client = await provider.Client.find(clientId);
    if (!client?.backchannelLogoutUri) return;
    let lastError = previous;
    for (let attempt = firstAttempt; attempt <= settings.attempts; attempt++) {
      if (attempt > 1) await this.sleep(settings.retryDelayMs * 2 ** (attempt - 2));
      try {
        // Client#backchannelLogout (oidc-provider, untyped in @types/oidc-provider) signs the token with the client's ID token alg and POSTs it.
        await (client as unknown as { backchannelLogout(sub: string, sid: string): Promise<void> }).backchannelLogout(accountId, sid);
        await this.record('backchannel_logout.delivered', accountId, { clientId, sid, reason, attempts: attempt });
        return;
      } catch (err) {
        lastError = err as Error;
        logger.warn({ clientId, attempt, err: lastError.message }, 'back-channel logout delivery failed');
      }
    }
    await this.record('backchannel_logout.failed', accountId, { clientId, sid, reason, attempts: Math.max(settings.attempts, firstAttempt - 1), error: lastError?.message ?? 'unknown' });
  }

  private async record(type: string, accountId: string, details: Record<string, unknown>): Promise<void> {
    await this.deps.audit.append({ type, at: this.deps.clock.now(), accountId, details });
  }
}
