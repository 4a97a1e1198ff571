// The HTTP SMS gateway against a local server playing the provider (SMS-5): success, slow, failing and duplicated
// answers; behind the ledger decorator exactly one line per message actually sent (SMS-4).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { HttpSmsGateway } from '../../src/channels/http-sms-gateway.js';
import type { SmsMessage } from '../../src/domain/sms-channel.js';
import { LedgerRecordingSmsChannel, type SmsBillingSettings } from '../../src/services/sms-billing.js';
import { ManualClock } from '../../src/shared/clock.js';
import { AppError } from '../../src/shared/errors.js';
import { cryptoRandom } from '../../src/shared/random.js';
import { MemorySmsLedger } from '../../src/stores/memory/sms-ledger.js';
import type { MemoryAccountStore } from '../../src/stores/memory/account-store.js';
import { smsAccounts } from '../helpers/sms-accounts.js';
import { FakeSmsProvider as FakeProvider } from '../helpers/fake-sms-provider.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load-config.js';
import { buildContainer } from '../../src/container.js';
import { createLogger } from '../../src/shared/logger.js';

const provider = new FakeProvider();
const clock = new ManualClock(Date.UTC(2026, 10, 22, 9, 0, 0));
const warnings: object[] = [];
const log = { warn: (obj: object) => void warnings.push(obj), error: (obj: object) => void warnings.push(obj) };
const settings: SmsBillingSettings = { priceCents: { login: 10, activation: 0, password: 0, mobile_change: 0 }, chargeSubBrokerCustomersTo: 'broker' };
let accounts: MemoryAccountStore;
let ledger: MemorySmsLedger;

beforeAll(async () => {
  await provider.start();
  accounts = await smsAccounts();
});
afterAll(() => provider.stop());
beforeEach(() => {
  provider.reset();
  warnings.length = 0;
  ledger = new MemorySmsLedger(cryptoRandom);
});

function gateway(overrides: Partial<ConstructorParameters<typeof HttpSmsGateway>[0]> = {}): HttpSmsGateway {
  return new HttpSmsGateway({ url: provider.url, token: 'secret-token', sender: 'finIDENT', timeoutMs: 200, maxAttempts: 3, backoffMs: 10, log, ...overrides });
}

function channel(inner = gateway()): LedgerRecordingSmsChannel {
  return new LedgerRecordingSmsChannel({ inner, ledger, accounts, clock, settings, log });
}

let n = 0;
function message(overrides: Partial<SmsMessage> = {}): SmsMessage {
  n += 1;
  return { to: '+4915122222205', text: `Ihr financeIDENT Login-Code: 4711${String(n).padStart(2, '0')}`, purpose: 'login', idempotencyKey: `smc_key${n}`, accountId: 'customer', ...overrides };
}

const ledgerLines = () => ledger.listForBroker('broker', 0, Number.MAX_SAFE_INTEGER);

