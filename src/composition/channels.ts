// Composition, channels: SMS (gateway or recording sink, always behind the billing ledger), Web Push and mail.
import { Agent as HttpsAgent } from 'node:https';
import { HttpSmsGateway } from '../channels/http-sms-gateway.js';
import type { MailChannel } from '../domain/mail-channel.js';
import { MemoryMailSink } from '../channels/memory-mail-sink.js';
import { MemorySmsSink } from '../channels/memory-sms-sink.js';
import type { PushChannel } from '../domain/push-channel.js';
import type { SmsChannel } from '../domain/sms-channel.js';
import { SmtpMailChannel } from '../channels/smtp-mail-channel.js';
import { createWebPushChannel } from '../channels/web-push-channel.js';
import type { Config } from '../config/schema.js';
import type { KeyMaterial } from '../config/keys.js';
import { PushEndpointPolicy, publicOnlyLookup } from '../services/push-endpoints.js';
import { LedgerRecordingSmsChannel, smsBillingSettings } from '../services/sms-billing.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { Metrics } from '../shared/metrics.js';
import type { Random } from '../shared/random.js';
import type { Stores } from './stores.js';

export interface Channels {
  /** Every SMS goes through the ledger-recording channel (SMS-4). */
  sms: SmsChannel;
  /** The same channel: settlePending() retries SMS whose delivery is unknown (same idempotency key). */
  smsSettlement: LedgerRecordingSmsChannel;
  /** The recording SMS sink when no gateway is configured (development and tests). */
  smsSink: MemorySmsSink | null;
  push: PushChannel;
  /** Which push endpoints a device may enrol (SSRF). */
  pushEndpoints: PushEndpointPolicy;
  mail: MailChannel;
  /** The recording mail sink when no SMTP_URL is configured. */
  mailSink: MemoryMailSink | null;
}

export interface ChannelOverrides {
  sms?: SmsChannel;
  pushAgent?: HttpsAgent;
  mail?: MailChannel;
}

interface Parts {
  keys: KeyMaterial;
  stores: Stores;
  clock: Clock;
  random: Random;
  logger: Logger;
  metrics: Metrics;
}

/** Throws when PUSH_SERVICE_HOSTS names internal addresses in production or the VAPID keys are unusable. */
export function buildChannels(config: Config, p: Parts, overrides: ChannelOverrides): Channels {
  const { clock, random, logger } = p;
  const smsSink = config.smsGatewayUrl ? null : new MemorySmsSink(clock, random);
  const smsGateway = config.smsGatewayUrl
    ? new HttpSmsGateway({ url: config.smsGatewayUrl, token: config.smsGatewayToken, sender: config.smsSenderId, timeoutMs: config.smsGatewayTimeoutMs, maxAttempts: config.smsGatewayAttempts, backoffMs: config.smsGatewayBackoffMs, log: logger })
    : null;
  // Every SMS, whatever carries it, is recorded in the ledger before it is sent and billed once when accepted (SMS-4).
  const smsSettlement = new LedgerRecordingSmsChannel({
    inner: overrides.sms ?? smsGateway ?? smsSink!,
    ledger: p.stores.smsLedger,
    accounts: p.stores.accounts,
    clock,
    settings: smsBillingSettings(config),
    log: logger,
    countAccepted: p.metrics.smsSent,
    retryDelaysMs: config.smsUnknownRetryDelaysSeconds.map((seconds) => seconds * 1000),
    keepMs: config.smsUnknownKeepSeconds * 1000,
  });

  // Push endpoints are called later on a device's word: only allowed push services, never internal addresses (SSRF).
  const pushEndpoints = new PushEndpointPolicy(config.pushServiceHosts);
  if (config.nodeEnv === 'production' && pushEndpoints.internalEntries().length > 0) {
    throw new Error(`PUSH_SERVICE_HOSTS: internal addresses are not allowed in production (${pushEndpoints.internalEntries().join(', ')})`);
  }
  const push = createWebPushChannel({
    vapid: { ...p.keys.vapid, subject: config.vapidSubject },
    log: logger,
    maxAttempts: config.webPushAttempts,
    retryDelayMs: config.webPushRetryDelayMs,
    timeoutMs: config.webPushTimeoutMs,
    maxRetryAfterMs: config.webPushMaxRetryAfterMs,
    agent: overrides.pushAgent ?? new HttpsAgent({ keepAlive: true, lookup: publicOnlyLookup }),
    allowEndpoint: (endpoint) => pushEndpoints.allows(endpoint),
  });

  const mailSink = overrides.mail || config.smtpUrl ? null : new MemoryMailSink(clock);
  const mail = overrides.mail ?? (config.smtpUrl ? new SmtpMailChannel({ url: config.smtpUrl, timeoutMs: config.smtpTimeoutSeconds * 1000, name: new URL(config.issuer).hostname }) : mailSink!);

  return { sms: smsSettlement, smsSettlement, smsSink, push, pushEndpoints, mail, mailSink };
}
