// docs/openapi/broker-api.yaml and the broker API agree: the same operations, and real responses fit the document.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Middleware } from 'koa';
import type Provider from 'oidc-provider';
import { brokerRoutes } from '../../src/routes/broker/index.js';
import { mobileRoutes } from '../../src/routes/broker/mobile-routes.js';
import { statementRoutes } from '../../src/routes/broker/statement-routes.js';
import { enrolDevice, lastCode } from '../helpers/device.js';
import { smartmscAccessToken } from '../helpers/login-flow.js';
import { loadOpenApi, openApiChecker, routedOperations } from '../helpers/openapi-check.js';
import { startTestIdp, type TestIdp } from '../helpers/test-idp.js';

const doc = loadOpenApi(new URL('../../docs/openapi/broker-api.yaml', import.meta.url));
const check = openApiChecker(doc);
let idp: TestIdp;
let token: string;

async function call(method: string, path: string, body?: unknown, bearer: string | null = token) {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${idp.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text && res.headers.get('content-type')?.includes('json') ? (JSON.parse(text) as unknown) : undefined };
}

beforeAll(async () => {
  idp = await startTestIdp();
  token = await smartmscAccessToken(idp, '100001', await enrolDevice(idp, '100001'));
}, 60_000);
afterAll(async () => idp.close());

