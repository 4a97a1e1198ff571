// Composition root: builds every dependency once and picks memory, Redis or MongoDB implementations from config.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type Provider from 'oidc-provider';
import type { Configuration } from 'oidc-provider';
import { Cluster } from 'ioredis';
import type { Connection } from 'mongoose';
import type { Config } from './config/schema.js';
import { ClientConfigError, loadClients, parseClients, type ClientMetadata } from './config/clients.js';
import { loadKeys, type KeyMaterial } from './config/keys.js';
import { createProvider } from './provider/create-provider.js';
import { providerPages } from './provider/provider-pages.js';
import { createRenderer, type RenderPage } from './routes/render.js';
import { AccountImportError, importAccounts } from './services/account-import.js';
import { FailureLimiter } from './services/failure-limiter.js';
import { LoginService } from './services/login-service.js';
import { argon2Hasher, type PasswordHasher } from './services/password-hasher.js';
import { PendingLoginStore } from './services/pending-login.js';
import { type Clock, systemClock } from './shared/clock.js';
import { createLogger, type Logger } from './shared/logger.js';
import { createMetrics, type Metrics } from './shared/metrics.js';
import { cryptoRandom, type Random } from './shared/random.js';
import type { AccountStore } from './stores/account-store.js';
import type { EventBus, KvStore } from './stores/kv-store.js';
import { MemoryAccountStore } from './stores/memory/account-store.js';
import { MemoryEventBus } from './stores/memory/event-bus.js';
import { MemoryKvStore } from './stores/memory/kv-store.js';
import { MongoAccountStore } from './stores/mongo/account-store.js';
import { connectMongo, pingMongo } from './stores/mongo/connection.js';
import { RedisEventBus } from './stores/redis/event-bus.js';
import { RedisKvStore } from './stores/redis/kv-store.js';
import { createClusterSubscriberClient, createRedisClient, createRedisClusterClient, createSubscriberClient, type RedisConnection } from './stores/redis/redis-client.js';
import { checkClusterHealth } from './stores/redis/cluster-health.js';
import { redisAdapterFactory } from './stores/redis/oidc-adapter.js';
import { memoryAdapterFactory } from './stores/memory/oidc-adapter.js';
import type { AuditLog } from './stores/audit-log.js';
import type { DeviceStore } from './stores/device-store.js';
import { MemoryDeviceStore } from './stores/memory/device-store.js';
import { MemoryAuditLog } from './stores/memory/audit-log.js';
import { MongoDeviceStore } from './stores/mongo/device-store.js';
import { MongoAuditLog } from './stores/mongo/audit-log.js';
import type { SmsLedger } from './stores/sms-ledger.js';
import { MemorySmsLedger } from './stores/memory/sms-ledger.js';
import { MongoSmsLedger } from './stores/mongo/sms-ledger.js';
import { HttpSmsGateway } from './channels/http-sms-gateway.js';
import { LedgerRecordingSmsChannel, smsBillingSettings } from './services/sms-billing.js';
import type { SmsChannel } from './channels/sms-channel.js';
import { MemorySmsSink } from './channels/memory-sms-sink.js';
import { createWebPushChannel } from './channels/web-push-channel.js';
import type { PushChannel } from './channels/push-channel.js';
import { ApprovalService } from './services/approval-service.js';
import { DeviceAuth } from './services/device-auth.js';
import { backgroundTasks, type BackgroundTasks } from './shared/background-tasks.js';
import { DeviceKeyAnswerVerifier } from './services/second-factor/verifiers/device-key-answer.js';
import { WebAuthnAnswerVerifier } from './services/second-factor/verifiers/webauthn-answer.js';
import { DeviceService } from './services/device-service.js';
import { activationCodeSettings, EnrolmentService } from './services/enrolment-service.js';
import { RememberedBrowserService } from './services/remembered-browsers.js';
import { IntervalService } from './services/interval-service.js';
import { ACCOUNT_CLIENT_ID, withAccountClient } from './config/account-client.js';
import { withBrokerClient } from './config/broker-client.js';
import { SmsCodeService } from './services/sms-code-service.js';
import { PurposeCodeService } from './services/purpose-codes.js';
import { buildPasswordSetup, type PasswordSetup } from './services/password-setup.js';
import { AccountSessions } from './provider/account-sessions.js';
import { WebAuthnRp } from './services/webauthn.js';
import { BackchannelLogout } from './provider/backchannel-logout.js';
import { ClientRoles } from './config/client-roles.js';
import { rememberedBrowserCookies } from './routes/interactions/remembered-browser-cookie.js';
import { PushEndpointPolicy, publicOnlyLookup } from './services/push-endpoints.js';
import { Agent as HttpsAgent } from 'node:https';
import { buildBrokerArea, buildBrokerStores, MOBILE_CHANGE_PENDING_MS, type BrokerArea } from './services/broker/build-broker-area.js';
import { seedBrokerDemo } from './services/broker/seed-broker-demo.js';
import type { MailChannel } from './channels/mail-channel.js';

