// The parts of setting a password (PWD-1, PWD-2) and changing a mobile number (ACC-3), as the composition root
// (src/composition/account-services.ts) hands them to routes.
import type { AccountSessionEnder } from '../domain/account-session-ender.js';
import type { MobileChangeService } from './mobile-change.js';
import type { PasswordPolicy } from './password-policy.js';
import type { PasswordSettingService } from './password-setting.js';
import type { PurposeCodeService } from './purpose-codes.js';

export interface PasswordSetup {
  policy: PasswordPolicy;
  codes: PurposeCodeService;
  /** Ends every OIDC session and grant of an account (src/provider/account-sessions.ts). */
  sessions: AccountSessionEnder;
  passwords: PasswordSettingService;
  mobileChange: MobileChangeService;
  /** How long a started password flow may take. */
  flowTtlMs: number;
}
