// The accounts a newcomer can try: the built-in demo logins, or (with SEED_ACCOUNTS_FILE) those of the seed file.
import { readFile } from 'node:fs/promises';
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from './demo-accounts.js';

export interface ListedAccount {
  loginId: string;
  /** Demo message key of the role, e.g. `role.customer`, or of the built-in description. */
  roleKey: string;
  name?: string;
  /** Shown only for the built-in demo logins; a seed file's passwords are never repeated. */
  password?: string;
  method?: 'app' | 'sms';
}

const ROLES: Record<string, string> = { broker: 'role.broker', employee: 'role.employee', subBroker: 'role.subBroker', customer: 'role.customer' };

/**
 * The accounts to list. Without a seed file: the built-in demo logins with their passwords. With one: its records'
 * access numbers, roles, names and second-factor methods (an unreadable file lists nothing; the start already
 * reported it).
 */
export async function listedAccounts(seedAccountsFile: string | undefined): Promise<{ seeded: boolean; accounts: ListedAccount[] }> {
  if (!seedAccountsFile) {
    return { seeded: false, accounts: DEMO_ACCOUNTS.map((a) => ({ loginId: a.loginId, roleKey: a.role, password: a.password ?? DEMO_PASSWORD })) };
  }
  let records: unknown;
  try {
    records = JSON.parse(await readFile(seedAccountsFile, 'utf8'));
  } catch {
    return { seeded: true, accounts: [] };
  }
  if (!Array.isArray(records)) return { seeded: true, accounts: [] };
  const accounts = records.flatMap((r: Record<string, unknown>): ListedAccount[] => {
    if (typeof r?.accessNumber !== 'string') return [];
    return [
      {
        loginId: r.accessNumber,
        roleKey: ROLES[String(r.role)] ?? 'role.customer',
        ...(typeof r.name === 'string' ? { name: r.name } : {}),
        method: r.twoFactorMethod === 'sms' ? 'sms' : 'app',
      },
    ];
  });
  return { seeded: true, accounts };
}

/** The one simulator command that sets up a device for `loginId` (the password placeholder when it is not known). */
export function enrolCommand(loginId: string, password?: string): string {
  return `npm run ident -- enrol --login ${loginId} --password ${password ?? '<Passwort>'}`;
}
