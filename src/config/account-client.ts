// The account page's own OIDC client (RD-3, RD-4, ENR-4): internal, first-party, confidential, always registered.
import { createHmac } from 'node:crypto';
import type { ClientMetadata } from './clients.js';

export const ACCOUNT_CLIENT_ID = 'fi-account';

/** Its secret is derived from the cookie key, so every instance sharing the keys agrees on it and nobody configures it. */
export function accountClientSecret(cookieKey: string): string {
  return createHmac('sha256', cookieKey).update('fi-account client secret').digest('base64url');
}

export function accountClient(issuer: string, cookieKey: string): ClientMetadata {
  const base = issuer.replace(/\/+$/, '');
  return {
    client_id: ACCOUNT_CLIENT_ID,
    client_name: 'financeIDENT Konto',
    client_secret: accountClientSecret(cookieKey),
    application_type: 'web',
    redirect_uris: [`${base}/account/callback`],
    post_logout_redirect_uris: [`${base}/account/signed-out`],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  };
}

/** The configured clients plus the account client (a configured client of the same id is replaced). */
export function withAccountClient(clients: ClientMetadata[], issuer: string, cookieKey: string): ClientMetadata[] {
  return [...clients.filter((c) => c.client_id !== ACCOUNT_CLIENT_ID), accountClient(issuer, cookieKey)];
}
