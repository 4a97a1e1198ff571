// Scenario 6 of `npm run bench`: the broker's customer list with 10,000 customers, one page (50 rows, filter "without
// mobile number", sorted by name) through GET /api/broker/customers over HTTP, against the same store query alone.
// In process (memory stores, the embedded default's implementation), on 127.0.0.1; quick (a few seconds).
// `BENCH_ONLY=broker npm run bench` runs only this scenario.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/load-config.js';
import { buildContainer } from '../../src/container.js';
import { createLogger } from '../../src/shared/logger.js';
import type { Account } from '../../src/domain/account.js';
import type { CustomerQuery } from '../../src/domain/customer-directory.js';
import { percentile, round } from './load.js';
import type { Row } from './report.js';

export interface BrokerListResult {
  customers: number;
  pageSize: number;
  requests: number;
  httpMs: { p50: number; p99: number };
  storeMs: { p50: number; p99: number };
}

const time = async (n: number, fn: (i: number) => Promise<void>): Promise<number[]> => {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn(i);
    out.push(performance.now() - t0);
  }
  return out.sort((a, b) => a - b);
};

export async function benchBrokerList(opts: { customers?: number; requests?: number } = {}): Promise<BrokerListResult> {
  const customers = opts.customers ?? 10_000;
  const requests = opts.requests ?? 300;
  const dir = mkdtempSync(join(tmpdir(), 'fi-bench-broker-'));
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const config = loadConfig({ NODE_ENV: 'test', PORT: String(port), ISSUER: `http://127.0.0.1:${port}`, DEV_STATE_DIR: dir, LOG_LEVEL: 'silent' });
  const c = await buildContainer(config, { logger: createLogger({ level: 'silent' }) });
  server.on('request', buildApp(c).app.callback());
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const now = Date.now();
    const acc = (id: string, accessNumber: string, role: Account['role'], brokerId: string | null, i = 0): Account => ({
      id, accessNumber, email: `${id}@example.de`, mobile: i % 4 === 0 ? null : '+4915199999990', name: `Kunde ${(i * 7919) % customers}`, role, brokerId,
      passwordHash: null, twoFactorMethod: i % 9 === 0 ? 'sms' : 'app', twoFactorIntervalDays: 0, createdAt: now, updatedAt: now,
    });
    await c.accounts.insertMany([acc('bench_broker', '900000', 'broker', null), ...Array.from({ length: customers }, (_, i) => acc(`bench_c${i}`, String(910000 + i), 'customer', 'bench_broker', i))]);
    // An access token as smartMSC's back end holds it (minted directly: the login itself is not what is measured here).
    const client = await c.provider.Client.find('smartmsc');
    if (!client) throw new Error('no smartmsc client');
    const token = await new c.provider.AccessToken({ accountId: 'bench_broker', client, scope: 'openid broker_api', gty: 'authorization_code', grantId: 'bench-grant' }).save();
    const get = (path: string) =>
      new Promise<void>((resolve, reject) => {
        const req = http.get({ host: '127.0.0.1', port, path, agent, headers: { authorization: `Bearer ${token}`, accept: 'application/json' } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`${path}: status ${res.statusCode} ${Buffer.concat(chunks).toString().slice(0, 300)}`))));
        });
        req.on('error', reject);
      });
    const pages = Math.ceil(customers / 4 / 50);
    const query = (i: number): CustomerQuery => ({ scope: { ownerId: 'bench_broker', includeSubBrokers: true }, filter: { mobile: 'no' }, sort: { field: 'name', dir: 'asc' }, page: 1 + (i % pages), pageSize: 50 });
    await time(20, (i) => get(`/api/broker/customers?mobile=no&sort=name&size=50&page=${1 + (i % pages)}`)); // warm-up
    const httpMs = await time(requests, (i) => get(`/api/broker/customers?mobile=no&sort=name&size=50&page=${1 + (i % pages)}`));
    await time(20, async (i) => void (await c.broker.stores.directory.query(query(i))));
    const storeMs = await time(requests, async (i) => void (await c.broker.stores.directory.query(query(i))));
    const p = (list: number[]) => ({ p50: round(percentile(list, 50), 2), p99: round(percentile(list, 99), 2) });
    return { customers, pageSize: 50, requests, httpMs: p(httpMs), storeMs: p(storeMs) };
  } finally {
    agent.destroy();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await c.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function brokerListRow(r: BrokerListResult): Row {
  return {
    scenario: `6 customer list, ${r.customers.toLocaleString('en')} customers`,
    figure: `HTTP page of ${r.pageSize}: p50 ${r.httpMs.p50} ms, p99 ${r.httpMs.p99} ms`,
    baseline: `store query alone: p50 ${r.storeMs.p50} ms, p99 ${r.storeMs.p99} ms`,
    ratio: round(r.httpMs.p50 / r.storeMs.p50, 2),
    target: 'p99 < 100 ms',
    pass: r.httpMs.p99 < 100,
  };
}
