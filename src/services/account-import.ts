// Imports account records (seed file or demo data) all or nothing; a bad record is named with its field.
import { z } from 'zod';
import { type Account, type AccountStore, ROLES, TWO_FACTOR_METHODS } from '../domain/account.js';
import type { Clock } from '../shared/clock.js';
import type { Random } from '../shared/random.js';
import { normaliseMobile } from './mobile-number.js';
import type { PasswordHasher } from './password-hasher.js';
import { OWNER_ROLES } from './broker/broker-hierarchy.js';

const record = z
  .object({
    id: z.string().min(1).max(64).optional(),
    accessNumber: z.string().regex(/^[A-Za-z0-9-]{3,32}$/, 'expected 3–32 letters, digits or dashes'),
    email: z.email().nullable().optional(),
    password: z.string().min(1).optional(),
    passwordHash: z.string().startsWith('$argon2', 'expected an argon2 PHC string').optional(),
    role: z.enum(ROLES),
    brokerAccessNumber: z.string().min(1).nullable().optional(),
    mobile: z.string().min(1).nullable().optional(),
    name: z.string().min(1).max(200),
    twoFactorMethod: z.enum(TWO_FACTOR_METHODS).optional(),
    twoFactorInterval: z.number().int().min(0).max(90).optional(),
  })
  .strict();

export type AccountRecord = z.input<typeof record>;

export class AccountImportError extends Error {
  constructor(readonly problems: string[]) {
    super(`Account import refused, nothing was loaded:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'AccountImportError';
  }
}


export interface ImportDeps {
  accounts: AccountStore;
  hasher: PasswordHasher;
  clock: Clock;
  random: Random;
  defaultIntervalDays: number;
}

/** Validates every record first, then inserts all of them at once; returns the number imported. */
export async function importAccounts(input: unknown, deps: ImportDeps): Promise<number> {
  if (!Array.isArray(input)) throw new AccountImportError(['the file must contain a JSON array of accounts']);
  const problems: string[] = [];
  const parsed: { rec: z.output<typeof record>; label: string }[] = [];
  input.forEach((raw, index) => {
    const label = `record ${index + 1}${typeof raw?.accessNumber === 'string' ? ` (${raw.accessNumber})` : ''}`;
    const result = record.safeParse(raw);
    if (!result.success) {
      for (const issue of result.error.issues) problems.push(`${label}, field ${issue.path.join('.') || '(record)'}: ${issue.message}`);
      return;
    }
    const rec = result.data;
    if (!rec.password && !rec.passwordHash && rec.password !== undefined) problems.push(`${label}, field password: empty`);
    if (rec.password && rec.passwordHash) problems.push(`${label}, field password: give password or passwordHash, not both`);
    if (rec.mobile && !normaliseMobile(rec.mobile)) problems.push(`${label}, field mobile: not a valid mobile number`);
    if (OWNER_ROLES[rec.role].length === 0 && rec.brokerAccessNumber) problems.push(`${label}, field brokerAccessNumber: a broker belongs to no one`);
    if (OWNER_ROLES[rec.role].length > 0 && !rec.brokerAccessNumber) problems.push(`${label}, field brokerAccessNumber: required for role ${rec.role}`);
    parsed.push({ rec, label });
  });

  const inFile = new Map(parsed.map(({ rec }) => [rec.accessNumber, rec]));
  const seen = new Set<string>();
  for (const { rec, label } of parsed) {
    if (seen.has(rec.accessNumber)) problems.push(`${label}, field accessNumber: appears twice in the file`);
    seen.add(rec.accessNumber);
    if ((await deps.accounts.findByAccessNumber(rec.accessNumber)) !== null) problems.push(`${label}, field accessNumber: already exists`);
  }

  const ids = new Map<string, string>();
  for (const { rec } of parsed) ids.set(rec.accessNumber, rec.id ?? `acc_${deps.random.token(12)}`);
  const owners = new Map<string, string>();
  for (const { rec, label } of parsed) {
    if (!rec.brokerAccessNumber) continue;
    const fileOwner = inFile.get(rec.brokerAccessNumber);
    const stored = fileOwner ? null : await deps.accounts.findByAccessNumber(rec.brokerAccessNumber);
    const ownerRole = fileOwner?.role ?? stored?.role;
    const ownerId = fileOwner ? ids.get(fileOwner.accessNumber) : stored?.id;
    if (!ownerRole || !ownerId) problems.push(`${label}, field brokerAccessNumber: no account ${rec.brokerAccessNumber}`);
    else if (!OWNER_ROLES[rec.role].includes(ownerRole)) problems.push(`${label}, field brokerAccessNumber: a ${rec.role} cannot belong to a ${ownerRole}`);
    else owners.set(rec.accessNumber, ownerId);
  }
  if (problems.length) throw new AccountImportError(problems);

  const now = deps.clock.now();
  const accounts: Account[] = [];
  for (const { rec } of parsed) {
    accounts.push({
      id: ids.get(rec.accessNumber)!,
      accessNumber: rec.accessNumber,
      email: rec.email?.toLowerCase() ?? null,
      mobile: rec.mobile ? normaliseMobile(rec.mobile) : null,
      name: rec.name,
      role: rec.role,
      brokerId: owners.get(rec.accessNumber) ?? null,
      passwordHash: rec.passwordHash ?? (rec.password ? await deps.hasher.hash(rec.password) : null),
      twoFactorMethod: rec.twoFactorMethod ?? 'app',
      twoFactorIntervalDays: rec.twoFactorInterval ?? deps.defaultIntervalDays,
      createdAt: now,
      updatedAt: now,
    });
  }
  await deps.accounts.insertMany(accounts);
  return accounts.length;
}
