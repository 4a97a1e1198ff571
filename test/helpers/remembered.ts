// Helpers for remembered-browser tests: forget the IdP's own session (as after a sign-out), log in and read the ID token.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { expect } from '@jest/globals';
import { importJWK, SignJWT, type JWTPayload } from 'jose';
import { DeviceClient } from '../../src/ident-client/device-client.js';
import type { Clock } from '../../src/shared/clock.js';
import type { Browser } from './browser.js';
import { shownNumber } from './device.js';
import type { Device } from './login-flow.js';
import { passwordLogin, type RelyingParty } from './relying-party.js';

/**
 * Makes the test devices sign with the IdP's injected clock (the app signs with its own real clock, which a
 * ManualClock moved days ahead would reject as too old). Test-only: replaces the static signer of this module copy.
 */
export function signDeviceTokensWith(clock: Clock): void {
  DeviceClient.deviceToken = async (state, typ, claims = {}) => {
    const key = await importJWK(state.privateJwk, 'ES256');
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', typ, kid: state.deviceId })
      .setAudience(`${state.url}/ident/api`)
      .setIssuedAt(Math.floor(clock.now() / 1000))
      .setJti(randomBytes(16).toString('base64url'))
      .sign(key);
  };
}

/** Drops the provider's session cookies, keeping every other cookie (the remembered-browser ones too). */
export async function forgetIdpSession(browser: Browser, url: string): Promise<void> {
  for (const cookie of await browser.jar.getCookies(url, { allPaths: true })) {
    if (cookie.key.startsWith('_session')) await browser.jar.store.removeCookie(cookie.domain!, cookie.path!, cookie.key);
  }
}

/** The remembered-browser cookie name of an account (as src/routes/interactions/remembered-browser-cookie.ts). */
export const rememberedCookieName = (accountId: string) => `fi_rb_${createHash('sha256').update(accountId).digest('base64url').slice(0, 12)}`;

/** The signature Koa (keygrip, sha1, url-safe base64) puts in `<name>.sig`. */
export function cookieSignature(name: string, value: string, key: string): string {
  return createHmac('sha1', key).update(`${name}=${value}`).digest('base64url');
}

export interface LoginOutcome {
  /** Whether the second factor was asked (the waiting page was shown and the device approved). */
  approved: boolean;
  claims: JWTPayload;
}

/**
 * A whole login in `browser`: password, then — if the waiting page appears — the device approves.
 * Starts from a clean IdP session so only the remembered browser can skip the second factor.
 */
export async function login(
  browser: Browser,
  rp: RelyingParty,
  idpUrl: string,
  loginId: string,
  device: Device | null,
  extra: Record<string, string> = {},
): Promise<LoginOutcome> {
  await forgetIdpSession(browser, idpUrl);
  const started = await rp.start(extra);
  let page = await passwordLogin(browser, rp, started, loginId, 'Demo-Passwort-2026');
  let approved = false;
  if (page.status !== 0) {
    expect(page.url).toMatch(/\/interaction\/[^/]+\/approval$/);
    if (!device) throw new Error('the second factor was asked, but no device was given');
    const number = shownNumber(page.html);
    const pending = await device.client.pending(device.state);
    expect(pending).toHaveLength(1);
    await device.client.decide(device.state, pending[0]!.id, 'approve', { number });
    page = await browser.go(page.url.replace(/\/approval$/, '/finish'), {}, rp.redirectUri);
    approved = true;
  }
  expect(page.status).toBe(0);
  const tokens = await rp.finish(page.url, started);
  return { approved, claims: await rp.verifyIdToken(tokens.id_token!) };
}
