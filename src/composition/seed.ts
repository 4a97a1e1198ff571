// Composition, demo and seed data: accounts from SEED_ACCOUNTS_FILE (or the demo accounts), the demo broker area.
import { readFile } from 'node:fs/promises';
import type { Config } from '../config/schema.js';
import { AccountImportError, importAccounts } from '../services/account-import.js';
import type { PasswordHasher } from '../services/password-hasher.js';
import { seedBrokerDemo } from '../services/broker/seed-broker-demo.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { Random } from '../shared/random.js';
import type { Stores } from './stores.js';

async function seedAccounts(rootDir: string, config: Config, deps: Parameters<typeof importAccounts>[1], logger: Logger): Promise<void> {
  const file = config.seedAccountsFile ?? (config.mongodbUri ? undefined : `${rootDir}config/demo-accounts.json`);
  if (!file) return;
  let records: unknown;
  try {
    records = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new AccountImportError([`${file}: ${(e as Error).message}`]);
  }
  try {
    const count = await importAccounts(records, deps);
    logger.info({ file, count }, 'accounts imported');
  } catch (e) {
    const alreadyThere = e instanceof AccountImportError && e.problems.every((p) => p.endsWith('already exists'));
    if (!alreadyThere) throw e;
    logger.info({ file }, 'seed accounts already present; nothing imported');
  }
}

/**
 * Imports the seed accounts (all or nothing; already present = nothing to do) and, in the embedded default, the demo
 * broker area. Throws AccountImportError naming the file and the problems.
 */
export async function seedData(rootDir: string, config: Config, p: { stores: Stores; hasher: PasswordHasher; clock: Clock; random: Random; logger: Logger }): Promise<void> {
  const { accounts, devices } = p.stores;
  const defaultIntervalDays = config.defaultTwoFactorIntervalDays;
  await seedAccounts(rootDir, config, { accounts, hasher: p.hasher, clock: p.clock, random: p.random, defaultIntervalDays }, p.logger);
  if (config.seedAccountsFile || config.mongodbUri) return;
  await seedBrokerDemo(`${rootDir}config/demo-broker.json`, {
    accounts, devices, rights: p.stores.broker.rights, clock: p.clock, random: p.random, defaultIntervalDays, development: config.nodeEnv === 'development',
  }, p.logger);
}
