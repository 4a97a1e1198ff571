// The device API (/ident/api): JSON requests in the user's language, signed with this device's key when an account is
// given (a one-time ES256 JWS), and every failure as an ApiError carrying the server's code and text.
import { bytesToB64url, jsonB64url, utf8 } from './encoding.js';

/** A failed call: `status` 0 for network and browser failures, `code` the server's error code, `message` for the user. */
export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details || {};
  }
}

/** A fresh device JWS (ES256, typ fi-device+jwt, kid = device id, aud = the API's URL, one-time jti). */
async function deviceToken(audience, account) {
  const header = { alg: 'ES256', typ: 'fi-device+jwt', kid: account.deviceId };
  const payload = { aud: audience, iat: Math.floor(Date.now() / 1000), jti: bytesToB64url(crypto.getRandomValues(new Uint8Array(18))) };
  const input = jsonB64url(header) + '.' + jsonB64url(payload);
  const signature = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, account.privateKey, utf8(input));
  return input + '.' + bytesToB64url(signature);
}

/**
 * The API caller for `base` (e.g. https://idp.example/ident/api): `api(method, path, { body, account })` resolves with
 * the JSON answer (null for 204) and rejects with an ApiError (texts from the server, or the app's own for a network failure).
 */
export function createApi(base, i18n) {
  const { t, lang } = i18n;
  return async function api(method, path, options) {
    const opts = options || {};
    const headers = { accept: 'application/json', 'accept-language': lang };
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    if (opts.account) headers.authorization = 'Device ' + (await deviceToken(base, opts.account));
    let response;
    try {
      response = await fetch(base + path, { method, headers, credentials: 'same-origin', body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
    } catch {
      throw new ApiError(0, 'network', t('error.network'));
    }
    if (response.status === 204) return null;
    let json = {};
    try {
      json = await response.json();
    } catch {
      json = {};
    }
    if (!response.ok) throw new ApiError(response.status, json.error || 'http', json.message || t('error.generic'), json.details);
    return json;
  };
}

/** The text for an API error; times in it are shown in this device's local time ("ab 09:44 Uhr"). */
export function errorText(i18n, error) {
  if (error.code === 'login.locked' && error.details && error.details.until) {
    const until = new Date(error.details.until);
    if (!isNaN(until.getTime())) return i18n.t('error.locked', { time: i18n.clockFormat.format(until) });
  }
  return error.message;
}
