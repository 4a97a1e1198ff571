// Cookie signatures: the same as keygrip's (cookies signed before the change stay valid), rotation, and tampering refused.
import { describe, expect, it } from '@jest/globals';
import Cookies from 'cookies';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { cookieSigner } from '../../src/shared/cookie-signer.js';

const OLD_KEY = 'an-older-cookie-key-that-still-verifies-0001';
const NEW_KEY = 'the-current-cookie-key-that-signs-everything-02';

/** A `cookies` jar over a request carrying `cookieHeader`, with the given `keys` (keygrip from an array, or the signer). */
function jar(cookieHeader: string, keys: string[] | ReturnType<typeof cookieSigner>) {
  const headers: Record<string, unknown> = {};
  const res = { getHeader: (n: string) => headers[n.toLowerCase()], setHeader: (n: string, v: unknown) => void (headers[n.toLowerCase()] = v) } as unknown as ServerResponse;
  const req = { headers: { cookie: cookieHeader }, connection: {} } as unknown as IncomingMessage;
  return { cookies: new Cookies(req, res, { keys: keys as string[] }), headers };
}

/** The Set-Cookie pair a jar writes for `name=value` (value and signature), as a Cookie request header. */
function signedHeader(keys: string[] | ReturnType<typeof cookieSigner>, name: string, value: string): string {
  const { cookies, headers } = jar('', keys);
  cookies.set(name, value, { signed: true });
  return (headers['set-cookie'] as string[]).map((c) => c.split(';')[0]).join('; ');
}

describe('cookie signer', () => {
  it('a cookie signed by keygrip (what was deployed before) is read with the same value, and the signer writes the same signature', () => {
    const before = signedHeader([NEW_KEY, OLD_KEY], '_interaction', 'abc123');
    expect(jar(before, cookieSigner([NEW_KEY, OLD_KEY])).cookies.get('_interaction', { signed: true })).toBe('abc123');
    expect(signedHeader(cookieSigner([NEW_KEY, OLD_KEY]), '_interaction', 'abc123')).toBe(before);
  });

  it('a cookie signed with the older key is still accepted (rotation) and comes back signed with the current key', () => {
    const old = signedHeader(cookieSigner([OLD_KEY]), 'fi_flash', 'eyJrIjoxfQ');
    const { cookies, headers } = jar(old, cookieSigner([NEW_KEY, OLD_KEY]));
    expect(cookies.get('fi_flash', { signed: true })).toBe('eyJrIjoxfQ');
    expect(String(headers['set-cookie'])).toContain(`fi_flash.sig=${cookieSigner([NEW_KEY]).sign('fi_flash=eyJrIjoxfQ')}`);
  });

  it('a changed value, a changed or shortened signature, or an unknown key is refused', () => {
    const signer = cookieSigner([NEW_KEY]);
    const good = signer.sign('_session=s1');
    expect(signer.index('_session=s1', good)).toBe(0);
    expect(signer.verify('_session=s2', good)).toBe(false);
    expect(signer.verify('_session=s1', `${good.slice(0, 26)}${good[26] === 'A' ? 'B' : 'A'}`)).toBe(false);
    expect(signer.verify('_session=s1', good.slice(0, 26))).toBe(false);
    expect(signer.verify('_session=s1', `${good}=`)).toBe(false);
    expect(signer.verify('_session=s1', cookieSigner([OLD_KEY]).sign('_session=s1'))).toBe(false);
    expect(jar(`_session=s2; _session.sig=${good}`, signer).cookies.get('_session', { signed: true })).toBeUndefined();
  });
});
