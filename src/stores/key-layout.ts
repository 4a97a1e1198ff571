// Every key family the service writes to Redis (KvStore, oidc adapter, mailing store): its owner, lifetime and Redis Cluster slot rule.
//
// Keys are written under REDIS_KEY_PREFIX (which may not contain a hash tag on a cluster). Every atomic rule is
// one command or one Lua script on ONE key, so each key may lie in any slot; where keys must share a slot (a script
// with several keys) they carry the same hash tag `{…}`. test/stores/key-layout.test.ts checks that whole flows write
// only keys listed here, each with an expiry.

export interface KeyFamily {
  /** How the key looks (without REDIS_KEY_PREFIX); `<…>` are parts filled in. */
  template: string;
  /** Matches the key without REDIS_KEY_PREFIX. */
  pattern: RegExp;
  /** The module that writes it. */
  owner: string;
  /** How long it lives. */
  ttl: string;
  /** Redis Cluster: which keys share its slot. */
  slot: string;
}

const OWN = 'own (single-key commands and scripts only)';

export const KEY_FAMILIES: readonly KeyFamily[] = [
  // oidc-provider models (src/stores/redis/oidc-adapter.ts)
  { template: 'oidc:<Model>:<id>', pattern: /^oidc:[A-Z][A-Za-z]+:[^:]+$/, owner: 'src/stores/redis/oidc-adapter.ts', ttl: "the model's expiresIn (kept as a tombstone for the rest of it when its grant is revoked)", slot: OWN },
  { template: 'oidc:uid:Session:<uid>', pattern: /^oidc:uid:Session:[^:]+$/, owner: 'src/stores/redis/oidc-adapter.ts', ttl: 'the session’s', slot: OWN },
  { template: 'oidc:userCode:<Model>:<userCode>', pattern: /^oidc:userCode:[A-Za-z]+:.+$/, owner: 'src/stores/redis/oidc-adapter.ts', ttl: 'the device code’s', slot: OWN },
  { template: 'oidc:grant:{<grantId>}', pattern: /^oidc:grant:\{[^}]+\}$/, owner: 'src/stores/redis/oidc-adapter.ts', ttl: 'its longest-lived token', slot: 'the grant: {<grantId>}' },
  { template: 'oidc:grant:{<grantId>}:revoked', pattern: /^oidc:grant:\{[^}]+\}:revoked$/, owner: 'src/stores/redis/oidc-adapter.ts', ttl: 'the index’s remaining lifetime, at least 10 min', slot: 'the grant: {<grantId>}' },
  // Hosted login
  { template: 'login:<interaction uid>', pattern: /^login:[^:]+$/, owner: 'src/services/pending-login.ts', ttl: 'INTERACTION_TTL_SECONDS', slot: OWN },
  { template: 'limit:{<subject>}:(lock|try:<window>|fail:<window>)', pattern: /^limit:\{(id|ip|acct):[^}]+\}:(lock|try:\d+|fail:\d+)$/, owner: 'src/services/failure-limiter.ts', ttl: 'LOGIN_LOCKOUT_SECONDS (lock), LOGIN_FAILURE_WINDOW_SECONDS (counters)', slot: 'the subject: {<subject>} (its counter INCR and lock read are one script)' },
  // Approvals
  { template: 'approval:<id>[:outcome|:resends|:resend-cooldown]', pattern: /^approval:[^:]+(:outcome|:resends|:resend-cooldown)?$/, owner: 'src/services/approval-service.ts', ttl: 'APPROVAL_TTL_SECONDS plus a short grace (cool-down: 15 s)', slot: OWN },
  { template: 'approvals:(open|slots):<accountId>', pattern: /^approvals:(open|slots):[^:]+$/, owner: 'src/services/approval-service.ts', ttl: 'APPROVAL_TTL_SECONDS plus a short grace', slot: OWN },
  { template: 'approvals:login:<interaction uid>', pattern: /^approvals:login:[^:]+$/, owner: 'src/services/approval-service.ts', ttl: 'the approval’s lifetime plus a short grace', slot: OWN },
  { template: 'approvals:count:<accountId>:<hour>', pattern: /^approvals:count:[^:]+:\d+$/, owner: 'src/services/approval-service.ts', ttl: '1 h', slot: OWN },
  { template: 'device-nonce:<deviceId>:<jti>', pattern: /^device-nonce:[^:]+:[^:]+$/, owner: 'src/services/device-auth.ts', ttl: 'the device token’s maximum age plus 10 s', slot: OWN },
  // Enrolment, codes, flows
  { template: 'enrolment:<id>[:webauthn]', pattern: /^enrolment:[^:]+(:webauthn)?$/, owner: 'src/services/enrolment-service.ts', ttl: 'ENROLMENT_CODE_TTL_SECONDS', slot: OWN },
  { template: 'pcode:<…>', pattern: /^pcode:.+$/, owner: 'src/services/purpose-codes.ts', ttl: 'the code’s lifetime (5 min; activation: ENROLMENT_CODE_TTL_SECONDS), cool-downs, hourly and daily caps', slot: OWN },
  { template: 'pwflow:<id>', pattern: /^pwflow:[^:]+$/, owner: 'src/services/password-setting.ts', ttl: 'the flow’s lifetime', slot: OWN },
  { template: 'pwflow:cool:<flowId>', pattern: /^pwflow:cool:[^:]+$/, owner: 'src/services/password-setting.ts', ttl: 'the resend cool-down', slot: OWN },
  { template: 'mobilechange:<accountId>', pattern: /^mobilechange:[^:]+$/, owner: 'src/services/mobile-change.ts', ttl: 'the code’s lifetime', slot: OWN },
  { template: 'mobilechange:link:<token>', pattern: /^mobilechange:link:[^:]+$/, owner: 'src/services/mobile-change.ts', ttl: 'the code’s lifetime (the customer’s confirmation link)', slot: OWN },
  // Broker rollout mailings (src/stores/redis/mailings.ts): a mailing's keys share its slot (scripts and MULTI over
  // them); the two index sets lie anywhere and are written only by single-key commands.
  { template: 'mailing:{<id>}[:order|:r|:s|:i|:q|:n|:lease]', pattern: /^mailing:\{[^}]+\}(:order|:r|:s|:i|:q|:n|:lease)?$/, owner: 'src/stores/redis/mailings.ts', ttl: 'the mailing’s retention (400 days; lease: MAILING_LEASE_SECONDS)', slot: 'the mailing: {<id>}' },
  { template: 'mailings:active', pattern: /^mailings:active$/, owner: 'src/stores/redis/mailings.ts', ttl: 'the mailing retention, renewed whenever a mailing is added (a mailing leaves it when nothing is open)', slot: OWN },
  { template: 'mailings:broker:<brokerId>', pattern: /^mailings:broker:[^:]+$/, owner: 'src/stores/redis/mailings.ts', ttl: 'the mailing retention, renewed with each new mailing', slot: OWN },
  // Remembered browsers and account-wide ends
  { template: 'rb:<accountId>:<id>', pattern: /^rb:[^:]+:[^:]+$/, owner: 'src/services/remembered-browsers.ts', ttl: 'the account’s 2FA interval', slot: OWN },
  { template: 'rb:index:<accountId>', pattern: /^rb:index:[^:]+$/, owner: 'src/services/remembered-browsers.ts', ttl: 'its longest-lived remembered browser', slot: OWN },
  { template: 'acctsess:(s|g):<accountId>', pattern: /^acctsess:[sg]:[^:]+$/, owner: 'src/services/account-sessions.ts', ttl: 'the longest session or grant lifetime', slot: OWN },
];

/** The family a key (without REDIS_KEY_PREFIX) belongs to, or undefined for a key nobody should write. */
export function keyFamilyOf(key: string): KeyFamily | undefined {
  return KEY_FAMILIES.find((family) => family.pattern.test(key));
}
