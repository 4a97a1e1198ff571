// Which registered clients the demo plays (exactly those redirecting to {issuer}/demo/<id>/callback) and their lazily discovered openid-client configuration.
import * as client from 'openid-client';
import type { ClientMetadata } from '../../config/clients.js';

export const DEMO_SCOPE = 'openid profile email phone';

export interface DemoClient {
  id: string;
  name: string;
  redirectUri: string;
  /** The page the IdP returns to after logout; undefined when the client registered none over http(s). */
  postLogoutRedirectUri: string | undefined;
  usesRefreshTokens: boolean;
  metadata: ClientMetadata;
}

/** The issuer without trailing slashes, the base of every demo URL. */
export function issuerBase(issuer: string): string {
  return issuer.replace(/\/+$/, '');
}

function isHttpUrl(uri: string): boolean {
  return URL.canParse(uri) && ['http:', 'https:'].includes(new URL(uri).protocol);
}

export function selectDemoClients(issuer: string, clients: ClientMetadata[]): DemoClient[] {
  const base = issuerBase(issuer);
  return clients.flatMap((metadata) => {
    const id = metadata.client_id;
    const redirectUri = `${base}/demo/${encodeURIComponent(id)}/callback`;
    if (!metadata.redirect_uris.includes(redirectUri)) return [];
    const ownPage = `${base}/demo/${encodeURIComponent(id)}`;
    const postLogout = metadata.post_logout_redirect_uris;
    return [
      {
        id,
        name: metadata.client_name ?? id,
        redirectUri,
        postLogoutRedirectUri: postLogout.includes(ownPage) ? ownPage : postLogout.find(isHttpUrl),
        usesRefreshTokens: metadata.grant_types.includes('refresh_token'),
        metadata,
      },
    ];
  });
}

function clientAuth(metadata: ClientMetadata): client.ClientAuth {
  switch (metadata.token_endpoint_auth_method) {
    case 'none':
      return client.None();
    case 'client_secret_post':
      return client.ClientSecretPost(metadata.client_secret);
    default:
      return client.ClientSecretBasic(metadata.client_secret);
  }
}

export type ConfigurationSource = (demo: DemoClient) => Promise<client.Configuration>;

/**
 * Discovers the issuer once per client on first use (the server may not listen yet when routes are built).
 * A failed discovery is forgotten, so the next request tries again. Plain http only when the issuer is http.
 */
export function lazyDiscovery(issuer: string): ConfigurationSource {
  const cache = new Map<string, Promise<client.Configuration>>();
  const insecure = new URL(issuer).protocol === 'http:';
  return (demo) => {
    let pending = cache.get(demo.id);
    if (!pending) {
      const secret = demo.metadata.client_secret;
      pending = client.discovery(
        new URL(issuer),
        demo.id,
        secret ? { client_secret: secret } : {},
        clientAuth(demo.metadata),
        insecure ? { execute: [client.allowInsecureRequests] } : undefined,
      );
      cache.set(demo.id, pending);
      pending.catch(() => cache.delete(demo.id)); // the caller still gets the rejection; only the cache forgets it
    }
    return pending;
  };
}
