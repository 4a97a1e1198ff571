// The broker API's contracts (issue 11): the scope broker_api only for clients configured for it (smartMSC), role and
// employee-right checks, rollout mailings over the API (201 {id, recipients}, progress {status,total,sent,failed}),
// and a 10,000-customer list answered with ONE store query per page (counted).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestIdp, type TestIdp } from '../helpers/test-idp.js';
import { enrolDevice } from '../helpers/device.js';
import { loginWithApproval, smartmscAccessToken } from '../helpers/login-flow.js';
import { Browser } from '../helpers/browser.js';
import { passwordLogin, RelyingParty } from '../helpers/relying-party.js';
import type { Account } from '../../src/domain/account.js';

let idp: TestIdp;
let brokerToken: string;
let employeeToken: string;
let bigBrokerToken: string;

async function api(method: string, path: string, token: string | null, body?: unknown) {
  const headers: Record<string, string> = { accept: 'application/json', 'accept-language': 'de' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${idp.url}/api/broker${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as Record<string, unknown>, headers: res.headers };
}

const N = 10_000;

beforeAll(async () => {
  idp = await startTestIdp();
  const now = Date.now();
  const demoBroker = (await idp.container.accounts.findByAccessNumber('100001'))!;
  const acc = (id: string, accessNumber: string, role: Account['role'], brokerId: string | null, extra: Partial<Account> = {}): Account => ({
    id, accessNumber, email: `${id}@example.de`, mobile: '+4915199999990', name: `Name ${id}`, role, brokerId, passwordHash: null,
    twoFactorMethod: 'app', twoFactorIntervalDays: 0, createdAt: now, updatedAt: now, ...extra,
  });
  const customers = Array.from({ length: N }, (_, i) => acc(`big_c${i}`, `7${String(i).padStart(6, '0')}`, 'customer', 'big_broker', { mobile: i % 4 === 0 ? null : '+4915199999990' }));
  await idp.container.accounts.insertMany([acc('big_broker', '600001', 'broker', null, { passwordHash: demoBroker.passwordHash, mobile: '+4915199999991' }), ...customers]);
  brokerToken = await smartmscAccessToken(idp, '100001', await enrolDevice(idp, '100001'));
  employeeToken = await smartmscAccessToken(idp, '100002', await enrolDevice(idp, '100002'));
  bigBrokerToken = await smartmscAccessToken(idp, '600001', await enrolDevice(idp, '600001'));
}, 60_000);
afterAll(async () => idp.close());

describe('broker API: scope broker_api and roles', () => {
  it('FinanceCloud may not even request the scope broker_api (invalid_scope)', async () => {
    const rp = await RelyingParty.discover(idp, 'financecloud');
    const started = await rp.start({ scope: 'openid broker_api' });
    const res = await fetch(started.url, { redirect: 'manual' });
    const location = new URL(res.headers.get('location')!);
    expect(location.href.startsWith(rp.redirectUri)).toBe(true);
    expect(location.searchParams.get('error')).toBe('invalid_scope');
  });

  it('a smartMSC token without the scope and a FinanceCloud token are 403 (FinanceCloud admits customers only, OIDC-5)', async () => {
    const tokens: string[] = [];
    const broker = await RelyingParty.discover(idp, 'smartmsc');
    const brokerStarted = await broker.start({ scope: 'openid profile' });
    tokens.push((await broker.finish((await loginWithApproval(new Browser(), broker, brokerStarted, await enrolDevice(idp, '100001'), '100001')).url, brokerStarted)).access_token);
    const cloud = await RelyingParty.discover(idp, 'financecloud');
    const cloudStarted = await cloud.start({ scope: 'openid profile' });
    tokens.push((await cloud.finish((await loginWithApproval(new Browser(), cloud, cloudStarted, await enrolDevice(idp, '200001'), '200001')).url, cloudStarted)).access_token);
    for (const token of tokens) {
      const res = await api('GET', '/customers', token);
      expect(res.status).toBe(403);
      expect(res.body.error).toBe('api.insufficientScope');
      expect((await api('GET', '/mailing-templates', token)).status).toBe(403);
    }
  });

  it('a customer gets no smartMSC token at all (refused at sign-in, OIDC-5); no token is 401', async () => {
    const rp = await RelyingParty.discover(idp, 'smartmsc');
    const started = await rp.start({ scope: 'openid broker_api' });
    const refused = await passwordLogin(new Browser(), rp, started, '200001', 'Demo-Passwort-2026');
    expect(refused.status).toBe(403);
    expect(refused.url).not.toContain(rp.redirectUri);
    expect((await api('GET', '/mailing-templates', null)).status).toBe(401);
  });

  it('an employee without the mailing right gets 403 broker.forbidden for mailings, but sees customers', async () => {
    const templates = await api('GET', '/mailing-templates', employeeToken);
    expect(templates.status).toBe(403);
    expect(templates.body.error).toBe('broker.forbidden');
    expect(typeof templates.body.message).toBe('string');
    expect((await api('POST', '/mailings', employeeToken, { templateId: 'rollout-with-mobile', filter: {} })).status).toBe(403);
    expect((await api('GET', '/customers?mobile=no', employeeToken)).status).toBe(200);
  });
});

describe('broker API: employee rights', () => {
  it('an employee whose broker took rights away is refused for exactly those (403 broker.forbidden), at once', async () => {
    const rights = idp.container.broker.stores.rights;
    const before = (await rights.get('acc_employee'))!;
    await rights.set({ ...before, rights: ['customers'] });
    try {
      expect((await api('POST', '/customers/200001/mobile', employeeToken, { mobile: '+49 151 12121212' })).body.error).toBe('broker.forbidden');
      expect((await api('PUT', '/customers/200001/interval', employeeToken, { days: 3 })).body.error).toBe('broker.forbidden');
      expect((await api('PUT', '/customers/interval', employeeToken, { days: 3 })).body.error).toBe('broker.forbidden');
      expect((await api('DELETE', '/customers/200001/devices/x', employeeToken)).body.error).toBe('broker.forbidden');
      expect((await api('GET', '/statement?quarter=2026-Q4', employeeToken)).body.error).toBe('broker.forbidden');
      expect((await api('GET', '/customers', employeeToken)).status).toBe(200);
      await rights.set({ ...before, rights: [] });
      expect((await api('GET', '/customers', employeeToken)).body.error).toBe('broker.forbidden');
    } finally {
      await rights.set(before);
    }
    expect((await api('GET', '/statement?quarter=2026-Q4', employeeToken)).status).toBe(200);
  });
});

describe('broker API: mailings', () => {
  it('lists the two built-in templates named as in the rollout guide', async () => {
    const res = await api('GET', '/mailing-templates', brokerToken);
    expect(res.status).toBe(200);
    const templates = res.body.templates as { id: string; name: string; edited: boolean }[];
    expect(templates.map((t) => t.id)).toEqual(['rollout-with-mobile', 'rollout-without-mobile']);
    expect(templates[0]!.name).toBe('Wichtig! Die 2-Faktor-Authentifizierung kommt! (für Endkunden MIT hinterlegter Handynummer)');
    expect(templates[1]!.name).toMatch(/OHNE hinterlegte Handynummer/);
  });

  it('creates a mailing (201 {id, recipients}) and sends each reachable customer exactly one personalised message', async () => {
    const sink = idp.container.broker.mailSink!;
    const before = sink.list().length;
    const created = await api('POST', '/mailings', brokerToken, { templateId: 'rollout-with-mobile', filter: { mobile: 'yes', method: 'app' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: expect.stringMatching(/^ml_/), recipients: 4 });
    expect(created.headers.get('location')).toBe(`/api/broker/mailings/${created.body.id as string}`);
    let progress = await api('GET', `/mailings/${created.body.id as string}`, brokerToken);
    for (let i = 0; i < 100 && progress.body.status !== 'done'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      progress = await api('GET', `/mailings/${created.body.id as string}`, brokerToken);
    }
    expect(progress.status).toBe(200);
    expect(progress.body).toMatchObject({ status: 'done', total: 4, sent: 4, failed: 0 });
    const sent = sink.list().slice(0, sink.list().length - before);
    expect(sent.map((m) => m.to).sort()).toEqual(['erika@example.de', 'familie@example.de', 'familie@example.de', 'paul@example.de']);
    const erika = sent.find((m) => m.to === 'erika@example.de')!;
    expect(erika.text).toContain('Guten Tag Erika Mustermann');
    expect(erika.text).toContain('(200001)');
    expect(erika.text).toContain('Maklerbüro Sommer');
    expect(erika.html).toContain(`<a href="${idp.url}/ident/">`);
    expect(new Set(sent.map((m) => m.messageId)).size).toBe(4);
  });

  it('refuses an unknown template (404), a bad filter (400) and a foreign mailing (404)', async () => {
    expect((await api('POST', '/mailings', brokerToken, { templateId: 'nope', filter: {} })).body.error).toBe('mailing.templateNotFound');
    const bad = await api('POST', '/mailings', brokerToken, { templateId: 'rollout-with-mobile', filter: { mobile: 'maybe' } });
    expect(bad.status).toBe(400);
    const created = await api('POST', '/mailings', brokerToken, { templateId: 'rollout-without-mobile', filter: { mobile: 'no' } });
    expect(created.status).toBe(201);
    const foreign = await api('GET', `/mailings/${created.body.id as string}`, bigBrokerToken);
    expect(foreign.status).toBe(404);
    expect(foreign.body.error).toBe('mailing.notFound');
  });
});

describe('broker API: 10,000 customers', () => {
  it('answers each page with one store query and never reads customers one by one', async () => {
    const directory = idp.container.broker.stores.directory;
    const calls: string[] = [];
    const original = { query: directory.query.bind(directory), listByAccount: idp.container.devices.listByAccount.bind(idp.container.devices) };
    directory.query = (q) => (calls.push('directory.query'), original.query(q));
    idp.container.devices.listByAccount = (id) => (calls.push('devices.listByAccount'), original.listByAccount(id));
    try {
      const first = await api('GET', '/customers?mobile=no&size=1000', bigBrokerToken);
      expect(first.status).toBe(200);
      expect(first.body.total).toBe(N / 4);
      expect((first.body.customers as unknown[]).length).toBe(1000);
      expect(first.body.counts).toMatchObject({ all: N, mobileNo: N / 4, mobileYes: (3 * N) / 4 });
      const third = await api('GET', '/customers?mobile=no&size=1000&page=3&sort=accessNumber&dir=desc', bigBrokerToken);
      expect((third.body.customers as { accessNumber: string }[])[0]!.accessNumber).toBe('7001996') // 9996 − 4·2000: the 2001st customer without mobile, counted down;
      expect(calls).toEqual(['directory.query', 'directory.query']);
    } finally {
      directory.query = original.query;
      idp.container.devices.listByAccount = original.listByAccount;
    }
  });
});