/** The repository root (views, public, config), from src/ when run with tsx and from dist/src/ when compiled. */
export const ROOT_DIR = fileURLToPath(new URL(import.meta.url.includes('/dist/src/') ? '../../' : '../', import.meta.url));

export interface Container {
  config: Config;
  clock: Clock;
  random: Random;
  logger: Logger;
  metrics: Metrics;
  keys: KeyMaterial;
  clients: ClientMetadata[];
  kv: KvStore;
  bus: EventBus;
  accounts: AccountStore;
  hasher: PasswordHasher;
  limiter: FailureLimiter;
  login: LoginService;
  pending: PendingLoginStore;
  devices: DeviceStore;
  audit: AuditLog;
  sms: SmsChannel;
  /** The recording SMS sink when no gateway is configured (development and tests). */
  smsSink: MemorySmsSink | null;
  /** One line per SMS sent, charged to the responsible broker (SMS-4). */
  smsLedger: SmsLedger;
  /** The ledger-recording SMS channel: settlePending() retries SMS whose delivery is unknown (same idempotency key). */
  smsSettlement: LedgerRecordingSmsChannel;
  push: PushChannel;
  approvals: ApprovalService;
  /** Work requests start and do not wait for (push rounds); close() drains it, tests may too. */
  tasks: BackgroundTasks;
  deviceAuth: DeviceAuth;
  /** One verifier per kind of device answer (device-key JWS, WebAuthn assertion). */
  deviceAnswers: { deviceKey: DeviceKeyAnswerVerifier; webauthn: WebAuthnAnswerVerifier };
  deviceService: DeviceService;
  enrolment: EnrolmentService;
  /** The web app's WebAuthn relying party (rpID = the issuer's hostname). */
  webauthn: WebAuthnRp;
  smsCodes: SmsCodeService;
  /** Setting a password (PWD-1, PWD-2) and changing a mobile number (ACC-3). */
  passwordSetup: PasswordSetup;
  rememberedBrowsers: RememberedBrowserService;
  /** OIDC-5: which account roles may use which client. */
  clientRoles: ClientRoles;
  /** Logout tokens to the relying parties of ended sessions (OIDC-7). */
  backchannelLogout: BackchannelLogout;
  intervals: IntervalService;
  /** The broker area (BRK-1, BRK-2): customers, staff rights, mailings and their runner. */
  broker: BrokerArea;
  render: RenderPage;
  provider: Provider;
  /** Dependencies /readyz checks (only those configured); a check may resolve with a public detail. */
  readinessChecks: Record<string, () => Promise<void | string>>;
  /** Whether this instance runs the embedded default (memory stores, demo data). */
  embedded: boolean;
  close(): Promise<void>;
}

export interface ContainerOverrides {
  clock?: Clock;
  random?: Random;
  logger?: Logger;
  /** Replaces the SMS channel (tests of the gateway). */
  sms?: SmsChannel;
  /** Replaces the push channel's https agent (tests with a local push service). */
  pushAgent?: import('node:https').Agent;
  /** Replaces the mail channel of mailings (tests). */
  mail?: MailChannel;
}

async function seedAccounts(config: Config, deps: Parameters<typeof importAccounts>[1], logger: Logger): Promise<void> {
  const file = config.seedAccountsFile ?? (config.mongodbUri ? undefined : `${ROOT_DIR}config/demo-accounts.json`);
  if (!file) return;
  let records: unknown;
  try {
    records = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new AccountImportError([`${file}: ${(e as Error).message}`]);
  }
  try {
    const count = await importAccounts(records, deps);
    logger.info({ file, count }, 'accounts imported');
  } catch (e) {
    const alreadyThere = e instanceof AccountImportError && e.problems.every((p) => p.endsWith('already exists'));
    if (!alreadyThere) throw e;
    logger.info({ file }, 'seed accounts already present; nothing imported');
  }
}

