// The one configuration schema: every key with its environment variable, default and meaning.
// `docs/configuration.md` is generated from this table (scripts/config-docs.ts); keep the docs here.
import { z } from 'zod';

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const list = z.string().transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean));

/** `host:port` (a hostname, IPv4 or [IPv6] address and a port 1..65535), as a Redis Cluster seed node. */
const hostPort = z
  .string()
  .regex(/^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9][A-Za-z0-9.-]*):(\d{1,5})$/, 'host:port')
  .transform((v) => {
    const i = v.lastIndexOf(':');
    return { host: v.slice(0, i).replace(/^\[(.*)\]$/, '$1'), port: Number(v.slice(i + 1)) };
  })
  .refine((n) => n.port >= 1 && n.port <= 65535, 'a port from 1 to 65535');

/** One configuration key: where it comes from, its default, and why. */
interface KeyDef<S extends z.ZodType> {
  env: string;
  schema: S;
  /** Default as the environment would spell it; undefined = unset (optional). */
  default?: string;
  doc: string;
}

const key = <S extends z.ZodType>(def: KeyDef<S>) => def;

export const CONFIG_KEYS = {
  nodeEnv: key({ env: 'NODE_ENV', schema: z.enum(['development', 'production', 'test']), default: 'development', doc: 'development enables the demo relying-party pages and the SMS sink at /dev/sms; production refuses development keys.' }),
  port: key({ env: 'PORT', schema: int(0, 65535), default: '3000', doc: 'TCP port to listen on (0 = any free port).' }),
  host: key({ env: 'HOST', schema: z.string().min(1), default: '0.0.0.0', doc: 'Interface to listen on.' }),
  issuer: key({ env: 'ISSUER', schema: z.url().optional(), doc: 'The OIDC issuer URL as relying parties see it. Default: http://localhost:$PORT.' }),
  trustProxy: key({ env: 'TRUST_PROXY', schema: bool, default: 'false', doc: 'Behind a TLS-terminating proxy: trust X-Forwarded-* (sets proxy on Koa and the provider).' }),
  shutdownDrainTimeoutSeconds: key({ env: 'SHUTDOWN_DRAIN_TIMEOUT_SECONDS', schema: int(1, 600), default: '25', doc: 'On SIGTERM/SIGINT: how long accepted requests may take to be answered before the remaining connections are cut and the process exits (keep it below the orchestrator\'s grace period, e.g. Kubernetes\' 30 s).' }),
  logLevel: key({ env: 'LOG_LEVEL', schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']), default: 'info', doc: 'pino log level.' }),
  redisUrl: key({ env: 'REDIS_URL', schema: z.string().regex(/^rediss?:\/\//, 'a redis:// or rediss:// URL').optional(), doc: 'Redis for the provider models, approvals, remembered browsers and rate limits. Unset = in memory (embedded default, one instance only).' }),
  redisClusterNodes: key({ env: 'REDIS_CLUSTER_NODES', schema: list.pipe(z.array(hostPort).min(1, 'at least one host:port')).optional(), doc: 'Redis Cluster instead of one Redis: comma-separated host:port seed nodes (e.g. redis-1:6379,redis-2:6379); the rest of the cluster is discovered from them. Mutually exclusive with REDIS_URL.' }),
  redisKeyPrefix: key({ env: 'REDIS_KEY_PREFIX', schema: z.string(), default: 'fi:', doc: 'Prefix of every Redis key this service writes.' }),
  mongodbUri: key({ env: 'MONGODB_URI', schema: z.string().regex(/^mongodb(\+srv)?:\/\//, 'a mongodb:// or mongodb+srv:// URI').optional(), doc: 'MongoDB for accounts, devices, the SMS ledger and the audit log. Unset = in memory with demo data.' }),
  clientsFile: key({ env: 'OIDC_CLIENTS_FILE', schema: z.string().min(1).optional(), doc: 'JSON file with an array of client metadata (RFC 7591 field names). Unset = the demo clients of the embedded default.' }),
  seedAccountsFile: key({ env: 'SEED_ACCOUNTS_FILE', schema: z.string().min(1).optional(), doc: 'JSON file with accounts to import at start (all or nothing). Unset with no MongoDB = demo accounts.' }),
  jwksFile: key({ env: 'OIDC_JWKS_FILE', schema: z.string().min(1).optional(), doc: 'JSON file {"keys":[…]} with private signing JWKs; the first signs, the others still verify (rotation). Alternatively OIDC_JWKS holds the same JSON.' }),
  jwks: key({ env: 'OIDC_JWKS', schema: z.string().min(1).optional(), doc: 'The signing key set as JSON (instead of OIDC_JWKS_FILE). Unset in development = a key set generated into .dev/jwks.json.' }),
  cookieKeys: key({ env: 'COOKIE_KEYS', schema: list.pipe(z.array(z.string().min(32, 'at least 32 characters')).min(1)).optional(), doc: 'Comma-separated secrets that sign cookies; the first signs, all verify (rotation). Required in production; generated into .dev/ in development.' }),
  devStateDir: key({ env: 'DEV_STATE_DIR', schema: z.string().min(1), default: '.dev', doc: 'Git-ignored folder where development keys are generated and kept.' }),
  acrPassword: key({ env: 'ACR_PASSWORD', schema: z.string().min(1), default: 'urn:financeident:acr:pwd', doc: 'acr of a login by password alone (a remembered browser skipped the second factor).' }),
  acrTwoFactor: key({ env: 'ACR_TWO_FACTOR', schema: z.string().min(1), default: 'urn:financeident:acr:mfa', doc: 'acr of a login with password and a fresh second factor; relying parties send it in acr_values to demand one.' }),
  loginMaxFailuresPerAccount: key({ env: 'LOGIN_MAX_FAILURES_PER_ACCOUNT', schema: int(1, 1000), default: '5', doc: 'Wrong passwords for one account within the window before it is locked.' }),
  loginMaxFailuresPerIp: key({ env: 'LOGIN_MAX_FAILURES_PER_IP', schema: int(1, 100000), default: '50', doc: 'Failed logins from one IP within the window before that IP is locked.' }),
  loginFailureWindowSeconds: key({ env: 'LOGIN_FAILURE_WINDOW_SECONDS', schema: int(1, 86400), default: '900', doc: 'Window in which failures are counted.' }),
  loginLockoutSeconds: key({ env: 'LOGIN_LOCKOUT_SECONDS', schema: int(1, 86400), default: '900', doc: 'How long a locked account or IP must wait; a correct password during the lockout does not log in.' }),
  argon2MemoryKib: key({ env: 'ARGON2_MEMORY_KIB', schema: int(19456, 4194304), default: '19456', doc: 'argon2id memory cost in KiB (OWASP minimum 19456 with t=2, p=1).' }),
  argon2TimeCost: key({ env: 'ARGON2_TIME_COST', schema: int(2, 100), default: '2', doc: 'argon2id iterations.' }),
  argon2Concurrency: key({ env: 'ARGON2_CONCURRENCY', schema: int(0, 256), default: '0', doc: 'At most this many argon2id hashes or verifications at once; the rest wait their turn (0 = one per CPU core). More at once than cores makes each one cost more CPU (they evict each other from the cache) and holds up the other work of libuv\'s thread pool (token signatures).' }),
  interactionTtlSeconds: key({ env: 'INTERACTION_TTL_SECONDS', schema: int(60, 3600), default: '600', doc: 'How long a hosted login may take from the relying party redirect to the finish.' }),
  sessionTtlSeconds: key({ env: 'SESSION_TTL_SECONDS', schema: int(60, 2592000), default: '28800', doc: 'Lifetime of the IdP session (single sign-on across the relying parties).' }),
  refreshTokenTtlSeconds: key({ env: 'REFRESH_TOKEN_TTL_SECONDS', schema: int(60, 31536000), default: '2592000', doc: 'Lifetime of a refresh token of the app (rotated on every use).' }),
  accessTokenTtlSeconds: key({ env: 'ACCESS_TOKEN_TTL_SECONDS', schema: int(30, 86400), default: '600', doc: 'Lifetime of access tokens.' }),
  approvalTtlSeconds: key({ env: 'APPROVAL_TTL_SECONDS', schema: int(30, 600), default: '120', doc: 'How long a financeIDENT approval request can be answered (APR-1).' }),
  numberMatching: key({ env: 'NUMBER_MATCHING', schema: z.enum(['off', 'pick', 'type']), default: 'type', doc: 'Number matching against push fatigue (APR-5): off, pick one of three, or type the number.' }),
  numberMatchingDigits: key({ env: 'NUMBER_MATCHING_DIGITS', schema: int(2, 8), default: '6', doc: 'Length of the matching number; six typed digits give the 20 bits NIST SP 800-63B asks of an out-of-band secret.' }),
  approvalMaxOpenPerAccount: key({ env: 'APPROVAL_MAX_OPEN_PER_ACCOUNT', schema: int(1, 100), default: '3', doc: 'Open approval requests one account may have at once (APR-7, push bombing).' }),
  approvalMaxPerAccountPerHour: key({ env: 'APPROVAL_MAX_PER_ACCOUNT_PER_HOUR', schema: int(1, 1000), default: '20', doc: 'Approval requests one account may receive per hour (APR-7).' }),
  approvalResendCooldownSeconds: key({ env: 'APPROVAL_RESEND_COOLDOWN_SECONDS', schema: int(1, 600), default: '15', doc: 'Pause between two pushes of one approval request when the person asks to send it again (APR-7, push bombing).' }),
  approvalMaxResends: key({ env: 'APPROVAL_MAX_RESENDS', schema: int(0, 20), default: '3', doc: 'How often one approval request may be pushed again (APR-7).' }),
  notMeEndsRememberedBrowsers: key({ env: 'NOT_ME_ENDS_REMEMBERED_BROWSERS', schema: bool, default: 'true', doc: '"This wasn\'t me" also ends every remembered browser of the account (APR-6).' }),
  vapidPublicKey: key({ env: 'VAPID_PUBLIC_KEY', schema: z.string().min(1).optional(), doc: 'Web Push VAPID public key (URL-safe base64); generated into .dev/ in development.' }),
  vapidPrivateKey: key({ env: 'VAPID_PRIVATE_KEY', schema: z.string().min(1).optional(), doc: 'Web Push VAPID private key.' }),
  vapidSubject: key({ env: 'VAPID_SUBJECT', schema: z.string().regex(/^(mailto:|https:)/, 'a mailto: or https: URL'), default: 'mailto:security@financeident.example', doc: 'Contact the push services may use (VAPID sub).' }),
  pushServiceHosts: key({ env: 'PUSH_SERVICE_HOSTS', schema: list, default: 'fcm.googleapis.com,android.googleapis.com,updates.push.services.mozilla.com,push.services.mozilla.com,web.push.apple.com,*.push.apple.com,*.notify.windows.com', doc: 'Comma-separated hosts of the push services whose https endpoints a device may enrol (host, host:port or *.domain; without a port only 443). Default: the public browser and mobile push services. Names resolving to internal addresses are never called; production refuses loopback/private entries (a local push service is for tests only).' }),
  appStoreUrl: key({ env: 'APP_STORE_URL', schema: z.url(), default: 'https://apps.apple.com/de/app/financeident/id0000000000', doc: 'Link to the financeIDENT app in the App Store.' }),
  playStoreUrl: key({ env: 'PLAY_STORE_URL', schema: z.url(), default: 'https://play.google.com/store/apps/details?id=de.financeident.app', doc: 'Link to the financeIDENT app on Google Play.' }),
  defaultTwoFactorIntervalDays: key({ env: 'DEFAULT_TWO_FACTOR_INTERVAL_DAYS', schema: int(0, 90), default: '0', doc: 'Interval of new accounts: 0 = ask always, 1..90 days (RD-1).' }),
  smsFallbackForAppUsers: key({ env: 'SMS_FALLBACK_FOR_APP_USERS', schema: bool, default: 'false', doc: 'Whether accounts with the app may also fall back to an SMS code (SMS-2).' }),
  smsCodeTtlSeconds: key({ env: 'SMS_CODE_TTL_SECONDS', schema: int(60, 1800), default: '300', doc: 'Validity of a code by SMS for a login, a password or a mobile number change (SMS-3); the SMS says it in minutes.' }),
  smsCodeMaxTries: key({ env: 'SMS_CODE_MAX_TRIES', schema: int(1, 10), default: '5', doc: 'Wrong entries of one SMS code before it is void (SMS-3).' }),
  smsCodeResendCooldownSeconds: key({ env: 'SMS_CODE_RESEND_COOLDOWN_SECONDS', schema: int(5, 600), default: '30', doc: 'Pause between two SMS codes of one flow or account (SMS-3); also the password flow\'s own resend pause.' }),
  smsCodeMaxPerAccountPerHour: key({ env: 'SMS_CODE_MAX_PER_ACCOUNT_PER_HOUR', schema: int(1, 100), default: '5', doc: 'SMS codes of one purpose one account may be sent per hour (SMS-3, SMS pumping).' }),
  smsCodeMaxPerAccountPerDay: key({ env: 'SMS_CODE_MAX_PER_ACCOUNT_PER_DAY', schema: int(1, 1000), default: '10', doc: 'SMS codes of one purpose one account may be sent per day (SMS-3).' }),
  smsCodeMaxPerIpPerHour: key({ env: 'SMS_CODE_MAX_PER_IP_PER_HOUR', schema: int(1, 10000), default: '10', doc: 'SMS codes of one purpose asked for from one IP per hour (SMS-3).' }),
  smsCodeMaxPerIpPerDay: key({ env: 'SMS_CODE_MAX_PER_IP_PER_DAY', schema: int(1, 100000), default: '30', doc: 'SMS codes of one purpose asked for from one IP per day (SMS-3).' }),
  enrolmentCodeTtlSeconds: key({ env: 'ENROLMENT_CODE_TTL_SECONDS', schema: int(60, 1800), default: '300', doc: 'Validity of an activation code (ENR-3).' }),
  enrolmentCodeMaxTries: key({ env: 'ENROLMENT_CODE_MAX_TRIES', schema: int(1, 10), default: '5', doc: 'Wrong activation codes before the code is void (ENR-3).' }),
  enrolmentCodeDigits: key({ env: 'ENROLMENT_CODE_DIGITS', schema: int(6, 10), default: '6', doc: 'Digits of an activation code (ENR-3); the device API tells the app as codeLength.' }),
  enrolmentCodeMaxPerAccountPerHour: key({ env: 'ENROLMENT_CODE_MAX_PER_ACCOUNT_PER_HOUR', schema: int(1, 100), default: '5', doc: 'Activation SMS per account per hour (SMS pumping); one more enrolment start that hour is refused with sms.tooMany.' }),
  webauthnTimeoutSeconds: key({ env: 'WEBAUTHN_TIMEOUT_SECONDS', schema: int(30, 600), default: '120', doc: 'How long the browser waits for the person at a WebAuthn registration or approval in the web app (the timeout of the WebAuthn options).' }),
  deviceTokenMaxAgeSeconds: key({ env: 'DEVICE_TOKEN_MAX_AGE_SECONDS', schema: int(30, 600), default: '120', doc: 'How long after it was signed the app\'s device token or approval answer is accepted (its iat); each is usable once within it (replay).' }),
  passwordMinLength: key({ env: 'PASSWORD_MIN_LENGTH', schema: int(8, 128), default: '10', doc: 'Minimum length of a new password (PWD-1); at most 1024 characters, never the login id, never a common password.' }),
  passwordFlowTtlSeconds: key({ env: 'PASSWORD_FLOW_TTL_SECONDS', schema: int(300, 86400), default: '1800', doc: 'How long a started password setting (PWD-1) may take, codes resent within it included.' }),
  mobileChangePendingDays: key({ env: 'MOBILE_CHANGE_PENDING_DAYS', schema: int(1, 90), default: '7', doc: 'How long a mobile number a broker entered waits for its owner\'s confirmation (ACC-3).' }),
  smsGatewayUrl: key({ env: 'SMS_GATEWAY_URL', schema: z.url().optional(), doc: 'HTTP endpoint of the SMS provider; unset = the recording sink (development and tests).' }),
  smsGatewayToken: key({ env: 'SMS_GATEWAY_TOKEN', schema: z.string().min(1).optional(), doc: 'Bearer credential for the SMS provider.' }),
  smsSenderId: key({ env: 'SMS_SENDER_ID', schema: z.string().min(1).max(11), default: 'finIDENT', doc: 'Alphanumeric sender id shown on the phone (max. 11 characters).' }),
  smsGatewayTimeoutMs: key({ env: 'SMS_GATEWAY_TIMEOUT_MS', schema: int(100, 60000), default: '5000', doc: 'Timeout of one request to the SMS provider; a timed-out request is retried (SMS_GATEWAY_ATTEMPTS in all) with the same Idempotency-Key, so the provider never sends twice.' }),
  smsUnknownRetryDelaysSeconds: key({ env: 'SMS_UNKNOWN_RETRY_DELAYS_SECONDS', schema: list.pipe(z.array(z.string().regex(/^\d+$/, 'whole seconds').transform(Number).pipe(z.number().max(3600))).max(10)), default: '5,30,120', doc: 'Comma-separated waits before each background retry of an SMS whose delivery is unknown (the provider did not answer), sent again with the same Idempotency-Key so it is billed at most once (SMS-4).' }),
  smsUnknownKeepSeconds: key({ env: 'SMS_UNKNOWN_KEEP_SECONDS', schema: int(0, 86400), default: '600', doc: 'How long such an SMS is kept (in this process\'s memory only: it holds the code) for retries.' }),
  smsChargeSubBrokerCustomersTo: key({ env: 'SMS_CHARGE_SUB_BROKER_CUSTOMERS_TO', schema: z.enum(['broker', 'subBroker']), default: 'broker', doc: 'Who pays the SMS of a sub-broker\'s customer (SMS-4): the responsible broker above the sub-broker, or the sub-broker itself.' }),
  smsPriceLoginCents: key({ env: 'SMS_PRICE_LOGIN_CENTS', schema: int(0, 100000), default: '10', doc: 'Net price of one login-code SMS in euro cents (SMS-4).' }),
  smsPriceOtherCents: key({ env: 'SMS_PRICE_OTHER_CENTS', schema: int(0, 100000), default: '0', doc: 'Net price in euro cents of every other SMS (activation, password, mobile number change).' }),
  ssoSecondFactorGraceSeconds: key({ env: 'SSO_SECOND_FACTOR_GRACE_SECONDS', schema: int(0, 3600), default: '0', doc: 'Accounts with interval 0 ("Immer"): how long after a second factor single sign-on may carry it into another authorization. 0 = never: every authorization that needs a login asks a fresh second factor (OIDC-6).' }),
  clientRequestTimeoutMs: key({ env: 'CLIENT_REQUEST_TIMEOUT_MS', schema: int(100, 60000), default: '5000', doc: 'Timeout of each request the IdP makes to a relying party: a back-channel logout delivery, fetching a client\'s jwks_uri.' }),
  backchannelLogoutAttempts: key({ env: 'BACKCHANNEL_LOGOUT_ATTEMPTS', schema: int(1, 10), default: '3', doc: 'Deliveries of one logout token to a relying party\'s backchannel_logout_uri before it is recorded as failed (Back-Channel Logout 1.0).' }),
  backchannelLogoutRetryDelayMs: key({ env: 'BACKCHANNEL_LOGOUT_RETRY_DELAY_MS', schema: int(0, 600000), default: '2000', doc: 'Wait before the first retry of a failed back-channel logout delivery; doubled for each further retry.' }),
  smtpUrl: key({ env: 'SMTP_URL', schema: z.string().regex(/^smtps?:\/\//, 'an smtp:// or smtps:// URL').optional(), doc: 'Mail server for rollout mailings (BRK-2), e.g. smtp://user:pass@host:587 (STARTTLS) or smtps://…:465. Unset = the recording mail sink at /dev/mail (development and tests).' }),
  mailFrom: key({ env: 'MAIL_FROM', schema: z.string().min(3).max(200), default: 'financeIDENT <no-reply@financeident.example>', doc: 'From header of rollout mailings.' }),
  mailGuideUrl: key({ env: 'MAIL_GUIDE_URL', schema: z.url().optional(), doc: 'The customer guide linked from rollout mailings ({{guideLink}}). Default: the financeIDENT web app at $ISSUER/ident/.' }),
  mailingLeaseSeconds: key({ env: 'MAILING_LEASE_SECONDS', schema: int(2, 3600), default: '30', doc: 'How long a sending instance holds a mailing without renewing; after a crash another instance (or the restarted one) continues after this time.' }),
  mailingPollMs: key({ env: 'MAILING_POLL_MS', schema: int(100, 60000), default: '1000', doc: 'How often each instance looks for rollout mailings to send or continue.' }),
  smtpTimeoutSeconds: key({ env: 'SMTP_TIMEOUT_SECONDS', schema: int(1, 300), default: '15', doc: 'Timeouts towards the mail server (SMTP_URL): connecting, its greeting, and silence on the connection.' }),
  vatPercent: key({ env: 'VAT_PERCENT', schema: int(0, 100), default: '19', doc: 'VAT in whole percent on the quarterly SMS statement (rounded half-up on the total net, in cents).' }),
  // Lifetimes and retries that were numbers in the code (issue 14); today's values are the defaults.
  accountSessionTtlSeconds: key({ env: 'ACCOUNT_SESSION_TTL_SECONDS', schema: int(60, 28800), default: '900', doc: 'Lifetime of a sign-in to the account page /account (RD-3, RD-4, ENR-4); absolute, never extended, then the person signs in again with a fresh second factor.' }),
  accountSignInTtlSeconds: key({ env: 'ACCOUNT_SIGN_IN_TTL_SECONDS', schema: int(60, 3600), default: '600', doc: 'How long a started sign-in to /account may take (the cookie with its PKCE verifier, state and nonce).' }),
  brokerSessionTtlSeconds: key({ env: 'BROKER_SESSION_TTL_SECONDS', schema: int(60, 28800), default: '900', doc: 'Lifetime of a sign-in to the broker area /broker (BRK-1, BRK-2); absolute, never extended.' }),
  brokerSignInTtlSeconds: key({ env: 'BROKER_SIGN_IN_TTL_SECONDS', schema: int(60, 3600), default: '600', doc: 'How long a started sign-in to /broker may take (the cookie with its PKCE verifier, state and nonce).' }),
  idTokenTtlSeconds: key({ env: 'ID_TOKEN_TTL_SECONDS', schema: int(60, 86400), default: '3600', doc: 'Lifetime of an ID token (its exp; APR-8, OIDC-2).' }),
  authorizationCodeTtlSeconds: key({ env: 'AUTHORIZATION_CODE_TTL_SECONDS', schema: int(10, 600), default: '60', doc: 'Lifetime of an authorization code (OIDC-1); RFC 6749 10.5 recommends at most 10 minutes, and it is single-use.' }),
  smsGatewayAttempts: key({ env: 'SMS_GATEWAY_ATTEMPTS', schema: int(1, 10), default: '3', doc: 'Requests to the SMS provider for one message, the first included (SMS-5); every retry carries the same Idempotency-Key.' }),
  smsGatewayBackoffMs: key({ env: 'SMS_GATEWAY_BACKOFF_MS', schema: int(0, 60000), default: '250', doc: 'Wait before the second request to the SMS provider; doubled for each further one (SMS-5). The person waits on it at the login.' }),
  webPushAttempts: key({ env: 'WEB_PUSH_ATTEMPTS', schema: int(1, 10), default: '3', doc: 'Deliveries of one approval push to a push service, the first included, when it fails with a network error, 5xx or 429 (APR-2).' }),
  webPushRetryDelayMs: key({ env: 'WEB_PUSH_RETRY_DELAY_MS', schema: int(0, 60000), default: '200', doc: 'Wait before the first retry of a push delivery; doubled for each further one (APR-2).' }),
  webPushTimeoutMs: key({ env: 'WEB_PUSH_TIMEOUT_MS', schema: int(100, 60000), default: '5000', doc: 'Socket idle timeout of one request to a push service (APR-2).' }),
  webPushMaxRetryAfterMs: key({ env: 'WEB_PUSH_MAX_RETRY_AFTER_MS', schema: int(0, 60000), default: '2000', doc: 'A push service\'s Retry-After is honoured up to this long before the next attempt; the login waits on the push (APR-2).' }),
  flashMessageTtlSeconds: key({ env: 'FLASH_MESSAGE_TTL_SECONDS', schema: int(10, 3600), default: '600', doc: 'How long a form\'s outcome (a wrong password or code message, post/redirect/get) is kept for the page it redirects to, so a reload or a language switch shows it again.' }),
  waitingHeartbeatSeconds: key({ env: 'WAITING_HEARTBEAT_SECONDS', schema: int(1, 300), default: '15', doc: 'The waiting page\'s event stream (APR-3) sends a comment this often, so proxies keep the connection open; keep it below their idle timeout.' }),
  waitingLongPollSeconds: key({ env: 'WAITING_LONG_POLL_SECONDS', schema: int(1, 300), default: '25', doc: 'How long one long poll of the waiting page (APR-3, where no event stream works) waits for the decision before it answers the unchanged status; keep it below proxies\' idle timeout.' }),
  waitingSseRetryMs: key({ env: 'WAITING_SSE_RETRY_MS', schema: int(100, 60000), default: '2000', doc: 'How long the browser waits before it reconnects a cut event stream of the waiting page (the SSE retry field, APR-3).' }),
};

export type ConfigKey = keyof typeof CONFIG_KEYS;
export type Config = { [K in ConfigKey]: z.output<(typeof CONFIG_KEYS)[K]['schema']> } & { issuer: string };