describe('docs/openapi/broker-api.yaml', () => {
  it('is OpenAPI 3.1 and documents exactly the routes of the broker API', () => {
    expect(doc.openapi).toMatch(/^3\.1/);
    const c = idp.container;
    const noop: Middleware = async (_ctx, next) => next();
    const routed = routedOperations(
      brokerRoutes({ intervals: c.intervals, area: c.broker }, noop, []),
      mobileRoutes({ provider: c.provider as Provider, accounts: c.accounts, mobileChange: c.broker.mobileChange }, []),
      statementRoutes({ provider: c.provider, accounts: c.accounts, statements: c.statements }),
    );
    expect(routed.sort()).toEqual(check.documented().sort());
    expect(routed.length).toBe(13);
  });

  it('every operation answers with a documented status and body', async () => {
    const found: string[] = [];
    const run = async (method: string, template: string, path: string, body?: unknown, bearer?: string | null) => {
      const res = await call(method, path, body, bearer === undefined ? token : bearer);
      found.push(...check.problems(method, template, res.status, res.body));
      return res;
    };
    expect((await run('GET', '/api/broker/customers', '/api/broker/customers?mobile=no')).status).toBe(200);
    expect((await run('GET', '/api/broker/customers', '/api/broker/customers?mobile=maybe')).status).toBe(400);
    expect((await run('GET', '/api/broker/customers', '/api/broker/customers', undefined, null)).status).toBe(401);
    expect((await run('GET', '/api/broker/customers/{accessNumber}', '/api/broker/customers/200001')).status).toBe(200);
    expect((await run('GET', '/api/broker/customers/{accessNumber}', '/api/broker/customers/999999')).status).toBe(404);
    expect((await run('PUT', '/api/broker/interval', '/api/broker/interval', { days: 3 })).status).toBe(200);
    expect((await run('PUT', '/api/broker/customers/interval', '/api/broker/customers/interval', { days: 91 })).status).toBe(400);
    expect((await run('PUT', '/api/broker/customers/interval', '/api/broker/customers/interval', { days: 2 })).status).toBe(200);
    expect((await run('PUT', '/api/broker/customers/{accessNumber}/interval', '/api/broker/customers/200001/interval', { days: 5 })).status).toBe(200);
    expect((await run('PUT', '/api/broker/customers/{accessNumber}/method', '/api/broker/customers/200001/method', { method: 'sms' })).status).toBe(200);
    expect((await run('PUT', '/api/broker/customers/{accessNumber}/method', '/api/broker/customers/200001/method', { method: 'fax' })).status).toBe(400);
    expect((await run('DELETE', '/api/broker/customers/{accessNumber}/devices/{deviceId}', '/api/broker/customers/200001/devices/nope')).status).toBe(404);
    const requested = await run('POST', '/api/broker/customers/{accessNumber}/mobile', '/api/broker/customers/200002/mobile', { mobile: '+49 151 55555502' });
    expect(requested.status).toBe(202);
    const code = lastCode(idp, '+4915155555502');
    // The customer's code is the customer's (ACC-3): the broker cannot confirm with it.
    const refused = await run('POST', '/api/broker/customers/{accessNumber}/mobile/confirm', '/api/broker/customers/200002/mobile/confirm', { code });
    expect(refused).toEqual({ status: 403, body: expect.objectContaining({ error: 'mobile.ownerConfirms' }) });
    const customer = (await idp.container.accounts.findByAccessNumber('200002'))!;
    await idp.container.broker.mobileChange.confirmMobileChange(customer.id, code); // as the customer's link page does
    // The broker's own number: confirmed here with its own code.
    expect((await run('POST', '/api/broker/customers/{accessNumber}/mobile', '/api/broker/customers/100001/mobile', { mobile: '+49 151 55555501' })).status).toBe(202);
    const own = lastCode(idp, '+4915155555501');
    expect((await run('POST', '/api/broker/customers/{accessNumber}/mobile/confirm', '/api/broker/customers/100001/mobile/confirm', { code: own === '000000' ? '111111' : '000000' })).status).toBe(400);
    expect((await run('POST', '/api/broker/customers/{accessNumber}/mobile/confirm', '/api/broker/customers/100001/mobile/confirm', { code: own })).status).toBe(200);
    expect((await run('GET', '/api/broker/statement', '/api/broker/statement?quarter=2026-Q4')).status).toBe(200);
    expect((await run('GET', '/api/broker/statement', '/api/broker/statement?quarter=bad')).status).toBe(400);
    expect((await run('GET', '/api/broker/mailing-templates', '/api/broker/mailing-templates')).status).toBe(200);
    // 200002 has just confirmed its number: nobody is left without one.
    expect((await run('POST', '/api/broker/mailings', '/api/broker/mailings', { templateId: 'rollout-without-mobile', filter: { mobile: 'no' } })).status).toBe(400);
    const created = await run('POST', '/api/broker/mailings', '/api/broker/mailings', { templateId: 'rollout-with-mobile', filter: { mobile: 'yes' } });
    expect(created.status).toBe(201);
    expect((await run('POST', '/api/broker/mailings', '/api/broker/mailings', { templateId: 'x', filter: {} })).status).toBe(404);
    expect((await run('GET', '/api/broker/mailings/{id}', `/api/broker/mailings/${(created.body as { id: string }).id}`)).status).toBe(200);
    expect((await run('GET', '/api/broker/mailings/{id}', '/api/broker/mailings/ml_nothere')).status).toBe(404);
    expect(found).toEqual([]);
  });

  it('the failures any client can cause answer a documented status with {error, message} and no-store, on every operation', async () => {
    const found: string[] = [];
    for (const operation of check.documented()) {
      const [method, template] = operation.split(' ') as [string, string];
      const path = template.replace(/\{\w+\}/g, '200001');
      const hasBody = ['POST', 'PUT'].includes(method);
      const attempts: { headers: Record<string, string>; body?: string; status: number }[] = [
        { headers: {}, status: 401 }, // no token
        { headers: { authorization: 'Bearer not-a-token' }, status: 401 },
        ...(hasBody ? [{ headers: { authorization: `Bearer ${token}`, 'content-type': 'text/plain' }, body: 'days=3', status: 415 }] : []),
      ];
      for (const attempt of attempts) {
        const res = await fetch(`${idp.url}${path}`, { method, headers: { accept: 'application/json', ...attempt.headers }, ...(attempt.body ? { body: attempt.body } : {}) });
        const body = (await res.json()) as { error?: unknown; message?: unknown };
        if (res.status !== attempt.status) found.push(`${operation}: ${res.status} instead of ${attempt.status}`);
        if (res.headers.get('cache-control') !== 'no-store') found.push(`${operation} ${res.status}: cache-control ${res.headers.get('cache-control')}`);
        if (typeof body.error !== 'string' || typeof body.message !== 'string') found.push(`${operation} ${res.status}: not {error, message}`);
        found.push(...check.problems(method, template, res.status, body));
      }
    }
    expect(found).toEqual([]);
  });
});
