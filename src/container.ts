// Composition root: builds every dependency once, as a list — stores, channels, login services, OIDC, account
// services — each part in src/composition/ picking memory, Redis or MongoDB and its settings from the config.
import { fileURLToPath } from 'node:url';
import type { Agent as HttpsAgent } from 'node:https';
import type Provider from 'oidc-provider';
import type { ClientMetadata } from './config/clients.js';
import type { Config } from './config/schema.js';
import { loadKeys, type KeyMaterial } from './config/keys.js';
import type { MailChannel } from './domain/mail-channel.js';
import type { MemorySmsSink } from './channels/memory-sms-sink.js';
import type { PushChannel } from './domain/push-channel.js';
import type { SmsChannel } from './domain/sms-channel.js';
import { buildAccountServices } from './composition/account-services.js';
import { buildChannels } from './composition/channels.js';
import { buildOidc } from './composition/provider.js';
import { seedData } from './composition/seed.js';
import { buildLoginServices, type LoginServices } from './composition/services.js';
import { buildStores } from './composition/stores.js';
import { buildSecondFactorRoom, type SecondFactorRoom } from './composition/second-factor.js';
import type { ClientRoles } from './config/client-roles.js';
import type { AccountSessions } from './provider/account-sessions.js';
import type { BackchannelLogout } from './provider/backchannel-logout.js';
import { createRenderer, type RenderPage } from './routes/render.js';
import type { AccountSessionEnder } from './domain/account-session-ender.js';
import type { ApprovalService } from './services/approval-service.js';
import type { BrokerArea } from './services/broker/build-broker-area.js';
import type { DeviceAuth } from './services/device-auth.js';
import type { DeviceService } from './services/device-service.js';
import type { EnrolmentService } from './services/enrolment-service.js';
import type { FailureLimiter } from './services/failure-limiter.js';
import type { IntervalService } from './services/interval-service.js';
import type { LoginService } from './services/login-service.js';
import type { PasswordHasher } from './services/password-hasher.js';
import type { PasswordSetup } from './services/password-setup.js';
import type { PendingLoginStore } from './services/pending-login.js';
import type { RememberedBrowserService } from './services/remembered-browsers.js';
import type { LedgerRecordingSmsChannel } from './services/sms-billing.js';
import type { SmsCodeService } from './services/sms-code-service.js';
import type { SmsStatementService } from './services/sms-statement.js';
import type { WebAuthnRp } from './services/webauthn.js';
import type { BackgroundTasks } from './shared/background-tasks.js';
import { type Clock, systemClock } from './shared/clock.js';
import { createLogger, type Logger } from './shared/logger.js';
import { createMetrics, type Metrics } from './shared/metrics.js';
import { cryptoRandom, type Random } from './shared/random.js';
import type { AccountStore } from './domain/account.js';
import type { AuditLog } from './domain/audit-log.js';
import type { DeviceStore } from './domain/device.js';
import type { EventBus, KvStore } from './domain/kv-store.js';
import type { SmsLedger } from './domain/sms-ledger.js';

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
  deviceAnswers: LoginServices['deviceAnswers'];
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
  /** The second factors (app approval, SMS code, remembered browser) and the login flow over them. */
  secondFactor: SecondFactorRoom;
  /** Quarterly SMS statements of a broker (SMS-4). */
  statements: SmsStatementService;
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
  pushAgent?: HttpsAgent;
  /** Replaces the mail channel of mailings (tests). */
  mail?: MailChannel;
}

/**
 * Builds the whole service from the configuration. Throws (before anything listens) on unusable keys, clients, seed
 * files or push settings; close() ends the mailing runner, waits for back-channel logouts and closes connections.
 */
export async function buildContainer(config: Config, overrides: ContainerOverrides = {}): Promise<Container> {
  const clock = overrides.clock ?? systemClock;
  const random = overrides.random ?? cryptoRandom;
  const logger = overrides.logger ?? createLogger({ level: config.logLevel });
  const metrics = createMetrics();
  // Compiled templates are kept (a restart picks up edited views; nothing here watches files anyway).
  const render = createRenderer(`${ROOT_DIR}views`, true);
  // The login services end OIDC sessions, which exist only once the provider is built below.
  const late: { sessions?: AccountSessions } = {};
  const endSessions: AccountSessionEnder = { endAll: (accountId, reason) => late.sessions!.endAll(accountId, reason) };

  const stores = await buildStores(config, { clock, random, logger });
  const keys = await loadKeys(config);
  const channels = buildChannels(config, { keys, stores, clock, random, logger, metrics }, overrides);
  const services = buildLoginServices(config, { stores, channels, clock, random, logger, metrics, sessions: endSessions });
  await seedData(ROOT_DIR, config, { stores, hasher: services.hasher, clock, random, logger });
  const oidc = await buildOidc(config, { rootDir: ROOT_DIR, keys, stores, render, rememberedBrowsers: services.rememberedBrowsers, clock, logger });
  late.sessions = oidc.sessions;
  const account = buildAccountServices(config, { stores, channels, services, sessions: oidc.sessions, clock, random, logger });
  const secondFactor = buildSecondFactorRoom(config, { stores, services, provider: oidc.provider, mobileChange: account.passwordSetup.mobileChange, clock, logger });

  account.broker.runner.start();
  const closers = [...stores.closers, () => account.broker.runner.stop()]; // the runner stops first (closers run in reverse)
  const { kv, bus, accounts, devices, audit, smsLedger, readinessChecks } = stores;
  const { sms, smsSink, smsSettlement, push } = channels;
  return {
    config, clock, random, logger, metrics, keys, render, readinessChecks,
    kv, bus, accounts, devices, audit, smsLedger,
    sms, smsSink, smsSettlement, push,
    ...services,
    clients: oidc.clients, clientRoles: oidc.clientRoles, provider: oidc.provider, backchannelLogout: oidc.backchannelLogout,
    ...account,
    secondFactor,
    embedded: !config.redisUrl && !config.redisClusterNodes && !config.mongodbUri,
    async close() {
      await oidc.backchannelLogout.idle();
      await services.tasks.drain();
      for (const close of closers.reverse()) {
        await close().catch((err: unknown) => logger.warn({ err: (err as Error)?.message }, 'a connection did not close cleanly at shutdown'));
      }
    },
  };
}
