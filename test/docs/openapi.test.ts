// The OpenAPI document of the device API and the routes agree: same operations, and real responses fit the documented ones.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { identRoutes } from '../../src/routes/ident/index.js';
import { DeviceClient, type DeviceKeyState } from '../../src/ident-client/device-client.js';
import { enrolDevice, lastCode } from '../helpers/device.js';
import { startTestIdp, type TestIdp } from '../helpers/test-idp.js';

type Schema = { $ref?: string; type?: string | string[]; required?: string[]; properties?: Record<string, Schema>; oneOf?: Schema[] };
interface Operation {
  responses: Record<string, { $ref?: string; content?: Record<string, { schema: Schema }> }>;
}
interface OpenApiDoc {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema>; responses: Record<string, { content?: Record<string, { schema: Schema }> }> };
}

const requireCjs = createRequire(import.meta.url);
const yaml = requireCjs('js-yaml') as { load(text: string): unknown };
const doc = yaml.load(readFileSync(new URL('../../docs/openapi/ident-api.yaml', import.meta.url), 'utf8')) as OpenApiDoc;

function deref<T extends { $ref?: string }>(node: T): T {
  if (!node.$ref) return node;
  const parts = node.$ref.replace(/^#\//, '').split('/');
  let target: unknown = doc;
  for (const part of parts) target = (target as Record<string, unknown>)[part];
  return deref(target as T);
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function fits(value: unknown, raw: Schema): boolean {
  const schema = deref(raw);
  if (schema.oneOf) return schema.oneOf.some((s) => fits(value, s));
  if (!schema.type) return true;
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  const actual = typeOf(value);
  return types.includes(actual) || (actual === 'integer' && types.includes('number'));
}

/** Problems of a response against the document: undocumented status, missing required or mistyped top-level properties. */
function problems(method: string, path: string, status: number, body: unknown): string[] {
  const operation = doc.paths[path]?.[method.toLowerCase()];
  if (!operation) return [`${method} ${path} is not documented`];
  const documented = operation.responses[String(status)];
  if (!documented) return [`${method} ${path}: status ${status} is not documented`];
  const response = deref(documented);
  const schemaRef = response.content?.['application/json']?.schema;
  if (!schemaRef) return body === undefined || body === '' ? [] : [`${method} ${path} ${status}: undocumented body`];
  const schema = deref(schemaRef);
  if (typeOf(body) !== 'object') return [`${method} ${path} ${status}: body is not an object`];
  const record = body as Record<string, unknown>;
  const out: string[] = [];
  for (const name of schema.required ?? []) if (!(name in record)) out.push(`${method} ${path} ${status}: missing ${name}`);
  for (const [name, prop] of Object.entries(schema.properties ?? {})) {
    if (name in record && !fits(record[name], prop)) out.push(`${method} ${path} ${status}: ${name} has type ${typeOf(record[name])}`);
  }
  return out;
}

async function call(idp: TestIdp, method: string, path: string, opts: { body?: unknown; token?: string } = {}) {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (opts.token) headers.authorization = `Device ${opts.token}`;
  const res = await fetch(`${idp.url}${path}`, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}

describe('docs/openapi/ident-api.yaml', () => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await startTestIdp({ redis: false });
  });
  afterAll(async () => {
    await idp.close();
  });

  it('is OpenAPI 3.1', () => {
    expect(doc.openapi).toMatch(/^3\.1/);
  });

  it('documents exactly the routes of the device API', () => {
    const c = idp.container;
    const router = identRoutes({ enrolment: c.enrolment, approvals: c.approvals, deviceAuth: c.deviceAuth, devices: c.deviceService, accounts: c.accounts, codeDigits: 6, answers: c.deviceAnswers }, []);
    const routed = new Set<string>();
    for (const layer of router.stack) {
      for (const method of layer.methods) {
        if (method === 'HEAD') continue;
        routed.add(`${method} ${String(layer.path).replace(/:(\w+)/g, '{$1}')}`);
      }
    }
    const documented = new Set<string>();
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const method of Object.keys(item)) {
        if (['get', 'post', 'put', 'patch', 'delete'].includes(method)) documented.add(`${method.toUpperCase()} ${path}`);
      }
    }
    expect([...routed].sort()).toEqual([...documented].sort());
    expect(routed.size).toBe(10);
  });

  it('every operation answers with a documented status and body', async () => {
    const found: string[] = [];
    const check = (method: string, path: string, res: { status: number; body: unknown }) => found.push(...problems(method, path, res.status, res.body));

    // Enrolment, step by step through the raw API.
    const started = await call(idp, 'POST', '/ident/api/enrolments', { body: { loginId: '200001', password: 'Demo-Passwort-2026' } });
    expect(started.status).toBe(201);
    check('POST', '/ident/api/enrolments', started);
    const account = (await idp.container.accounts.findByAccessNumber('200001'))!;
    const { publicJwk } = await DeviceClient.generateKey();
    const enrolmentId = (started.body as { enrolmentId: string }).enrolmentId;
    const completeBody = (code: string) => ({ code, publicKeyJwk: { kty: 'EC', crv: 'P-256', x: publicJwk.x, y: publicJwk.y }, name: 'Doc phone', platform: 'ios', osVersion: '17.2' });
    const sentCode = lastCode(idp, account.mobile!);
    const wrong = await call(idp, 'POST', `/ident/api/enrolments/${enrolmentId}/complete`, { body: completeBody(sentCode === '000000' ? '111111' : '000000') });
    expect(wrong.status).toBe(400);
    check('POST', '/ident/api/enrolments/{id}/complete', wrong);
    const completed = await call(idp, 'POST', `/ident/api/enrolments/${enrolmentId}/complete`, { body: completeBody(sentCode) });
    expect(completed.status).toBe(201);
    check('POST', '/ident/api/enrolments/{id}/complete', completed);
    const badLogin = await call(idp, 'POST', '/ident/api/enrolments', { body: { loginId: '200001', password: 'wrong' } });
    check('POST', '/ident/api/enrolments', badLogin);

    // A device enrolled through the helper answers the rest.
    const { state } = await enrolDevice(idp, '200001');
    const token = (s: DeviceKeyState = state) => DeviceClient.deviceToken(s, 'fi-device+jwt');

    const unauthenticated = await call(idp, 'GET', '/ident/api/approvals');
    expect(unauthenticated.status).toBe(401);
    check('GET', '/ident/api/approvals', unauthenticated);

    const approval = await idp.container.approvals.create({ accountId: account.id, interactionUid: 'doc-test', clientId: 'financecloud', clientName: 'FinanceCloud', ip: '192.0.2.1', browser: 'Firefox on Linux' });
    const listed = await call(idp, 'GET', '/ident/api/approvals', { token: await token() });
    expect(listed.status).toBe(200);
    expect((listed.body as { approvals: unknown[] }).approvals.length).toBeGreaterThan(0);
    check('GET', '/ident/api/approvals', listed);
    const first = (listed.body as { approvals: Record<string, unknown>[] }).approvals[0]!;
    const approvalSchema = deref(doc.components.schemas.Approval!);
    for (const name of approvalSchema.required ?? []) if (!(name in first)) found.push(`approval item: missing ${name}`);

    const decision = await call(idp, 'POST', `/ident/api/approvals/${approval.id}/decision`, {
      body: { token: await DeviceClient.decisionToken(state, approval.id, 'approve', { number: approval.number }) },
    });
    expect(decision.status).toBe(200);
    check('POST', '/ident/api/approvals/{id}/decision', decision);
    const again = await call(idp, 'POST', `/ident/api/approvals/${approval.id}/decision`, {
      body: { token: await DeviceClient.decisionToken(state, approval.id, 'deny') },
    });
    expect(again.status).toBe(409);
    check('POST', '/ident/api/approvals/{id}/decision', again);

    // The web app's WebAuthn operations: registration options of a pending enrolment; this iOS device has no credential.
    const gone = await call(idp, 'POST', `/ident/api/enrolments/${enrolmentId}/webauthn-options`);
    expect(gone.status).toBe(410);
    check('POST', '/ident/api/enrolments/{id}/webauthn-options', gone);
    const webStart = await call(idp, 'POST', '/ident/api/enrolments', { body: { loginId: '200001', password: 'Demo-Passwort-2026' } });
    const webOptions = await call(idp, 'POST', `/ident/api/enrolments/${(webStart.body as { enrolmentId: string }).enrolmentId}/webauthn-options`);
    expect(webOptions.status).toBe(200);
    check('POST', '/ident/api/enrolments/{id}/webauthn-options', webOptions);
    const pendingApproval = await idp.container.approvals.create({ accountId: account.id, interactionUid: 'doc-test-2', clientId: 'financecloud', clientName: 'FinanceCloud', ip: '192.0.2.1', browser: 'Firefox on Linux' });
    const noCredential = await call(idp, 'GET', `/ident/api/approvals/${pendingApproval.id}/webauthn-options?decision=deny`, { token: await token() });
    expect(noCredential.status).toBe(409);
    check('GET', '/ident/api/approvals/{id}/webauthn-options', noCredential);
    const badDecision = await call(idp, 'POST', `/ident/api/approvals/${pendingApproval.id}/webauthn-decision`, { token: await token(), body: { decision: 'approve' } });
    expect(badDecision.status).toBe(400);
    check('POST', '/ident/api/approvals/{id}/webauthn-decision', badDecision);

    const devices = await call(idp, 'GET', '/ident/api/devices', { token: await token() });
    expect(devices.status).toBe(200);
    check('GET', '/ident/api/devices', devices);
    const other = (devices.body as { devices: { id: string; current: boolean }[] }).devices.find((d) => !d.current)!;

    const removed = await call(idp, 'DELETE', `/ident/api/devices/${other.id}`, { token: await token() });
    expect(removed.status).toBe(204);
    check('DELETE', '/ident/api/devices/{id}', removed);
    const missing = await call(idp, 'DELETE', `/ident/api/devices/${other.id}`, { token: await token() });
    expect(missing.status).toBe(404);
    check('DELETE', '/ident/api/devices/{id}', missing);

    expect(found).toEqual([]);
  });
});
