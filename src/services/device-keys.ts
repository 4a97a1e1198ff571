// Keys a device hands over at enrolment are imported before they are stored (WebCrypto via jose / node:crypto):
// a value of the right format that is no usable key (e.g. not a point on the curve) is refused now, not at the next login.
import { createPublicKey, webcrypto } from 'node:crypto';
import { importJWK, type JWK } from 'jose';
import { cose, decodeCredentialPublicKey } from '@simplewebauthn/server/helpers';
import { AppError } from '../shared/errors.js';

/**
 * The device's ES256 public key as stored: only kty, crv, x, y, after it imported (RFC 7518 §6.2, P-256).
 * Throws enrolment.badKey (400) for anything else, a private key included.
 */
export async function importDeviceKey(jwk: JWK): Promise<{ kty: 'EC'; crv: 'P-256'; x: string; y: string }> {
  const b64 = /^[A-Za-z0-9_-]{43}$/;
  if (!jwk || jwk.kty !== 'EC' || jwk.crv !== 'P-256' || !b64.test(String(jwk.x)) || !b64.test(String(jwk.y)) || 'd' in jwk) {
    throw new AppError('enrolment.badKey', 400);
  }
  const key = { kty: 'EC' as const, crv: 'P-256' as const, x: String(jwk.x), y: String(jwk.y) };
  try {
    await importJWK(key, 'ES256');
  } catch {
    throw new AppError('enrolment.badKey', 400);
  }
  return key;
}

/**
 * The keys of a Web Push subscription (RFC 8291 §3.2): p256dh an uncompressed P-256 point (65 bytes) that imports
 * for ECDH, auth 16 bytes. Throws enrolment.badPushSubscription (400, details.field = keys).
 */
export async function assertPushKeys(keys: { p256dh: string; auth: string }): Promise<void> {
  const bad = () => new AppError('enrolment.badPushSubscription', 400, { field: 'keys' });
  const p256dh = Buffer.from(keys.p256dh, 'base64url');
  const auth = Buffer.from(keys.auth, 'base64url');
  if (p256dh.length !== 65 || p256dh[0] !== 0x04 || auth.length !== 16) throw bad();
  try {
    await webcrypto.subtle.importKey('raw', p256dh, { name: 'ECDH', namedCurve: 'P-256' }, false, []);
  } catch {
    throw bad();
  }
}

/**
 * A WebAuthn credential public key (COSE, RFC 9053) imports as ES256 (EC2, P-256) or RS256 (RSA) — the algorithms
 * the registration options offer. Throws webauthn.invalid (400).
 */
export function assertCredentialPublicKey(publicKey: Uint8Array<ArrayBuffer>): void {
  const bad = () => new AppError('webauthn.invalid', 400);
  let decoded;
  try {
    decoded = decodeCredentialPublicKey(publicKey);
  } catch {
    throw bad();
  }
  const b64 = (value: unknown) => (value instanceof Uint8Array ? Buffer.from(value).toString('base64url') : '');
  // The decoded key is a COSE map (integer labels); read it as a plain Map of them.
  const map = decoded as unknown as Map<number, unknown>;
  const kty = map.get(cose.COSEKEYS.kty);
  try {
    if (kty === cose.COSEKTY.EC2 && map.get(cose.COSEKEYS.crv) === cose.COSECRV.P256) {
      createPublicKey({ format: 'jwk', key: { kty: 'EC', crv: 'P-256', x: b64(map.get(cose.COSEKEYS.x)), y: b64(map.get(cose.COSEKEYS.y)) } });
    } else if (kty === cose.COSEKTY.RSA) {
      createPublicKey({ format: 'jwk', key: { kty: 'RSA', n: b64(map.get(cose.COSEKEYS.n)), e: b64(map.get(cose.COSEKEYS.e)) } });
    } else throw bad();
  } catch {
    throw bad();
  }
}
