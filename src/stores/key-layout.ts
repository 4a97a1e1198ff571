// Every key family the service writes to Redis (KvStore, oidc adapter, mailing store): its owner, lifetime and Redis
// Cluster slot rule, and REDIS_KEYS, the one place where each key and its fixed lifetimes are spelled.
//
// Keys are written under REDIS_KEY_PREFIX (which may not contain a hash tag on a cluster). Every atomic rule is
// one command or one Lua script on ONE key, so each key may lie in any slot; where keys must share a slot (a script
// with several keys) they carry the same hash tag `{…}`. test/stores/key-layout.test.ts checks that whole flows write
// only keys listed here, each with an expiry, and that every builder in REDIS_KEYS writes a key of its owner's family.
// Pub/sub channels are not keys: approvals publish on `<REDIS_KEY_PREFIX>approval:<id>` (src/services/approval-service.ts).

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
  { template: 'oidc:grant:{<grantId>}:revoked', pattern: /^oidc:grant:\{[^}]+\}:revoked$/, owner: 'src/stores/redis/oidc-adapter.ts', ttl: 'the index’s remaining lifetime, at least revokedMarkMinMs (10 min)', slot: 'the grant: {<grantId>}' },
  // Hosted login
  { template: 'login:<interaction uid>', pattern: /^login:[^:]+$/, owner: 'src/services/pending-login.ts', ttl: 'INTERACTION_TTL_SECONDS', slot: OWN },
  { template: 'limit:{<subject>}:(lock|try:<window>|fail:<window>)', pattern: /^limit:\{(id|ip|acct):[^}]+\}:(lock|try:\d+|fail:\d+)$/, owner: 'src/services/failure-limiter.ts', ttl: 'LOGIN_LOCKOUT_SECONDS (lock), LOGIN_FAILURE_WINDOW_SECONDS (counters)', slot: 'the subject: {<subject>} (its counter INCR and lock read are one script)' },
  // Approvals
  { template: 'approval:<id>[:outcome|:resends|:resend-cooldown]', pattern: /^approval:[^:]+(:outcome|:resends|:resend-cooldown)?$/, owner: 'src/services/approval-service.ts', ttl: 'APPROVAL_TTL_SECONDS plus keepAfterExpiryMs (10 min); the resend cool-down APPROVAL_RESEND_COOLDOWN_SECONDS', slot: OWN },
  { template: 'approvals:(open|slots):<accountId>', pattern: /^approvals:(open|slots):[^:]+$/, owner: 'src/services/approval-service.ts', ttl: 'APPROVAL_TTL_SECONDS plus keepAfterExpiryMs (10 min)', slot: OWN },
  { template: 'approvals:login:<interaction uid>', pattern: /^approvals:login:[^:]+$/, owner: 'src/services/approval-service.ts', ttl: 'the approval’s lifetime plus keepAfterExpiryMs (10 min)', slot: OWN },
  { template: 'approvals:count:<accountId>:<hour>', pattern: /^approvals:count:[^:]+:\d+$/, owner: 'src/services/approval-service.ts', ttl: 'HOUR_MS (its hour)', slot: OWN },
  { template: 'device-nonce:<deviceId>:<jti>', pattern: /^device-nonce:[^:]+:[^:]+$/, owner: 'src/services/device-auth.ts', ttl: 'the device token’s maximum age plus 10 s (REDIS_KEYS.deviceNonces.ttlMs)', slot: OWN },
  // Enrolment, codes, flows
  { template: 'enrolment:<id>[:webauthn]', pattern: /^enrolment:[^:]+(:webauthn)?$/, owner: 'src/services/enrolment-service.ts', ttl: 'ENROLMENT_CODE_TTL_SECONDS', slot: OWN },
  { template: 'pcode:<…>', pattern: /^pcode:.+$/, owner: 'src/services/purpose-codes.ts', ttl: 'SMS_CODE_TTL_SECONDS (code, tries, used mark; activation: ENROLMENT_CODE_TTL_SECONDS), SMS_CODE_RESEND_COOLDOWN_SECONDS (cool-down), HOUR_MS and DAY_MS (cap counters)', slot: OWN },
  { template: 'pwflow:<id>', pattern: /^pwflow:[^:]+$/, owner: 'src/services/password-setting.ts', ttl: 'PASSWORD_FLOW_TTL_SECONDS', slot: OWN },
  { template: 'pwflow:cool:<flowId>', pattern: /^pwflow:cool:[^:]+$/, owner: 'src/services/password-setting.ts', ttl: 'SMS_CODE_RESEND_COOLDOWN_SECONDS', slot: OWN },
  { template: 'mobilechange:<accountId>', pattern: /^mobilechange:[^:]+$/, owner: 'src/services/mobile-change.ts', ttl: 'MOBILE_CHANGE_PENDING_DAYS (MobileChangeService without it: the code’s lifetime)', slot: OWN },
  { template: 'mobilechange:link:<token>', pattern: /^mobilechange:link:[^:]+$/, owner: 'src/services/mobile-change.ts', ttl: 'as mobilechange:<accountId> (the customer’s confirmation link)', slot: OWN },
  // Broker rollout mailings (src/stores/redis/mailings.ts): a mailing's keys share its slot (scripts and MULTI over
  // them); the two index sets lie anywhere and are written only by single-key commands.
  { template: 'mailing:{<id>}[:order|:r|:s|:i|:q|:n|:lease]', pattern: /^mailing:\{[^}]+\}(:order|:r|:s|:i|:q|:n|:lease)?$/, owner: 'src/stores/redis/mailings.ts', ttl: 'the mailing’s retention (REDIS_KEYS.mailings.retentionMs, 400 days; lease: MAILING_LEASE_SECONDS)', slot: 'the mailing: {<id>}' },
  { template: 'mailings:active', pattern: /^mailings:active$/, owner: 'src/stores/redis/mailings.ts', ttl: 'the mailing retention, renewed whenever a mailing is added (a mailing leaves it when nothing is open)', slot: OWN },
  { template: 'mailings:broker:<brokerId>', pattern: /^mailings:broker:[^:]+$/, owner: 'src/stores/redis/mailings.ts', ttl: 'the mailing retention, renewed with each new mailing', slot: OWN },
  // Remembered browsers and account-wide ends
  { template: 'rb:<accountId>:<id>', pattern: /^rb:[^:]+:[^:]+$/, owner: 'src/services/remembered-browsers.ts', ttl: 'the account’s 2FA interval', slot: OWN },
  { template: 'rb:index:<accountId>', pattern: /^rb:index:[^:]+$/, owner: 'src/services/remembered-browsers.ts', ttl: 'its longest-lived remembered browser', slot: OWN },
  { template: 'acctsess:(s|g):<accountId>', pattern: /^acctsess:[sg]:[^:]+$/, owner: 'src/provider/account-sessions.ts', ttl: 'the longest session or grant lifetime', slot: OWN },
];

