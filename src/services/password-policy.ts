// The password policy (PWD-1): long enough, not too long, not the login id, not a common password.
// The common passwords are the list shipped with @zxcvbn-ts/language-common (about 49,000 entries).
import { dictionary } from '@zxcvbn-ts/language-common';

export const PASSWORD_MAX_LENGTH = 1024;

export type PasswordProblem =
  | 'password.tooShort'
  | 'password.tooLong'
  | 'password.tooSimple'
  | 'password.containsLoginId'
  | 'password.common';

export interface PasswordOwner {
  accessNumber?: string | null;
  email?: string | null;
  /** What the user typed as login id (an access number or an email). */
  loginId?: string | null;
}

let common: ReadonlySet<string> | undefined;
function commonPasswords(): ReadonlySet<string> {
  common ??= new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()));
  return common;
}

/** The parts of the login id a password must not contain: the access number, the email and its local part. */
function loginIdParts(owner: PasswordOwner): string[] {
  const parts = new Set<string>();
  for (const raw of [owner.accessNumber, owner.email, owner.loginId]) {
    const value = (raw ?? '').trim().toLowerCase();
    if (!value) continue;
    parts.add(value);
    if (value.includes('@')) parts.add(value.slice(0, value.indexOf('@')));
  }
  return [...parts].filter((p) => p.length >= 3);
}

export class PasswordPolicy {
  constructor(readonly minLength: number = 10) {}

  /** The first problem of `password` for this owner, or null when it may be used. Length counts code points. */
  check(password: string, owner: PasswordOwner): PasswordProblem | null {
    const length = [...password].length;
    if (length < this.minLength) return 'password.tooShort';
    if (length > PASSWORD_MAX_LENGTH) return 'password.tooLong';
    const lower = password.toLowerCase();
    if (loginIdParts(owner).some((part) => lower.includes(part))) return 'password.containsLoginId';
    const list = commonPasswords();
    const core = lower.replace(/^[\d\W_]+|[\d\W_]+$/g, '');
    if (list.has(lower) || (core.length >= 4 && list.has(core))) return 'password.common';
    if (new Set(lower).size < 5) return 'password.tooSimple';
    return null;
  }
}
