// The demo logins shown on /demo: access numbers, roles and passwords as seeded for development.
import type { DemoMessageKey } from './demo-messages.js';

export const DEMO_PASSWORD = 'Demo-Passwort-2026';

export interface DemoAccount {
  loginId: string;
  role: DemoMessageKey;
  /** Only where it differs from DEMO_PASSWORD. */
  password?: string;
}

export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
  { loginId: '100001', role: 'account.broker' },
  { loginId: '100002', role: 'account.employee' },
  { loginId: '100003', role: 'account.subBroker' },
  { loginId: '200001', role: 'account.customerInterval' },
  { loginId: '200002', role: 'account.customerNoMobile' },
  { loginId: '200003', role: 'account.customerSharedA' },
  { loginId: '200004', role: 'account.customerSharedB', password: 'Demo-Passwort-2026-B' },
  { loginId: '200005', role: 'account.customerSms' },
  { loginId: '200006', role: 'account.customerOfSubBroker' },
];