/** The provider checks a client's metadata on first use; do it now, so a bad client stops the start with its id named. */
async function checkClientsAtStart(provider: Provider, clients: ClientMetadata[]): Promise<void> {
  const problems: string[] = [];
  for (const { client_id: id } of clients) {
    await provider.Client.find(id).catch((e: { error_description?: string; message?: string }) => problems.push(`${id}: ${e.error_description ?? e.message}`));
  }
  if (problems.length) throw new ClientConfigError(problems);
}

export async function buildContainer(config: Config, overrides: ContainerOverrides = {}): Promise<Container> {
  const clock = overrides.clock ?? systemClock;
  const random = overrides.random ?? cryptoRandom;
  const logger = overrides.logger ?? createLogger({ level: config.logLevel });
  const metrics = createMetrics();
  const closers: (() => Promise<unknown>)[] = [];
  const readinessChecks: Record<string, () => Promise<void | string>> = {};

  let kv: KvStore;
  let bus: EventBus;
  let adapter: Configuration['adapter'];
  let redisClient: RedisConnection | undefined;
  if (config.redisUrl || config.redisClusterNodes) {
    const onError = (error: Error) => logger.warn({ err: error.message }, 'redis connection problem');
    const cluster = config.redisClusterNodes;
    const client: RedisConnection = cluster
      ? createRedisClusterClient(cluster, { keyPrefix: config.redisKeyPrefix, onError })
      : createRedisClient(config.redisUrl!, { keyPrefix: config.redisKeyPrefix, onError });
    const subscriber = cluster ? createClusterSubscriberClient(cluster, { onError }) : createSubscriberClient(config.redisUrl!, { onError });
    redisClient = client;
    kv = new RedisKvStore(client);
    const redisBus = new RedisEventBus(client, subscriber);
    bus = redisBus;
    adapter = redisAdapterFactory(client, clock) as unknown as Configuration['adapter'];
    // On a cluster: every master reachable and all 16384 slots covered, reported without hosts or error text.
    readinessChecks.redis = client instanceof Cluster ? () => checkClusterHealth(client) : () => kv.ping();
    closers.push(() => redisBus.close(), () => client.quit().catch(() => client.disconnect()));
  } else {
    kv = new MemoryKvStore(clock);
    bus = new MemoryEventBus();
    adapter = memoryAdapterFactory(clock) as unknown as Configuration['adapter']; // single use decided atomically, as on Redis
  }

  let accounts: AccountStore;
  let devices: DeviceStore;
  let audit: AuditLog;
  let smsLedger: SmsLedger;
  let mongo: Connection | undefined;
  if (config.mongodbUri) {
    mongo = await connectMongo(config.mongodbUri);
    const conn = mongo;
    accounts = new MongoAccountStore(conn);
    devices = new MongoDeviceStore(conn);
    audit = new MongoAuditLog(conn, random);
    smsLedger = new MongoSmsLedger(conn, random);
    readinessChecks.mongodb = () => pingMongo(conn);
    closers.push(() => conn.close());
  } else {
    accounts = new MemoryAccountStore();
    devices = new MemoryDeviceStore();
    audit = new MemoryAuditLog({ random });
    smsLedger = new MemorySmsLedger(random);
  }

  const hasher = argon2Hasher({ memoryCost: config.argon2MemoryKib, timeCost: config.argon2TimeCost });
  await seedAccounts(config, { accounts, hasher, clock, random, defaultIntervalDays: config.defaultTwoFactorIntervalDays }, logger);

  const brokerStores = buildBrokerStores({ ...(mongo ? { mongo } : {}), ...(redisClient ? { redis: redisClient } : {}), accounts, devices, clock });
  if (!config.seedAccountsFile && !config.mongodbUri) await seedBrokerDemo(`${ROOT_DIR}config/demo-broker.json`, { accounts, devices, rights: brokerStores.rights, clock, random, defaultIntervalDays: config.defaultTwoFactorIntervalDays, development: config.nodeEnv === 'development' }, logger);

  const keys = await loadKeys(config);
  let clients = config.clientsFile
    ? await loadClients(config.clientsFile, config.issuer)
    : parseClients(JSON.parse(await readFile(`${ROOT_DIR}config/demo-clients.json`, 'utf8')), config.issuer);
  clients = withAccountClient(clients, config.issuer, keys.cookieKeys[0]!); // the account page's own client, always present
  clients = withBrokerClient(clients, config.issuer, keys.cookieKeys[0]!); // the broker area's own client, always present

  const limiter = new FailureLimiter(kv, clock, 'limit');
  const windowMs = config.loginFailureWindowSeconds * 1000;
  const lockMs = config.loginLockoutSeconds * 1000;
  const login = new LoginService({
    accounts,
    hasher,
    limiter,
    perAccount: { maxFailures: config.loginMaxFailuresPerAccount, windowMs, lockMs },
    perIp: { maxFailures: config.loginMaxFailuresPerIp, windowMs, lockMs },
  });
  const pending = new PendingLoginStore(kv, config.interactionTtlSeconds * 1000);
  // Compiled templates are kept (a restart picks up edited views; nothing here watches files anyway).
  const render = createRenderer(`${ROOT_DIR}views`, true);
  const acr = { password: config.acrPassword, twoFactor: config.acrTwoFactor };

  const smsSink = config.smsGatewayUrl ? null : new MemorySmsSink(clock, random);
  const smsGateway = config.smsGatewayUrl
    ? new HttpSmsGateway({ url: config.smsGatewayUrl, token: config.smsGatewayToken, sender: config.smsSenderId, timeoutMs: config.smsGatewayTimeoutMs, log: logger })
    : null;
  // Every SMS, whatever carries it, is recorded in the ledger before it is sent and billed once when accepted (SMS-4).
  const smsSettlement = new LedgerRecordingSmsChannel({ inner: overrides.sms ?? smsGateway ?? smsSink!, ledger: smsLedger, accounts, clock, settings: smsBillingSettings(config), log: logger, countAccepted: metrics.smsSent });
  const sms: SmsChannel = smsSettlement;
  // Push endpoints are called later on a device's word: only allowed push services, never internal addresses (SSRF).
  const pushEndpoints = new PushEndpointPolicy(config.pushServiceHosts);
  if (config.nodeEnv === 'production' && pushEndpoints.internalEntries().length > 0) {
    throw new Error(`PUSH_SERVICE_HOSTS: internal addresses are not allowed in production (${pushEndpoints.internalEntries().join(', ')})`);
  }
  const push = createWebPushChannel({
    vapid: { ...keys.vapid, subject: config.vapidSubject },
    log: logger,
    agent: overrides.pushAgent ?? new HttpsAgent({ keepAlive: true, lookup: publicOnlyLookup }),
    allowEndpoint: (endpoint) => pushEndpoints.allows(endpoint),
  });
  const rememberedBrowsers = new RememberedBrowserService({ kv, clock, random, log: logger });
  const tasks = backgroundTasks(logger);
  const approvals = new ApprovalService({
    tasks,
    log: logger,
    kv,
    bus,
    devices,
    audit,
    push,
    clock,
    random,
    metrics,
    channelPrefix: config.redisKeyPrefix,
    settings: {
      ttlMs: config.approvalTtlSeconds * 1000,
      numberMode: config.numberMatching,
      numberDigits: config.numberMatchingDigits,
      maxOpenPerAccount: config.approvalMaxOpenPerAccount,
      maxPerAccountPerHour: config.approvalMaxPerAccountPerHour,
      resendCooldownMs: 15_000,
      maxResends: 3,
    },
    onNotMe: async (accountId) => {
      logger.warn({ accountId }, 'approval denied as "this wasn\'t me"');
      if (config.notMeEndsRememberedBrowsers) await rememberedBrowsers.endAll(accountId);
      await passwordSetup.sessions.endAll(accountId, 'not_me'); // OIDC-7: the relying parties hear of it
    },
  });
  const deviceAuth = new DeviceAuth({ devices, kv, clock, audience: `${config.issuer}/ident/api` });
  const intervals = new IntervalService({ accounts, audit, clock });
  const deviceService = new DeviceService({
    devices,
    audit,
    clock,
    pushEndpoints,
    onRemoved: async (d) => {
      await rememberedBrowsers.endAll(d.accountId);
      await passwordSetup.sessions.endAll(d.accountId, 'device_removed'); // OIDC-7
    },
  });
  const webauthn = WebAuthnRp.forIssuer(config.issuer);
  const deviceAnswers = { deviceKey: new DeviceKeyAnswerVerifier({ deviceAuth }), webauthn: new WebAuthnAnswerVerifier({ approvals, webauthn, devices: deviceService }) };
  // One one-time-code service for every SMS code (login, activation, password, mobile change), numbers per purpose.
  const codes = new PurposeCodeService({ kv, sms, clock, random, purposes: { activation: activationCodeSettings(config) } });
  const enrolment = new EnrolmentService({ accounts, devices, login, codes, audit, kv, clock, random, webauthn, pushEndpoints });
  const smsCodes = new SmsCodeService(codes);

  const clientRoles = new ClientRoles(clients);
  const openToAll = clientRoles.unrestricted().filter((id) => id !== ACCOUNT_CLIENT_ID);
  if (config.clientsFile && openToAll.length) logger.warn({ clients: openToAll }, 'clients without allowed_roles admit every role (OIDC-5)');
  const provider = createProvider({
    issuer: config.issuer,
    clients,
    jwks: keys.jwks,
    cookieKeys: keys.cookieKeys,
    accounts,
    adapter,
    pages: providerPages(render),
    proxy: config.trustProxy,
    acr,
    ttl: {
      interaction: config.interactionTtlSeconds,
      session: config.sessionTtlSeconds,
      refreshToken: config.refreshTokenTtlSeconds,
      accessToken: config.accessTokenTtlSeconds,
    },
    clientRequestTimeoutMs: config.clientRequestTimeoutMs,
    clientRoles,
    sso: {
      clock,
      ssoGraceSeconds: config.ssoSecondFactorGraceSeconds,
      stillRemembered: (ctx, account) => rememberedBrowserCookies(rememberedBrowsers).isRemembered(ctx, account),
    },
  });
  provider.on('server_error', (_ctx, err) => logger.error({ err }, 'oidc provider error'));
  await checkClientsAtStart(provider, clients);
  const backchannelLogout = new BackchannelLogout({
    provider,
    audit,
    clock,
    logger,
    settings: { attempts: config.backchannelLogoutAttempts, retryDelayMs: config.backchannelLogoutRetryDelayMs },
  }).attach();
  // Every OIDC session and grant per account, indexed from the provider's events, so they can all be ended.
  const sessions = new AccountSessions({
    kv,
    provider,
    ttlMs: Math.max(config.sessionTtlSeconds, config.refreshTokenTtlSeconds) * 1000,
    logger,
    onEnded: backchannelLogout,
  }).attach();
  const passwordSetup = buildPasswordSetup({
    config, kv, sms, codes, clock, random, logger, accounts, login, hasher, audit, rememberedBrowsers, sessions,
    mobileChangeOptions: { log: brokerStores.mobileChanges, random, confirmUrl: (token) => `${config.issuer.replace(/\/+$/, '')}/mobile/confirm/${token}`, pendingTtlMs: MOBILE_CHANGE_PENDING_MS },
  });
  const broker = buildBrokerArea({
    config, stores: brokerStores, accounts, audit, deviceService, rememberedBrowsers, mobileChange: passwordSetup.mobileChange, clock, random, logger,
    ...(overrides.mail ? { mail: overrides.mail } : {}),
  });
  broker.runner.start();
  closers.push(() => broker.runner.stop()); // closed first (closers run in reverse)

  return {
    config,
    clock,
    random,
    logger,
    metrics,
    keys,
    clients,
    kv,
    bus,
    accounts,
    hasher,
    limiter,
    login,
    pending,
    devices,
    audit,
    sms,
    smsSink,
    smsLedger,
    smsSettlement,
    push,
    approvals,
    tasks,
    deviceAuth,
    deviceAnswers,
    deviceService,
    enrolment,
    webauthn,
    smsCodes,
    passwordSetup,
    rememberedBrowsers,
    backchannelLogout,
    clientRoles,
    intervals,
    broker,
    render,
    provider,
    readinessChecks,
    embedded: !config.redisUrl && !config.redisClusterNodes && !config.mongodbUri,
    async close() {
      await backchannelLogout.idle();
      await tasks.drain();
      for (const close of closers.reverse()) await close().catch(() => undefined);
    },
  };
}
