// The broker area's own OIDC client (BRK-1): internal, first-party, confidential, always registered, like fi-account.
import { createHmac } from 'node:crypto';
import { BROKER_AREA_ROLES } from '../services/broker/broker-hierarchy.js';
import type { ClientMetadata } from './clients.js';

export const BROKER_CLIENT_ID = 'fi-broker';
/** The roles with a broker area (src/services/broker/broker-hierarchy.ts). */
export const BROKER_ROLES = BROKER_AREA_ROLES;

/** Derived from the cookie key: every instance sharing the keys agrees on it, nobody configures it. */
export function brokerClientSecret(cookieKey: string): string {
  return createHmac('sha256', cookieKey).update('fi-broker client secret').digest('base64url');
}

export function brokerClient(issuer: string, cookieKey: string): ClientMetadata {
  const base = issuer.replace(/\/+$/, '');
  return {
    client_id: BROKER_CLIENT_ID,
    client_name: 'financeIDENT Interner Bereich',
    client_secret: brokerClientSecret(cookieKey),
    application_type: 'web',
    redirect_uris: [`${base}/broker/callback`],
    post_logout_redirect_uris: [`${base}/broker/signed-out`],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    scope: 'openid',
    allowed_roles: [...BROKER_ROLES],
  };
}

/** The configured clients plus the broker client (a configured client of the same id is replaced). */
export function withBrokerClient(clients: ClientMetadata[], issuer: string, cookieKey: string): ClientMetadata[] {
  return [...clients.filter((c) => c.client_id !== BROKER_CLIENT_ID), brokerClient(issuer, cookieKey)];
}
