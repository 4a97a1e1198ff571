// AccountSessionEnder and SessionEndListener — what the domain needs of the OIDC layer when a password changes, a device is removed or "this wasn't me" is said:
// end every OIDC session and grant of an account (PWD-2, APR-6, OIDC-7). Implemented in src/provider/.

/** Why an account's sessions end, and who to tell: the relying parties that held them (Back-Channel Logout). */
export type SessionsEndReason = 'password' | 'not_me' | 'device_removed';

export interface SessionEndListener {
  /** Called once per endAll with each (client, sid) of the ended sessions; must not throw or wait. */
  notify(accountId: string, ended: { clientId: string; sid: string }[], reason: SessionsEndReason): void;
}

export interface AccountSessionEnder {
  /** Ends every OIDC session and grant (with its tokens) of the account; returns how many ids were ended. */
  endAll(accountId: string, reason?: SessionsEndReason): Promise<{ sessions: number; grants: number }>;
}
