// What a lost race to consume a single-use provider model means (RFC 6749 §4.1.2, RFC 9700 §4.14): the standard
// OAuth error, and for grant-bound models the whole grant is revoked, exactly as when the second use came later.
import { errors } from 'oidc-provider';

/** Models whose payloads carry a grantId and must disappear when the grant is revoked (as in oidc-provider's memory adapter). */
export const GRANTABLE: ReadonlySet<string> = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
  'PreAuthorizedCode',
]);

/**
 * The error a request gets when another one consumed the same model first (or it vanished since it was read):
 * `invalid_request_uri` for a pushed authorization request, `invalid_grant` for everything else the provider consumes
 * (authorization code, refresh token, device code, CIBA request, pre-authorized code). oidc-provider turns either
 * into its standard error response (never a 500).
 */
export function lostConsumeRace(model: string): Error {
  if (model === 'PushedAuthorizationRequest') return new errors.InvalidRequestUri('request_uri is invalid, expired, or was already used');
  return new errors.InvalidGrant(`${model} already consumed`);
}

/** The one model the provider only ever writes once per id: a seen DPoP proof or client assertion (`jti`). */
export const REPLAY_MODEL = 'ReplayDetection';

/**
 * The error a request gets when a simultaneous one registered the same DPoP proof or client-assertion `jti` first
 * (RFC 9449 §11.1, RFC 7523 §3 item 7): oidc-provider reads, then saves, so the store's write decides (SET NX) and
 * the loser fails with the standard `invalid_request` (never a 500, never a second use).
 */
export function replayDetected(): Error {
  return new errors.InvalidRequest('this one-time proof (DPoP proof or client assertion) was already used');
}
