// Issue 10.9: the JSON APIs (/ident/api, /api/broker) answer {error, message} JSON with no-store, always:
// unknown paths, wrong methods, bodies of the wrong type, size or syntax.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestIdp, type TestIdp } from '../helpers/test-idp.js';
import { enrolDevice } from '../helpers/device.js';
import { smartmscAccessToken } from '../helpers/login-flow.js';

let idp: TestIdp;
let brokerToken: string;
beforeAll(async () => {
  idp = await startTestIdp({ redis: false });
  const device = await enrolDevice(idp, '100001');
  brokerToken = await smartmscAccessToken(idp, '100001', device);
});
afterAll(async () => idp.close());

interface Answer {
  status: number;
  headers: Headers;
  body: { error?: unknown; message?: unknown };
}

async function send(method: string, path: string, init: { body?: string; type?: string; auth?: string } = {}): Promise<Answer> {
  const headers: Record<string, string> = { 'accept-language': 'de' };
  if (init.type) headers['content-type'] = init.type;
  if (init.auth) headers.authorization = init.auth;
  const response = await fetch(`${idp.url}${path}`, { method, headers, body: init.body });
  const text = await response.text();
  let body: Answer['body'];
  try {
    body = JSON.parse(text) as Answer['body'];
  } catch {
    throw new Error(`${method} ${path} → ${response.status} ${response.headers.get('content-type')}: not JSON: ${text.slice(0, 200)}`);
  }
  return { status: response.status, headers: response.headers, body };
}

function expectJsonError(answer: Answer, status: number, code: string): void {
  expect({ status: answer.status, error: answer.body.error }).toEqual({ status, error: code });
  expect(typeof answer.body.message).toBe('string');
  expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
  expect(answer.headers.get('cache-control')).toBe('no-store');
}

describe('JSON APIs speak JSON', () => {
  it('unknown paths under both APIs answer 404 api.notFound as JSON with no-store (was 404 text/plain "Not Found")', async () => {
    for (const path of ['/ident/api/nope', '/ident/api', '/ident/api/approvals/x/y/z', '/api/broker/nope', '/api/broker']) {
      expectJsonError(await send('GET', path), 404, 'api.notFound');
    }
    expectJsonError(await send('GET', '/api/broker/nope', { auth: `Bearer ${brokerToken}` }), 404, 'api.notFound');
  });

  it('a known path with the wrong method answers 405 api.methodNotAllowed with Allow', async () => {
    const enrol = await send('GET', '/ident/api/enrolments');
    expectJsonError(enrol, 405, 'api.methodNotAllowed');
    expect(enrol.headers.get('allow')).toContain('POST');
    const devices = await send('PUT', '/ident/api/devices');
    expectJsonError(devices, 405, 'api.methodNotAllowed');
    expect(devices.headers.get('allow')).toContain('GET');
    const customers = await send('DELETE', '/api/broker/customers', { auth: `Bearer ${brokerToken}` });
    expectJsonError(customers, 405, 'api.methodNotAllowed');
    expect(customers.headers.get('allow')).toContain('GET');
    expectJsonError(await send('POST', '/api/broker/statement', { auth: `Bearer ${brokerToken}` }), 405, 'api.methodNotAllowed');
  });

  it('a body that is not JSON answers 415, malformed JSON 400, too large 413 — all JSON with no-store', async () => {
    const form = 'loginId=200001&password=Demo-Passwort-2026';
    expectJsonError(await send('POST', '/ident/api/enrolments', { body: form, type: 'application/x-www-form-urlencoded' }), 415, 'api.unsupportedMediaType');
    expectJsonError(await send('POST', '/ident/api/enrolments', { body: 'hello', type: 'text/plain' }), 415, 'api.unsupportedMediaType');
    expectJsonError(await send('POST', '/ident/api/enrolments', { body: '{"loginId":' , type: 'application/json' }), 400, 'error.badRequest');
    const big = JSON.stringify({ loginId: '200001', password: 'x'.repeat(20_000) });
    expectJsonError(await send('POST', '/ident/api/enrolments', { body: big, type: 'application/json' }), 413, 'error.tooLarge');
    // The broker API the same, after its bearer check.
    const auth = `Bearer ${brokerToken}`;
    expectJsonError(await send('PUT', '/api/broker/interval', { body: 'days=3', type: 'application/x-www-form-urlencoded', auth }), 415, 'api.unsupportedMediaType');
    expectJsonError(await send('PUT', '/api/broker/interval', { body: '{days', type: 'application/json', auth }), 400, 'error.badRequest');
    expectJsonError(await send('PUT', '/api/broker/interval', { body: JSON.stringify({ days: 3, pad: 'x'.repeat(20_000) }), type: 'application/json', auth }), 413, 'error.tooLarge');
    const ok = await send('PUT', '/api/broker/interval', { body: JSON.stringify({ days: 3 }), type: 'application/json; charset=utf-8', auth });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('cache-control')).toBe('no-store');
  });

  it('successful answers carry no-store too, and pages outside the APIs are unchanged', async () => {
    const broker = await send('GET', '/api/broker/customers', { auth: `Bearer ${brokerToken}` });
    expect(broker.status).toBe(200);
    expect(broker.headers.get('cache-control')).toBe('no-store');
    const page = await fetch(`${idp.url}/nope`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(404);
  });
});
