// The broker JSON API (RD-3, BRK-1 subset) with a smartMSC access token issued by this IdP.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestIdp, type TestIdp } from '../helpers/test-idp.js';
import { enrolDevice } from '../helpers/device.js';
import { accessTokenOf, smartmscAccessToken, type Device } from '../helpers/login-flow.js';
import type { Account } from '../../src/domain/account.js';

let idp: TestIdp;
let brokerToken: string;
let employeeToken: string;
let customerToken: string;

const accessToken = (loginId: string, device: Device) => smartmscAccessToken(idp, loginId, device);

async function api(method: string, path: string, opts: { token?: string | null; body?: unknown } = {}) {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.token !== null) headers.authorization = `Bearer ${opts.token ?? brokerToken}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${idp.url}/api/broker${path}`, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : null) as Record<string, unknown> };
}

const interval = async (accessNumber: string) => (await idp.container.accounts.findByAccessNumber(accessNumber))!.twoFactorIntervalDays;

beforeAll(async () => {
  idp = await startTestIdp();
  const now = Date.now();
  const other = (id: string, accessNumber: string, role: Account['role'], brokerId: string | null): Account => ({
    id, accessNumber, email: null, mobile: '+4915199999990', name: id, role, brokerId, passwordHash: null,
    twoFactorMethod: 'app', twoFactorIntervalDays: 3, createdAt: now, updatedAt: now,
  });
  await idp.container.accounts.insertMany([other('acc_b2', '300001', 'broker', null), other('acc_b2_customer', '300002', 'customer', 'acc_b2')]);
  brokerToken = await accessToken('100001', await enrolDevice(idp, '100001'));
  employeeToken = await accessToken('100002', await enrolDevice(idp, '100002'));
  // A customer may not use smartMSC (OIDC-5): its FinanceCloud token is what it could present.
  customerToken = await accessTokenOf(idp, 'financecloud', '200001', await enrolDevice(idp, '200001'));
});
afterAll(async () => idp.close());

describe('broker API', () => {
  it('lists the broker\'s customers (also of its sub-broker) with filters', async () => {
    const all = await api('GET', '/customers');
    expect(all.status).toBe(200);
    const rows = all.body.customers as Record<string, unknown>[];
    expect(rows.map((r) => r.accessNumber)).toEqual(['200001', '200002', '200003', '200004', '200005', '200006']);
    expect(rows[0]).toEqual({ accessNumber: '200001', name: 'Erika Mustermann', mobile: 'yes', enrolled: 'yes', method: 'app', interval: 7 });

    const pick = async (query: string) => ((await api('GET', `/customers?${query}`)).body.customers as { accessNumber: string }[]).map((r) => r.accessNumber);
    expect(await pick('mobile=no')).toEqual(['200002']);
    expect(await pick('enrolled=yes')).toEqual(['200001']);
    expect(await pick('method=sms')).toEqual(['200005']);
    expect(await pick('mobile=yes&enrolled=no&method=app')).toEqual(['200003', '200004', '200006']);
    expect((await api('GET', '/customers?mobile=maybe')).status).toBe(400);
    // An employee sees the same customers.
    expect((await api('GET', '/customers', { token: employeeToken })).body.customers).toEqual(rows);
  });

  it('sets the own interval, one customer\'s and all customers\' at once', async () => {
    expect(await api('PUT', '/interval', { body: { days: 5 } })).toEqual({ status: 200, body: { accessNumber: '100001', interval: 5 } });
    expect(await interval('100001')).toBe(5);

    expect(await api('PUT', '/customers/200006/interval', { body: { days: 12 } })).toEqual({ status: 200, body: { accessNumber: '200006', interval: 12 } });
    expect(await interval('200006')).toBe(12);

    const all = await api('PUT', '/customers/interval', { body: { days: 30 }, token: employeeToken });
    expect(all).toEqual({ status: 200, body: { changed: 6, interval: 30 } });
    for (const n of ['200001', '200002', '200003', '200004', '200005', '200006']) expect(await interval(n)).toBe(30);
    expect(await interval('100001')).toBe(5);
    expect(await interval('100002')).toBe(0);
    expect(await interval('300002')).toBe(3);

    const audit = await idp.container.audit.list({ type: 'interval.changed', limit: 100 });
    expect(audit.filter((e) => e.details.scope === 'allCustomers')).toHaveLength(6);
  });

  it('refuses bad days with 400', async () => {
    for (const days of [91, -1, 'x', 2.5, null]) {
      for (const path of ['/interval', '/customers/200001/interval', '/customers/interval']) {
        const res = await api('PUT', path, { body: { days } });
        expect(res.status).toBe(400);
        expect(['interval.invalid', 'api.invalidBody']).toContain(res.body.error);
      }
    }
    expect((await api('PUT', '/interval', { body: {} })).status).toBe(400);
    expect(await interval('200001')).toBe(30);
  });

  it('another broker\'s customer and an unknown one are the same 404', async () => {
    const foreign = await api('PUT', '/customers/300002/interval', { body: { days: 1 } });
    const unknown = await api('PUT', '/customers/999999/interval', { body: { days: 1 } });
    expect(foreign).toEqual(unknown);
    expect(foreign.status).toBe(404);
    expect(foreign.body.error).toBe('account.notFound');
    expect(await interval('300002')).toBe(3);
    expect((await api('DELETE', '/customers/300002/devices/whatever')).status).toBe(404);
  });

  it('a customer\'s token is 403, no token or a bad one is 401', async () => {
    const asCustomer = await api('GET', '/customers', { token: customerToken });
    expect(asCustomer.status).toBe(403);
    // A customer's token (FinanceCloud; smartMSC refuses customers, OIDC-5) never carries broker_api.
    expect(asCustomer.body.error).toBe('api.insufficientScope');
    expect((await api('PUT', '/interval', { token: customerToken, body: { days: 1 } })).status).toBe(403);
    const none = await api('GET', '/customers', { token: null });
    expect(none.status).toBe(401);
    expect(none.body.error).toBe('api.unauthorized');
    expect((await api('GET', '/customers', { token: 'x'.repeat(43) })).status).toBe(401);
  });

  it('removes a device of an own customer: the device is refused at once', async () => {
    const device = await enrolDevice(idp, '200003');
    const res = await api('DELETE', `/customers/200003/devices/${device.state.deviceId}`);
    expect(res.status).toBe(204);
    await expect(device.client.pending(device.state)).rejects.toMatchObject({ status: 401, code: 'device.unknown' });
    expect((await api('DELETE', `/customers/200003/devices/${device.state.deviceId}`)).status).toBe(404);
    const audit = await idp.container.audit.list({ type: 'device.removed', limit: 5 });
    expect(audit[0]).toMatchObject({ deviceId: device.state.deviceId, details: { by: 'acc_broker' } });
  });
});
