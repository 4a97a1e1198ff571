// The key list (src/stores/key-layout.ts) is the truth: whole flows on the real Redis write only keys it lists, every
// one with an expiry, and keys that share a slot by design carry the same hash tag.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Redis } from 'ioredis';
import { KEY_FAMILIES, keyFamilyOf } from '../../src/stores/key-layout.js';
import { createRedisClient } from '../../src/stores/redis/redis-client.js';
import { startTestIdp, type TestIdp } from '../helpers/test-idp.js';
import { Browser } from '../helpers/browser.js';
import { RelyingParty, passwordLogin } from '../helpers/relying-party.js';
import { enrolDevice } from '../helpers/device.js';
import { loginWithApproval, smartmscAccessToken, type Device } from '../helpers/login-flow.js';
import { testRedisUrl } from '../helpers/redis.js';

let idp: TestIdp;
let device: Device;
let raw: Redis;

beforeAll(async () => {
  idp = await startTestIdp();
  raw = createRedisClient(testRedisUrl());
  device = await enrolDevice(idp, '200001');
});
afterAll(async () => {
  await idp?.close();
  await raw?.quit();
});

/** A broker API call with a bearer token; the JSON answer. */
async function brokerApi(method: string, path: string, token: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const headers: Record<string, string> = { accept: 'application/json', authorization: `Bearer ${token}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${idp.url}/api/broker${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
}

/** Keys not in the list, and keys without an expiry. */
async function offenders(keys: string[]): Promise<{ unlisted: string[]; forever: string[] }> {
  const pttls = await Promise.all(keys.map((key) => raw.pttl(`${idp.container.config.redisKeyPrefix}${key}`)));
  return { unlisted: keys.filter((key) => !keyFamilyOf(key)), forever: keys.filter((_, i) => pttls[i] === -1) };
}

/** Every key under this IdP's prefix, without the prefix. */
async function keysOfThisIdp(): Promise<string[]> {
  const prefix = idp.container.config.redisKeyPrefix;
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await raw.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    keys.push(...batch.map((k) => k.slice(prefix.length)));
  } while (cursor !== '0');
  return keys;
}

describe('Redis key layout', () => {
  it('logins, refresh, code replay (revocation), wrong passwords and an SMS login write only listed keys, all expiring', async () => {
    // A financeapp login with approval (refresh token, remembered browser), then its code replayed (grant revoked).
    const app = await RelyingParty.discover(idp, 'financeapp');
    const started = await app.start();
    const browser = new Browser();
    const callback = await loginWithApproval(browser, app, started, device, '200001');
    expect(callback.status).toBe(0);
    const tokens = await app.finish(callback.url, started);
    expect(tokens.refresh_token).toBeTruthy();
    await expect(app.finish(callback.url, started)).rejects.toMatchObject({ error: 'invalid_grant' });
    // A second financecloud login in the same browser, and wrong passwords for another account.
    const cloud = await RelyingParty.discover(idp, 'financecloud');
    const again = await loginWithApproval(browser, cloud, await cloud.start(), device, '200001');
    expect(again.status).toBe(0);
    for (let i = 0; i < 2; i++) expect((await passwordLogin(new Browser(), cloud, await cloud.start(), '200002', 'wrong-password')).status).toBe(401);
    // An SMS login up to the code page (code sent, limits counted).
    const sms = await passwordLogin(new Browser(), cloud, await cloud.start(), '200005', 'Demo-Passwort-2026');
    expect(sms.url).toMatch(/\/sms$/);

    const keys = await keysOfThisIdp();
    const unlisted = keys.filter((key) => !keyFamilyOf(key));
    expect(unlisted).toEqual([]);
    const pttls = await Promise.all(keys.map((key) => raw.pttl(`${idp.container.config.redisKeyPrefix}${key}`)));
    const forever = keys.filter((_, i) => pttls[i] === -1);
    expect(forever).toEqual([]);
    // The flows above touched the main families (the list is not stale).
    const seen = new Set(keys.map((key) => keyFamilyOf(key)!.template));
    for (const template of ['oidc:<Model>:<id>', 'oidc:grant:{<grantId>}', 'oidc:grant:{<grantId>}:revoked', 'login:<interaction uid>', 'approval:<id>[:outcome|:resends|:resend-cooldown]', 'rb:<accountId>:<id>', 'limit:{<subject>}:(lock|try:<window>|fail:<window>)', 'pcode:<…>']) {
      expect(seen).toContain(template);
    }
  }, 60_000);

  it('a rollout mailing, a broker changing a customer’s mobile number and a password code with a resend write only listed keys, all expiring', async () => {
    const token = await smartmscAccessToken(idp, '100001', await enrolDevice(idp, '100001'));
    // A rollout mailing over the broker API, sent to the end (the mail sink records it).
    const created = await brokerApi('POST', '/mailings', token, { templateId: 'rollout-with-mobile', filter: {} });
    expect(created.status).toBe(201);
    let progress = await brokerApi('GET', `/mailings/${created.body.id as string}`, token);
    for (let i = 0; i < 200 && progress.body.status !== 'done'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      progress = await brokerApi('GET', `/mailings/${created.body.id as string}`, token);
    }
    expect(progress.body).toMatchObject({ status: 'done', failed: 0 });
    // The broker asks for a customer's new number (code by SMS, confirmation link for the customer).
    expect((await brokerApi('POST', '/customers/200001/mobile', token, { mobile: '+49 151 12121299' })).status).toBe(202);
    // A password code by SMS, and a resend refused by the cool-down.
    const browser = new Browser();
    const forgot = await browser.go(`${idp.url}/password/forgot`);
    const codePage = await browser.submit(forgot, '/password/forgot', { loginId: '200002' });
    await idp.container.passwordSetup.passwords.settled();
    expect(codePage.status).toBe(200);
    await browser.submit(codePage, '/password/code/resend', {});

    const keys = await keysOfThisIdp();
    expect(await offenders(keys)).toEqual({ unlisted: [], forever: [] });
    const seen = new Set(keys.map((key) => keyFamilyOf(key)!.template));
    for (const template of ['mailing:{<id>}[:order|:r|:s|:i|:q|:n|:lease]', 'mailings:broker:<brokerId>', 'mobilechange:<accountId>', 'mobilechange:link:<token>', 'pwflow:<id>', 'pwflow:cool:<flowId>']) {
      expect(seen).toContain(template);
    }
    // A mailing's keys share one hash tag (one Redis Cluster slot).
    const tags = new Set(keys.filter((key) => key.startsWith('mailing:')).map((key) => /\{[^}]+\}/.exec(key)![0]));
    expect(tags.size).toBe(1);
  }, 90_000);

  it('families that share a slot by design carry the same hash tag, and no other family has one', () => {
    for (const family of KEY_FAMILIES) {
      const tags = /\{[^}]*\}/.exec(family.template);
      if (family.slot.startsWith('own')) expect(tags).toBeNull();
      else expect(family.slot).toContain(tags![0]);
    }
  });
});
