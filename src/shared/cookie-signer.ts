// Signs and verifies cookies for Koa and oidc-provider exactly as keygrip does (HMAC-SHA1, base64url), comparing in constant time without extra work.
import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';

/** What the `cookies` package asks of its `keys` option (keygrip's interface). */
export interface CookieSigner {
  /** The signature of `data` with the first key (27 base64url characters). */
  sign(data: string): string;
  /** Whether `digest` is `data`'s signature with any of the keys. */
  verify(data: string, digest: string): boolean;
  /** The index of the key that signed `data` as `digest`, or -1 (index > 0: the cookie gets re-signed with the first key). */
  index(data: string, digest: string): number;
}

/**
 * A keygrip-compatible signer over `keys` (the first signs, all verify: rotation). Same signatures as keygrip's
 * defaults, so cookies signed before stay valid. keygrip compares through `tsscmp`, which draws 32 random bytes and
 * computes two more HMACs for every comparison, to hide the lengths; a signature's length is fixed and public, so
 * here a length check and `crypto.timingSafeEqual` do the same job (a signed cookie read costs one HMAC per key tried).
 * Throws when `keys` is empty.
 */
export function cookieSigner(keys: readonly string[]): CookieSigner {
  if (keys.length === 0) throw new Error('cookieSigner: at least one key');
  const secrets: KeyObject[] = keys.map((k) => createSecretKey(Buffer.from(k)));
  const raw = (data: string, key: KeyObject) => createHmac('sha1', key).update(data).digest();
  const sign = (data: string) => raw(data, secrets[0]!).toString('base64url');
  const index = (data: string, digest: string) => {
    if (typeof digest !== 'string' || digest.length !== 27) return -1;
    const given = Buffer.from(digest, 'base64url');
    if (given.length !== 20 || given.toString('base64url') !== digest) return -1;
    for (let i = 0; i < secrets.length; i++) if (timingSafeEqual(given, raw(data, secrets[i]!))) return i;
    return -1;
  };
  return { sign, index, verify: (data, digest) => index(data, digest) > -1 };
}
