// Demo data of the broker area (embedded default): the demo employee's rights and, in development, enough extra demo
// customers of the demo broker (and its sub-broker) that the filters mean something: with and without mobile number,
// email, app (some with a demo device) and SMS.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import type { Random } from '../../shared/random.js';
import type { Account, AccountStore } from '../../domain/account.js';
import type { DeviceStore } from '../../domain/device.js';
import { BROKER_RIGHTS, type StaffRightsStore } from '../../domain/staff-rights.js';

const fileSchema = z.object({
  rights: z.record(z.string(), z.array(z.enum(BROKER_RIGHTS))).default({}),
  extraCustomers: z.object({ broker: z.string(), subBroker: z.string().optional(), count: z.number().int().min(0).max(20_000), developmentOnly: z.boolean().default(true) }).optional(),
});

const FIRST = ['Anna', 'Ben', 'Clara', 'David', 'Emma', 'Felix', 'Greta', 'Hannes', 'Ida', 'Jonas', 'Karla', 'Lukas', 'Mia', 'Noah', 'Olga', 'Paul', 'Rosa', 'Simon', 'Tina', 'Uwe'];
const LAST = ['Becker', 'Fischer', 'Hoffmann', 'Koch', 'Lehmann', 'Meyer', 'Neumann', 'Richter', 'Schäfer', 'Schulz', 'Wagner', 'Weber', 'Wolf', 'Zimmermann'];

/** `count` customers numbered 21xxxx: every third without mobile, every fifth without email, every sixth on SMS. */
export function demoCustomers(count: number, brokerId: string, subBrokerId: string | undefined, now: number, defaultIntervalDays: number): Account[] {
  return Array.from({ length: count }, (_, i) => {
    const first = FIRST[i % FIRST.length]!;
    const last = LAST[(i * 7) % LAST.length]!;
    const n = String(i + 1).padStart(4, '0');
    return {
      id: `acc_demo_${n}`,
      accessNumber: `21${n}`,
      email: i % 5 === 4 ? null : `${first}.${last}.${n}@example.de`.toLowerCase().replace('ä', 'ae'),
      mobile: i % 3 === 2 ? null : `+4915230${n.padStart(6, '0')}`,
      name: `${first} ${last}`,
      role: 'customer',
      brokerId: subBrokerId && i % 8 === 7 ? subBrokerId : brokerId,
      passwordHash: null,
      twoFactorMethod: i % 6 === 5 ? 'sms' : 'app',
      twoFactorIntervalDays: defaultIntervalDays,
      createdAt: now,
      updatedAt: now,
    } satisfies Account;
  });
}

export async function seedBrokerDemo(
  file: string,
  deps: { accounts: AccountStore; devices: DeviceStore; rights: StaffRightsStore; clock: Clock; random: Random; defaultIntervalDays: number; development: boolean },
  logger: Logger,
): Promise<void> {
  const parsed = fileSchema.parse(JSON.parse(await readFile(file, 'utf8')));
  const now = deps.clock.now();
  for (const [accessNumber, rights] of Object.entries(parsed.rights)) {
    const employee = await deps.accounts.findByAccessNumber(accessNumber);
    if (employee?.role !== 'employee' || !employee.brokerId) continue;
    await deps.rights.set({ employeeId: employee.id, brokerId: employee.brokerId, rights, updatedAt: now, updatedBy: employee.brokerId });
  }
  const extra = parsed.extraCustomers;
  if (!extra || (extra.developmentOnly && !deps.development)) return;
  const broker = await deps.accounts.findByAccessNumber(extra.broker);
  const sub = extra.subBroker ? await deps.accounts.findByAccessNumber(extra.subBroker) : null;
  if (!broker) return;
  const customers = demoCustomers(extra.count, broker.id, sub?.id, now, deps.defaultIntervalDays);
  if (await deps.accounts.findById(customers[0]?.id ?? '')) return;
  await deps.accounts.insertMany(customers);
  // Every fourth app customer with a mobile number has a demo device (it cannot approve anything: no real key behind it).
  for (const [i, c] of customers.entries()) {
    if (!c.mobile || c.twoFactorMethod !== 'app' || i % 4 !== 0) continue;
    await deps.devices.add({
      id: `dev_demo_${c.id}`,
      accountId: c.id,
      publicKeyJwk: { kty: 'EC', crv: 'P-256', x: 'ZGVtby1kZXZpY2Uta2V5LXgtY29vcmRpbmF0ZS1wYWQ', y: 'ZGVtby1kZXZpY2Uta2V5LXktY29vcmRpbmF0ZS1wYWQ' },
      webauthn: null,
      pushSubscription: null,
      name: 'Demo-Smartphone',
      platform: i % 8 === 0 ? 'ios' : 'android',
      osVersion: i % 8 === 0 ? '17.4' : '14',
      createdAt: now,
      lastUsedAt: null,
    });
  }
  logger.info({ count: customers.length }, 'demo customers of the broker area added');
}
