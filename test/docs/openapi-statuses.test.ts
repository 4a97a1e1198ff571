// Issue 10.9: every status each device-API route can answer is in docs/openapi/ident-api.yaml, with an error code
// the document lists: every operation is driven through the real routes with the failures any client can cause
// (wrong body type, malformed or oversized JSON, no or bad credentials, unknown ids) and with Redis stopped.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { identRoutes } from '../../src/routes/ident/index.js';
import { DeviceClient } from '../../src/ident-client/device-client.js';
import { enrolDevice } from '../helpers/device.js';
import type { Device } from '../helpers/login-flow.js';
import { startTestIdp, type TestIdp } from '../helpers/test-idp.js';
import { startRedisServer, type RedisServerHandle } from '../helpers/redis-server.js';

jest.setTimeout(90_000);

interface OpenApiDoc {
  paths: Record<string, Record<string, { responses: Record<string, unknown>; security?: unknown[] }>>;
  components: { schemas: { Error: { properties: { error: { enum: string[] } } } } };
}
const requireCjs = createRequire(import.meta.url);
const yaml = requireCjs('js-yaml') as { load(text: string): unknown };
const doc = yaml.load(readFileSync(new URL('../../docs/openapi/ident-api.yaml', import.meta.url), 'utf8')) as OpenApiDoc;
const documentedCodes = new Set(doc.components.schemas.Error.properties.error.enum);

let redis: RedisServerHandle;
let idp: TestIdp;
let device: Device;
beforeAll(async () => {
  redis = await startRedisServer();
  idp = await startTestIdp({ redis: redis.url });
  device = await enrolDevice(idp, '200001');
}, 60_000);
afterAll(async () => {
  await idp?.close();
  await redis?.stop();
});

interface Operation {
  method: string;
  /** OpenAPI form: /ident/api/approvals/{id}/decision */
  path: string;
}

function operations(): Operation[] {
  const c = idp.container;
  const router = identRoutes({ enrolment: c.enrolment, approvals: c.approvals, deviceAuth: c.deviceAuth, devices: c.deviceService, accounts: c.accounts, codeDigits: 6, answers: c.deviceAnswers }, []);
  const out: Operation[] = [];
  for (const layer of router.stack) {
    for (const method of layer.methods) if (method !== 'HEAD') out.push({ method, path: String(layer.path).replace(/:(\w+)/g, '{$1}') });
  }
  return out;
}

type Seen = { operation: string; status: number; error: string | null; problem?: string };

async function send(op: Operation, init: { body?: string; type?: string; auth?: boolean } = {}): Promise<Seen> {
  const headers: Record<string, string> = { 'accept-language': 'en' };
  if (init.type) headers['content-type'] = init.type;
  if (init.auth) headers.authorization = `Device ${await DeviceClient.deviceToken(device.state, 'fi-device+jwt')}`;
  const url = `${idp.url}${op.path.replace(/\{\w+\}/g, 'unknown-id')}${op.path.endsWith('webauthn-options') && op.method === 'GET' ? '?decision=deny' : ''}`;
  const response = await fetch(url, { method: op.method, headers, body: init.body });
  const operation = `${op.method} ${op.path}`;
  const text = await response.text();
  const seen: Seen = { operation, status: response.status, error: null };
  if (response.headers.get('cache-control') !== 'no-store') seen.problem = 'no Cache-Control: no-store';
  if (!text) return seen;
  try {
    const body = JSON.parse(text) as { error?: unknown; message?: unknown };
    if (typeof body.error === 'string') seen.error = body.error;
    if (response.status >= 400 && (typeof body.error !== 'string' || typeof body.message !== 'string')) seen.problem = 'error without {error, message}';
  } catch {
    seen.problem = `not JSON: ${text.slice(0, 80)}`;
  }
  return seen;
}

/** The failures any client can cause on one operation. */
async function clientFailures(op: Operation): Promise<Seen[]> {
  const out = [await send(op), await send(op, { auth: true })];
  if (op.method === 'POST' || op.method === 'PUT') {
    out.push(await send(op, { body: 'loginId=1&password=2', type: 'application/x-www-form-urlencoded', auth: true }));
    out.push(await send(op, { body: '{"token":', type: 'application/json', auth: true }));
    out.push(await send(op, { body: JSON.stringify({ token: 'x'.repeat(40_000) }), type: 'application/json', auth: true }));
    out.push(await send(op, { body: JSON.stringify({ unexpected: true }), type: 'application/json', auth: true }));
  }
  return out;
}

function undocumented(seen: Seen[]): string[] {
  const out: string[] = [];
  for (const s of seen) {
    const [method, path] = s.operation.split(' ') as [string, string];
    const responses = doc.paths[path]?.[method.toLowerCase()]?.responses ?? {};
    if (!(String(s.status) in responses)) out.push(`${s.operation}: status ${s.status} (${s.error}) not documented`);
    if (s.error && !documentedCodes.has(s.error)) out.push(`${s.operation}: error code ${s.error} not in the Error enum`);
    if (s.problem) out.push(`${s.operation} ${s.status}: ${s.problem}`);
  }
  return out;
}

describe('every status of the device API is documented', () => {
  it('covers all ten operations', () => {
    expect(operations()).toHaveLength(10);
  });

  it('client failures (wrong type, malformed, too large, invalid body, no or foreign credentials, unknown ids)', async () => {
    const seen: Seen[] = [];
    for (const op of operations()) seen.push(...(await clientFailures(op)));
    const statuses = new Set(seen.map((s) => s.status));
    for (const status of [400, 401, 404, 410, 413, 415]) expect(statuses).toContain(status);
    expect(undocumented(seen)).toEqual([]);
  });

  it('Redis stopped: every operation answers a documented status (503 error.unavailable where it needs Redis)', async () => {
    await redis.down();
    const seen: Seen[] = [];
    try {
      for (const op of operations()) {
        seen.push(await send(op, { auth: true, ...(op.method === 'POST' || op.method === 'PUT' ? { body: JSON.stringify({ token: 'a'.repeat(30), loginId: '200001', password: 'Demo-Passwort-2026' }), type: 'application/json' } : {}) }));
      }
    } finally {
      await redis.up();
    }
    expect(seen.filter((s) => s.status === 503).length).toBeGreaterThanOrEqual(5);
    expect(undocumented(seen)).toEqual([]);
  });
});
