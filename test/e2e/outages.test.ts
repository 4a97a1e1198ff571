// Issue 10.6: with Redis down (stopped) or hung (SIGSTOP), every JSON API answers 503 error.unavailable in its
// documented shape (was 500 error.generic), /readyz names the failing dependency without internal text, and
// everything works again by itself once Redis is back.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { startTestIdp, type TestIdp } from '../helpers/test-idp.js';
import { Browser } from '../helpers/browser.js';
import { RelyingParty, passwordLogin } from '../helpers/relying-party.js';
import { enrolDevice } from '../helpers/device.js';
import { smartmscAccessToken, type Device } from '../helpers/login-flow.js';
import { startRedisServer, type RedisServerHandle } from '../helpers/redis-server.js';
import { DeviceClient } from '../../src/ident-client/device-client.js';

jest.setTimeout(90_000);

let redis: RedisServerHandle;
let idp: TestIdp;
let device: Device;
let brokerToken: string;
let approvalId: string;

beforeAll(async () => {
  redis = await startRedisServer();
  idp = await startTestIdp({ redis: redis.url });
  device = await enrolDevice(idp, '200001');
  brokerToken = await smartmscAccessToken(idp, '100001', await enrolDevice(idp, '100001'));
  const rp = await RelyingParty.discover(idp, 'financecloud');
  const waiting = await passwordLogin(new Browser(), rp, await rp.start(), '200001', 'Demo-Passwort-2026');
  expect(waiting.url).toMatch(/\/approval$/);
  approvalId = (await device.client.pending(device.state))[0]!.id;
}, 60_000);
afterAll(async () => {
  redis?.resume();
  await idp?.close();
  await redis?.stop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function api(method: string, path: string, init: { body?: unknown; auth?: string } = {}) {
  const headers: Record<string, string> = { 'accept-language': 'de' };
  if (init.auth) headers.authorization = init.auth;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${idp.url}${path}`, { method, headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : undefined) as Record<string, unknown> | undefined };
}

/** Every JSON API operation a device or a broker back end uses, each with fresh credentials. */
async function everyApi() {
  const deviceAuth = async () => `Device ${await DeviceClient.deviceToken(device.state, 'fi-device+jwt')}`;
  return {
    'GET /ident/api/approvals': await api('GET', '/ident/api/approvals', { auth: await deviceAuth() }),
    'POST /ident/api/approvals/{id}/decision': await api('POST', `/ident/api/approvals/${approvalId}/decision`, {
      body: { token: await DeviceClient.decisionToken(device.state, approvalId, 'deny') },
    }),
    'GET /ident/api/devices': await api('GET', '/ident/api/devices', { auth: await deviceAuth() }),
    'POST /ident/api/enrolments': await api('POST', '/ident/api/enrolments', { body: { loginId: '200001', password: 'Demo-Passwort-2026' } }),
    'GET /api/broker/customers': await api('GET', '/api/broker/customers', { auth: `Bearer ${brokerToken}` }),
    'PUT /api/broker/interval': await api('PUT', '/api/broker/interval', { auth: `Bearer ${brokerToken}`, body: { days: 2 } }),
  };
}

/** The provider's own JSON endpoints a relying party's back end calls. */
async function providerApis() {
  const basic = `Basic ${Buffer.from('financecloud:financecloud-demo-secret-change-me-0001').toString('base64')}`;
  const form = { 'content-type': 'application/x-www-form-urlencoded', authorization: basic };
  const token = await fetch(`${idp.url}/token`, { method: 'POST', headers: form, body: `grant_type=authorization_code&code=${'c'.repeat(43)}&redirect_uri=${encodeURIComponent(`${idp.url}/demo/financecloud/callback`)}&code_verifier=${'v'.repeat(43)}` });
  const userinfo = await fetch(`${idp.url}/me`, { headers: { authorization: `Bearer ${brokerToken}` } });
  return { token, userinfo };
}

function expectAllUnavailable(answers: Record<string, { status: number; headers: Headers; body: Record<string, unknown> | undefined }>): void {
  for (const [operation, answer] of Object.entries(answers)) {
    expect({ operation, status: answer.status, error: answer.body?.error }).toEqual({ operation, status: 503, error: 'error.unavailable' });
    expect(typeof answer.body?.message).toBe('string');
    expect(answer.headers.get('cache-control')).toBe('no-store');
  }
}

async function readyz() {
  const response = await fetch(`${idp.url}/readyz`);
  return { status: response.status, body: (await response.json()) as { status: string; failing?: string[]; checks: Record<string, string> } };
}

async function waitUntilReady(ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while ((await readyz()).status !== 200) {
    if (Date.now() > deadline) throw new Error('/readyz never became ready');
    await sleep(100);
  }
}

describe('outages', () => {
  it('Redis stopped: every JSON API answers 503 error.unavailable, /readyz names redis; after a restart the APIs work again', async () => {
    await redis.down();
    expectAllUnavailable(await everyApi());
    // The provider's token and userinfo endpoints too: 503 (retry), with the provider's JSON error body.
    for (const [name, response] of Object.entries(await providerApis())) {
      expect({ name, status: response.status }).toEqual({ name, status: 503 });
      expect(((await response.json()) as { error: string }).error).toBe('server_error');
    }
    const ready = await readyz();
    expect(ready.status).toBe(503);
    expect(ready.body.failing).toEqual(['redis']);
    expect(ready.body.checks.redis).toMatch(/^(failed|timeout)$/);
    expect(JSON.stringify(ready.body)).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|Connection|Stream/i);

    await redis.up();
    await waitUntilReady();
    const listed = await api('GET', '/ident/api/approvals', { auth: `Device ${await DeviceClient.deviceToken(device.state, 'fi-device+jwt')}` });
    expect(listed.status).toBe(200);
    expect((await api('GET', '/api/broker/customers', { auth: `Bearer ${brokerToken}` })).status).not.toBe(503);
  });

  it('Redis hung (SIGSTOP): the JSON APIs answer 503 within the command timeout, /readyz says redis: timeout', async () => {
    await waitUntilReady();
    redis.pause();
    try {
      const ready = await readyz();
      expect(ready.status).toBe(503);
      expect(ready.body).toMatchObject({ status: 'unavailable', failing: ['redis'], checks: { redis: 'timeout' } });
      const started = Date.now();
      const listed = await api('GET', '/ident/api/approvals', { auth: `Device ${await DeviceClient.deviceToken(device.state, 'fi-device+jwt')}` });
      expect({ status: listed.status, error: listed.body?.error }).toEqual({ status: 503, error: 'error.unavailable' });
      expect(Date.now() - started).toBeLessThan(15_000);
      const decided = await api('POST', `/ident/api/approvals/${approvalId}/decision`, {
        body: { token: await DeviceClient.decisionToken(device.state, approvalId, 'deny') },
      });
      expect({ status: decided.status, error: decided.body?.error }).toEqual({ status: 503, error: 'error.unavailable' });
    } finally {
      redis.resume();
    }
    await waitUntilReady();
  });
});
