// Maps an account to the OIDC claims of OIDC-2, grouped by the scope that releases them.
import type { Account } from '../stores/account-store.js';

export const SCOPE_CLAIMS = {
  openid: ['sub', 'acr', 'amr', 'auth_time'],
  profile: ['name', 'role', 'access_number', 'broker_id'],
  email: ['email'],
  phone: ['phone_number'],
} as const;

export function accountClaims(account: Account): Record<string, string | null> {
  return {
    sub: account.id,
    name: account.name,
    role: account.role,
    access_number: account.accessNumber,
    broker_id: account.brokerId,
    email: account.email,
    phone_number: account.mobile,
  };
}