/** The family a key (without REDIS_KEY_PREFIX) belongs to, or undefined for a key nobody should write. */
export function keyFamilyOf(key: string): KeyFamily | undefined {
  return KEY_FAMILIES.find((family) => family.pattern.test(key));
}

/** Length of the hourly and daily counting windows (caps per hour and day). */
export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/**
 * Every key, by the module that owns it (without REDIS_KEY_PREFIX), and the lifetimes that are fixed rather than
 * configured. Changing a builder changes where existing data is found: keep them byte-identical.
 */
export const REDIS_KEYS = {
  oidc: {
    owner: 'src/stores/redis/oidc-adapter.ts',
    model: (model: string, id: string) => `oidc:${model}:${id}`,
    uid: (model: string, uid: string) => `oidc:uid:${model}:${uid}`,
    userCode: (model: string, userCode: string) => `oidc:userCode:${model}:${userCode}`,
    /** A grant's index of its tokens and its revocation mark share one Redis Cluster slot (hash tag: the grant id). */
    grant: (grantId: string) => `oidc:grant:{${grantId}}`,
    grantRevoked: (grantId: string) => `oidc:grant:{${grantId}}:revoked`,
    /** How long a revocation mark and a tombstone last at least. */
    revokedMarkMinMs: 10 * 60_000,
  },
  pendingLogin: {
    owner: 'src/services/pending-login.ts',
    login: (interactionUid: string) => `login:${interactionUid}`,
  },
  limits: {
    owner: 'src/services/failure-limiter.ts',
    /** The login limiter's prefix (FailureLimiter takes it, so a limiter of another purpose gets its own family). */
    prefix: 'limit',
    /** A subject's keys share its slot: its counter INCR and lock read are one script. */
    lock: (prefix: string, subject: string) => `${prefix}:{${subject}}:lock`,
    try: (prefix: string, subject: string, window: number) => `${prefix}:{${subject}}:try:${window}`,
    fail: (prefix: string, subject: string, window: number) => `${prefix}:{${subject}}:fail:${window}`,
  },
  approvals: {
    owner: 'src/services/approval-service.ts',
    record: (id: string) => `approval:${id}`,
    outcome: (id: string) => `approval:${id}:outcome`,
    resends: (id: string) => `approval:${id}:resends`,
    resendCooldown: (id: string) => `approval:${id}:resend-cooldown`,
    open: (accountId: string) => `approvals:open:${accountId}`,
    slots: (accountId: string) => `approvals:slots:${accountId}`,
    login: (interactionUid: string) => `approvals:login:${interactionUid}`,
    /** Counted per window of HOUR_MS, expiring with it. */
    hourlyCount: (accountId: string, hour: number) => `approvals:count:${accountId}:${hour}`,
    /** How long records stay after expiry, so late answers are told "expired" rather than "unknown". */
    keepAfterExpiryMs: 10 * 60_000,
  },
  deviceNonces: {
    owner: 'src/services/device-auth.ts',
    nonce: (deviceId: string, jti: string) => `device-nonce:${deviceId}:${jti}`,
    /** A token's jti is remembered while the token could still be accepted, plus the clock tolerance and a margin. */
    ttlMs: (maxTokenAgeSeconds: number) => (maxTokenAgeSeconds + 10) * 1000,
  },
  enrolments: {
    owner: 'src/services/enrolment-service.ts',
    enrolment: (id: string) => `enrolment:${id}`,
    webauthn: (id: string) => `enrolment:${id}:webauthn`,
  },
  codes: {
    owner: 'src/services/purpose-codes.ts',
    code: (purpose: string, flowId: string) => `pcode:${purpose}:${flowId}`,
    tries: (codeId: string) => `pcode:tries:${codeId}`,
    used: (codeId: string) => `pcode:used:${codeId}`,
    /** `who`: `flow:<flowId>` for a login code, else the subject. */
    cool: (purpose: string, who: string) => `pcode:${purpose}:cool:${who}`,
    /** A cap's counter: per account (`acc`) or IP, per hour (`h`, window of HOUR_MS) or day (`d`, DAY_MS). */
    count: (purpose: string, by: 'acc' | 'ip', who: string, per: 'h' | 'd', window: number) => `pcode:${purpose}:n:${by}:${who}:${per}${window}`,
  },
  passwordFlows: {
    owner: 'src/services/password-setting.ts',
    flow: (id: string) => `pwflow:${id}`,
    cool: (flowId: string) => `pwflow:cool:${flowId}`,
  },
  mobileChanges: {
    owner: 'src/services/mobile-change.ts',
    pending: (accountId: string) => `mobilechange:${accountId}`,
    link: (token: string) => `mobilechange:link:${token}`,
  },
  mailings: {
    owner: 'src/stores/redis/mailings.ts',
    /** Every key of one mailing carries the tag {<id>}: one Redis Cluster slot. */
    mailing: (id: string) => {
      const base = `mailing:{${id}}`;
      return { meta: base, order: `${base}:order`, rcpt: `${base}:r`, states: `${base}:s`, info: `${base}:i`, queue: `${base}:q`, counts: `${base}:n`, lease: `${base}:lease` };
    },
    active: () => 'mailings:active',
    broker: (brokerId: string) => `mailings:broker:${brokerId}`,
    /** How long a mailing and its results are kept by default. */
    retentionMs: 400 * DAY_MS,
  },
  rememberedBrowsers: {
    owner: 'src/services/remembered-browsers.ts',
    browser: (accountId: string, id: string) => `rb:${accountId}:${id}`,
    index: (accountId: string) => `rb:index:${accountId}`,
  },
  accountSessions: {
    owner: 'src/provider/account-sessions.ts',
    sessions: (accountId: string) => `acctsess:s:${accountId}`,
    grants: (accountId: string) => `acctsess:g:${accountId}`,
  },
} as const;
