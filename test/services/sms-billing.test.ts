// SMS-4: who is charged for an SMS, at which price, and exactly one ledger line per message actually sent.
import { beforeEach, describe, expect, it } from '@jest/globals';
import { MemorySmsSink } from '../../src/channels/memory-sms-sink.js';
import type { SmsChannel, SmsMessage, SmsPurpose } from '../../src/domain/sms-channel.js';
import { loadConfig } from '../../src/config/load-config.js';
import { LedgerRecordingSmsChannel, SmsBillingError, smsBillingSettings, type SmsBillingSettings } from '../../src/services/sms-billing.js';
import { ManualClock } from '../../src/shared/clock.js';
import { cryptoRandom } from '../../src/shared/random.js';
import type { MemoryAccountStore } from '../../src/stores/memory/account-store.js';
import { MemorySmsLedger } from '../../src/stores/memory/sms-ledger.js';
import { smsAccounts } from '../helpers/sms-accounts.js';

const clock = new ManualClock();
let accounts: MemoryAccountStore;
let ledger: MemorySmsLedger;
let sink: MemorySmsSink;

beforeEach(async () => {
  accounts = await smsAccounts();
  ledger = new MemorySmsLedger(cryptoRandom);
  sink = new MemorySmsSink(clock, cryptoRandom);
});

const defaults = () => smsBillingSettings(loadConfig({}));

function channel(settings: SmsBillingSettings = defaults(), inner: SmsChannel = sink): LedgerRecordingSmsChannel {
  return new LedgerRecordingSmsChannel({ inner, ledger, accounts, clock, settings });
}

let n = 0;
function message(accountId: string | undefined, purpose: SmsPurpose = 'login', key?: string): SmsMessage {
  n += 1;
  return { to: '+4915100000001', text: 'Ihr Code: 123456', purpose, idempotencyKey: key ?? `key${n}`, ...(accountId ? { accountId } : {}) };
}

async function allLines() {
  const out = [];
  for (const broker of ['broker', 'subBroker', 'broker2', 'employee', 'customer', 'subCustomer']) out.push(...(await ledger.listForBroker(broker, 0, Number.MAX_SAFE_INTEGER)));
  return out;
}

async function chargedFor(accountId: string, settings?: SmsBillingSettings): Promise<string> {
  await channel(settings).send(message(accountId));
  const lines = await allLines();
  expect(lines).toHaveLength(1);
  return lines[0]!.brokerId;
}

describe('config defaults', () => {
  it('login 10 cents, others 0, VAT 19 %, sub-broker customers to the broker', () => {
    const config = loadConfig({});
    expect(config.vatPercent).toBe(19);
    expect(config.smsChargeSubBrokerCustomersTo).toBe('broker');
    expect(smsBillingSettings(config)).toEqual({ priceCents: { login: 10, activation: 0, password: 0, mobile_change: 0 }, chargeSubBrokerCustomersTo: 'broker' });
  });

  it('prices and the sub-broker rule come from the environment', () => {
    const config = loadConfig({ SMS_PRICE_LOGIN_CENTS: '12', SMS_PRICE_OTHER_CENTS: '3', SMS_CHARGE_SUB_BROKER_CUSTOMERS_TO: 'subBroker', VAT_PERCENT: '7' });
    expect(smsBillingSettings(config)).toEqual({ priceCents: { login: 12, activation: 3, password: 3, mobile_change: 3 }, chargeSubBrokerCustomersTo: 'subBroker' });
    expect(config.vatPercent).toBe(7);
    expect(() => loadConfig({ SMS_PRICE_LOGIN_CENTS: '0.1' })).toThrow(/SMS_PRICE_LOGIN_CENTS/);
    expect(() => loadConfig({ SMS_CHARGE_SUB_BROKER_CUSTOMERS_TO: 'employee' })).toThrow(/SMS_CHARGE_SUB_BROKER_CUSTOMERS_TO/);
  });
});

