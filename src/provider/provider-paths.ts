// Which request paths belong to the OIDC provider; everything else that no route of ours answered is "not found".
import type Provider from 'oidc-provider';

const ROUTE_NAMES = [
  'authorization', 'backchannel_authentication', 'code_verification', 'challenge', 'device_authorization', 'end_session',
  'introspection', 'jwks', 'pushed_authorization_request', 'registration', 'revocation', 'token', 'userinfo', 'credential',
];

/** A predicate for the provider's own paths (its enabled routes, their sub-paths such as /auth/:uid, and /.well-known/). */
export function providerPaths(provider: Provider): (path: string) => boolean {
  const paths: string[] = [];
  for (const name of ROUTE_NAMES) {
    try {
      paths.push(provider.pathFor(name));
    } catch {
      // route not enabled in this configuration
    }
  }
  return (path) => path.startsWith('/.well-known/') || paths.some((p) => path === p || path.startsWith(`${p}/`));
}