describe('HttpSmsGateway', () => {
  it('posts the message as JSON with bearer token, sender and Idempotency-Key; returns the provider message id', async () => {
    const m = message();
    await expect(gateway().send(m)).resolves.toEqual({ messageId: 'prov-1' });
    expect(provider.received).toHaveLength(1);
    const [req] = provider.received;
    expect(req!.headers.authorization).toBe('Bearer secret-token');
    expect(req!.headers['idempotency-key']).toBe(m.idempotencyKey);
    expect(req!.headers['content-type']).toBe('application/json');
    expect(req!.body).toEqual({ to: m.to, text: m.text, sender: 'finIDENT', reference: m.idempotencyKey });
  });

  it('accepts { id } as the message id; a 2xx without an id is still a sent message', async () => {
    provider.script = ['okWithId', 'okNoId'];
    await expect(gateway().send(message())).resolves.toEqual({ messageId: 'prov-1' });
    const m = message();
    await expect(gateway().send(m)).resolves.toEqual({ messageId: `ref:${m.idempotencyKey}` });
  });

  it('success through the ledger decorator: one line, charged to the customer\'s broker at 10 cents', async () => {
    const m = message();
    await channel().send(m);
    expect(await ledgerLines()).toEqual([
      { id: expect.any(String), idempotencyKey: m.idempotencyKey, accountId: 'customer', brokerId: 'broker', purpose: 'login', at: clock.now(), providerMessageId: 'prov-1', netCents: 10, state: 'accepted' },
    ]);
  });

  it('slow: the first attempt times out, the retry carries the same Idempotency-Key, the phone gets ONE message and the ledger one line', async () => {
    provider.script = ['slow'];
    const m = message();
    const result = await channel().send(m);
    expect(provider.received).toHaveLength(2);
    expect(provider.received.map((r) => r.headers['idempotency-key'])).toEqual([m.idempotencyKey, m.idempotencyKey]);
    expect(provider.received[1]!.body).toEqual(provider.received[0]!.body);
    expect(provider.sent.size).toBe(1);
    expect(result).toEqual({ messageId: 'prov-1' });
    expect(await ledgerLines()).toHaveLength(1);
    expect(warnings).toContainEqual(expect.objectContaining({ idempotencyKey: m.idempotencyKey, attempt: 1, reason: 'timeout' }));
  });

  it('failing: 500 three times is an error after three attempts with one key; the line is marked failed, nothing billed', async () => {
    provider.script = ['fail500', 'fail500', 'fail500'];
    const m = message();
    const error = await channel().send(m).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'sms.gatewayUnavailable', status: 503 });
    expect(provider.received).toHaveLength(3);
    expect(new Set(provider.received.map((r) => r.headers['idempotency-key']))).toEqual(new Set([m.idempotencyKey]));
    expect(provider.sent.size).toBe(0);
    expect(await ledgerLines()).toEqual([expect.objectContaining({ idempotencyKey: m.idempotencyKey, state: 'failed', providerMessageId: null })]);
  });

  it('retries a 429 and a dropped connection, then succeeds once', async () => {
    provider.script = ['tooMany', 'hangUp', 'ok'];
    await expect(channel().send(message())).resolves.toEqual({ messageId: 'prov-1' });
    expect(provider.received).toHaveLength(3);
    expect(await ledgerLines()).toHaveLength(1);
  });

  it('a 4xx refusal is not retried: sms.gatewayRefused (502), the line marked failed', async () => {
    provider.script = ['refuse400'];
    const error = await channel().send(message()).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'sms.gatewayRefused', status: 502 });
    expect(provider.received).toHaveLength(1);
    expect((await ledgerLines()).map((l) => l.state)).toEqual(['failed']);
  });

  it('duplicated: the same key sent twice keeps one message and one ledger line (the second is answered from the ledger)', async () => {
    const m = message();
    const sms = channel();
    const first = await sms.send(m);
    const second = await sms.send({ ...m });
    expect(second).toEqual(first);
    expect(provider.received).toHaveLength(1);
    expect(provider.sent.size).toBe(1);
    expect(await ledgerLines()).toHaveLength(1);
  });

  it('duplicated: two concurrent sends of one key, one of them slow, keep one message and one ledger line', async () => {
    provider.script = ['slow', 'ok'];
    provider.slowMs = 100; // within the timeout: the provider answers both requests
    const m = message();
    const sms = channel(gateway({ timeoutMs: 1000 }));
    const results = await Promise.all([sms.send(m), sms.send({ ...m })]);
    provider.slowMs = 600;
    expect(results[0]).toEqual(results[1]);
    expect(provider.sent.size).toBe(1);
    expect(await ledgerLines()).toHaveLength(1);
  });

  it('never logs the text (it holds the code) nor the number', async () => {
    provider.script = ['slow', 'fail500', 'fail500'];
    const m = message();
    await gateway().send(m).catch(() => undefined);
    expect(warnings.length).toBeGreaterThan(0);
    const logged = JSON.stringify(warnings);
    expect(logged).not.toContain(m.text);
    expect(logged).not.toMatch(/4711\d\d/);
    expect(logged).not.toContain(m.to);
  });
});

describe('container wiring (SMS_GATEWAY_URL set)', () => {
  it('sends through the HTTP gateway, has no sink, and records the login code in the ledger for the broker', async () => {
    const config = loadConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DEV_STATE_DIR: mkdtempSync(join(tmpdir(), 'fi-gateway-')),
      SMS_GATEWAY_URL: provider.url,
      SMS_GATEWAY_TOKEN: 'container-token',
      SMS_SENDER_ID: 'TestSender',
    });
    const container = await buildContainer(config, { clock, logger: createLogger({ level: 'silent' }) });
    try {
      expect(container.smsSink).toBeNull();
      await container.smsCodes.send({ accountId: 'acc_smsonly', mobile: '+4915122222205', loginUid: 'uid-1', ip: '192.0.2.1' });
      expect(provider.received).toHaveLength(1);
      expect(provider.received[0]!.headers.authorization).toBe('Bearer container-token');
      expect(provider.received[0]!.body).toMatchObject({ to: '+4915122222205', sender: 'TestSender' });
      const lines = await container.smsLedger.listForBroker('acc_broker', 0, Number.MAX_SAFE_INTEGER);
      expect(lines).toEqual([expect.objectContaining({ accountId: 'acc_smsonly', brokerId: 'acc_broker', purpose: 'login', netCents: 10, providerMessageId: 'prov-1' })]);
    } finally {
      await container.close();
    }
  });
});