describe('charging rules', () => {
  it("a customer's SMS is charged to its broker", async () => {
    expect(await chargedFor('customer')).toBe('broker');
  });

  it("a sub-broker's customer: to the broker above the sub-broker by default", async () => {
    expect(await chargedFor('subCustomer')).toBe('broker');
  });

  it("a sub-broker's customer: to the sub-broker with SMS_CHARGE_SUB_BROKER_CUSTOMERS_TO=subBroker", async () => {
    expect(await chargedFor('subCustomer', { ...defaults(), chargeSubBrokerCustomersTo: 'subBroker' })).toBe('subBroker');
  });

  it("a broker's own SMS is charged to itself", async () => {
    expect(await chargedFor('broker')).toBe('broker');
  });

  it("an employee's own SMS is charged to its broker", async () => {
    expect(await chargedFor('employee')).toBe('broker');
  });

  it("a sub-broker's own SMS is charged to its broker (whatever the customer rule)", async () => {
    expect(await chargedFor('subBroker', { ...defaults(), chargeSubBrokerCustomersTo: 'subBroker' })).toBe('broker');
  });

  it("another broker's customer is charged to that broker", async () => {
    expect(await chargedFor('customer2')).toBe('broker2');
  });

  it('an SMS without an account, or for an unknown one, is neither sent nor recorded', async () => {
    await expect(channel().send(message(undefined))).rejects.toBeInstanceOf(SmsBillingError);
    await expect(channel().send(message('nobody'))).rejects.toBeInstanceOf(SmsBillingError);
    expect(sink.list()).toEqual([]);
    expect(await allLines()).toEqual([]);
  });
});

describe('prices and the line', () => {
  it('login 10 cents net, activation, password and mobile change 0 by default', async () => {
    const sms = channel();
    for (const purpose of ['login', 'activation', 'password', 'mobile_change'] as const) await sms.send(message('customer', purpose));
    expect((await allLines()).map((l) => [l.purpose, l.netCents])).toEqual([
      ['login', 10],
      ['activation', 0],
      ['password', 0],
      ['mobile_change', 0],
    ]);
  });

  it('configured prices apply per purpose', async () => {
    const sms = channel({ ...defaults(), priceCents: { login: 15, activation: 2, password: 3, mobile_change: 4 } });
    for (const purpose of ['login', 'activation', 'password', 'mobile_change'] as const) await sms.send(message('customer', purpose));
    expect((await allLines()).map((l) => l.netCents)).toEqual([15, 2, 3, 4]);
  });

  it('the line holds account, broker, purpose, time and the provider message id', async () => {
    const m = message('customer', 'login', 'smc_abc');
    const result = await channel().send(m);
    expect(await allLines()).toEqual([
      { id: expect.any(String), idempotencyKey: 'smc_abc', accountId: 'customer', brokerId: 'broker', purpose: 'login', at: clock.now(), providerMessageId: result.messageId, netCents: 10, state: 'accepted' },
    ]);
  });
});

describe('exactly once', () => {
  it('the same idempotency key sent twice: one SMS, one line', async () => {
    const sms = channel();
    const m = message('customer');
    const first = await sms.send(m);
    clock.advance(1000);
    const second = await sms.send({ ...m });
    expect(second).toEqual(first);
    expect(sink.list()).toHaveLength(1);
    expect(await allLines()).toHaveLength(1);
  });

  it('concurrent sends of one key keep one line', async () => {
    const sms = channel();
    const m = message('customer');
    await Promise.all([sms.send(m), sms.send({ ...m }), sms.send({ ...m })]);
    expect(await allLines()).toHaveLength(1);
  });

  it('a failed send leaves a line marked failed (never billed); a later successful retry with the same key makes it the one accepted line', async () => {
    let fail = true;
    const flaky: SmsChannel = {
      send: async (m) => {
        if (fail) throw new Error('gateway down');
        return sink.send(m);
      },
    };
    const sms = channel(defaults(), flaky);
    const m = message('customer');
    await expect(sms.send(m)).rejects.toThrow('gateway down');
    expect(await allLines()).toEqual([expect.objectContaining({ idempotencyKey: m.idempotencyKey, state: 'failed', providerMessageId: null })]);
    fail = false;
    await sms.send(m);
    await sms.send(m);
    expect(await allLines()).toEqual([expect.objectContaining({ idempotencyKey: m.idempotencyKey, state: 'accepted' })]);
    expect(sink.list()).toHaveLength(1);
  });

  it('different keys are different messages', async () => {
    const sms = channel();
    await sms.send(message('customer'));
    await sms.send(message('customer'));
    expect(await allLines()).toHaveLength(2);
  });
});
