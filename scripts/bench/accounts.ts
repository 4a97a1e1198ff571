// Bench accounts for SEED_ACCOUNTS_FILE: one broker and N customers, all with a mobile number and a 7-day interval,
// so each virtual user has its own account (no lockout or approval limit is shared between them).
import { writeFileSync } from 'node:fs';
import { hash } from '@node-rs/argon2';
import { normaliseMobile } from '../../src/services/mobile-number.js';

export const BENCH_PASSWORD = 'Bench-Passwort-2026';

export interface BenchAccount {
  accessNumber: string;
  mobile: string;
}

/** Writes the seed file; the password is hashed once here (same parameters as the IdP) so the IdP starts fast. */
export async function writeBenchAccounts(file: string, customers: number, argon2: { memoryCost: number; timeCost: number }): Promise<BenchAccount[]> {
  const passwordHash = await hash(BENCH_PASSWORD, { memoryCost: argon2.memoryCost, timeCost: argon2.timeCost, parallelism: 1 });
  const records: Record<string, unknown>[] = [
    { id: 'acc_bench_broker', accessNumber: '300000', email: 'bench-broker@example.de', passwordHash, role: 'broker', mobile: '+49 151 30000000', name: 'Bench Broker', twoFactorMethod: 'app', twoFactorInterval: 7 },
  ];
  const accounts: BenchAccount[] = [];
  for (let i = 1; i <= customers; i++) {
    const accessNumber = String(300000 + i);
    const mobile = `+49 151 3${String(i).padStart(7, '0')}`;
    const e164 = normaliseMobile(mobile);
    if (!e164) throw new Error(`bench mobile ${mobile} is not valid`);
    records.push({ id: `acc_bench_${i}`, accessNumber, email: `bench-${i}@example.de`, passwordHash, role: 'customer', brokerAccessNumber: '300000', mobile, name: `Bench Kunde ${i}`, twoFactorMethod: 'app', twoFactorInterval: 7 });
    accounts.push({ accessNumber, mobile: e164 });
  }
  writeFileSync(file, JSON.stringify(records));
  return accounts;
}
