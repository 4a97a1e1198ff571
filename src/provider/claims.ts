// Maps an account to the OIDC claims of OIDC-2 (and the standard ones we have data for), grouped by the scope that releases them.
import type { Account } from '../domain/account.js';

export const SCOPE_CLAIMS = {
  openid: ['sub', 'acr', 'amr', 'auth_time'],
  profile: ['name', 'updated_at', 'role', 'access_number', 'broker_id'],
  email: ['email', 'email_verified'],
  phone: ['phone_number', 'phone_number_verified'],
} as const;

/**
 * The claims of one account (OIDC Core 5.1). `email_verified` is false: nobody here proves an address is
 * the user's. `phone_number_verified` is true when an SMS code sent to the number on file was confirmed
 * (login code, activation code, mobile number change). Without an address or number both are left out.
 */
export function accountClaims(account: Account): Record<string, string | number | boolean | null> {
  return {
    sub: account.id,
    name: account.name,
    updated_at: Math.floor(account.updatedAt / 1000),
    role: account.role,
    access_number: account.accessNumber,
    broker_id: account.brokerId,
    email: account.email,
    ...(account.email ? { email_verified: false } : {}),
    phone_number: account.mobile,
    ...(account.mobile ? { phone_number_verified: account.mobileVerified === account.mobile } : {}),
  };
}
