// Composition, stores: memory, Redis (single or Cluster) or MongoDB implementations of every store, picked from the config.
import type { Configuration } from 'oidc-provider';
import { Cluster } from 'ioredis';
import type { Connection } from 'mongoose';
import type { Config } from '../config/schema.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { Random } from '../shared/random.js';
import type { AccountStore } from '../domain/account.js';
import type { AuditLog } from '../domain/audit-log.js';
import type { DeviceStore } from '../domain/device.js';
import type { EventBus, KvStore } from '../domain/kv-store.js';
import type { SmsLedger } from '../domain/sms-ledger.js';
import type { BrokerStores } from '../services/broker/build-broker-area.js';
import { MemoryAccountStore } from '../stores/memory/account-store.js';
import { MemoryAuditLog } from '../stores/memory/audit-log.js';
import { MemoryCustomerDirectory } from '../stores/memory/customer-directory.js';
import { MemoryDeviceStore } from '../stores/memory/device-store.js';
import { MemoryEventBus } from '../stores/memory/event-bus.js';
import { MemoryKvStore } from '../stores/memory/kv-store.js';
import { MemoryMailingStore } from '../stores/memory/mailings.js';
import { MemoryMailingTemplateStore } from '../stores/memory/mailing-templates.js';
import { MemoryMobileChangeLog } from '../stores/memory/mobile-change-log.js';
import { memoryAdapterFactory } from '../stores/memory/oidc-adapter.js';
import { MemorySmsLedger } from '../stores/memory/sms-ledger.js';
import { MemoryStaffRightsStore } from '../stores/memory/staff-rights.js';
import { MongoAccountStore } from '../stores/mongo/account-store.js';
import { MongoAuditLog } from '../stores/mongo/audit-log.js';
import { MongoMailingTemplateStore, MongoMobileChangeLog, MongoStaffRightsStore } from '../stores/mongo/broker-stores.js';
import { connectMongo, pingMongo } from '../stores/mongo/connection.js';
import { MongoCustomerDirectory } from '../stores/mongo/customer-directory.js';
import { MongoDeviceStore } from '../stores/mongo/device-store.js';
import { MongoMailingStore } from '../stores/mongo/mailings.js';
import { MongoSmsLedger } from '../stores/mongo/sms-ledger.js';
import { checkClusterHealth } from '../stores/redis/cluster-health.js';
import { RedisEventBus } from '../stores/redis/event-bus.js';
import { RedisKvStore } from '../stores/redis/kv-store.js';
import { RedisMailingStore } from '../stores/redis/mailings.js';
import { redisAdapterFactory } from '../stores/redis/oidc-adapter.js';
import { createClusterSubscriberClient, createRedisClient, createRedisClusterClient, createSubscriberClient, type RedisConnection } from '../stores/redis/redis-client.js';

export interface Stores {
  /** Short-lived state: approvals, codes, limits, remembered browsers (src/stores/key-layout.ts lists every key). */
  kv: KvStore;
  bus: EventBus;
  /** The oidc-provider adapter (its models on Redis or in memory). */
  adapter: Configuration['adapter'];
  accounts: AccountStore;
  devices: DeviceStore;
  audit: AuditLog;
  smsLedger: SmsLedger;
  broker: BrokerStores;
  /** Dependencies /readyz checks (only those configured). */
  readinessChecks: Record<string, () => Promise<void | string>>;
  /** Closes connections; run in reverse order. */
  closers: (() => Promise<unknown>)[];
}

interface Base {
  clock: Clock;
  random: Random;
  logger: Logger;
}

interface ShortLived {
  kv: KvStore;
  bus: EventBus;
  adapter: Configuration['adapter'];
  redis?: RedisConnection;
}

/** Redis (one server or a Cluster) when configured, else memory; registers readiness checks and closers. */
function shortLived(config: Config, { clock, logger }: Base, readinessChecks: Stores['readinessChecks'], closers: Stores['closers']): ShortLived {
  if (!config.redisUrl && !config.redisClusterNodes) {
    // single use decided atomically in memory too, as on Redis
    return { kv: new MemoryKvStore(clock), bus: new MemoryEventBus(), adapter: memoryAdapterFactory(clock) as unknown as Configuration['adapter'] };
  }
  const onError = (error: Error) => logger.warn({ err: error.message }, 'redis connection problem');
  const cluster = config.redisClusterNodes;
  const client: RedisConnection = cluster
    ? createRedisClusterClient(cluster, { keyPrefix: config.redisKeyPrefix, onError })
    : createRedisClient(config.redisUrl!, { keyPrefix: config.redisKeyPrefix, onError });
  const subscriber = cluster ? createClusterSubscriberClient(cluster, { onError }) : createSubscriberClient(config.redisUrl!, { onError });
  const kv = new RedisKvStore(client);
  const bus = new RedisEventBus(client, subscriber);
  // On a cluster: every master reachable and all 16384 slots covered, reported without hosts or error text.
  readinessChecks.redis = client instanceof Cluster ? () => checkClusterHealth(client) : () => kv.ping();
  closers.push(() => bus.close(), () => client.quit().catch(() => client.disconnect()));
  return { kv, bus, adapter: redisAdapterFactory(client, clock) as unknown as Configuration['adapter'], redis: client };
}

/** Every store. MongoDB keeps accounts, devices, the audit log, the SMS ledger and the broker area; memory without it. */
export async function buildStores(config: Config, base: Base): Promise<Stores> {
  const { clock, random } = base;
  const readinessChecks: Stores['readinessChecks'] = {};
  const closers: Stores['closers'] = [];
  const { kv, bus, adapter, redis } = shortLived(config, base, readinessChecks, closers);
  let mongo: Connection | undefined;
  if (config.mongodbUri) {
    const conn = await connectMongo(config.mongodbUri);
    mongo = conn;
    readinessChecks.mongodb = () => pingMongo(conn);
    closers.push(() => conn.close());
  }
  const accounts = mongo ? new MongoAccountStore(mongo) : new MemoryAccountStore();
  const devices = mongo ? new MongoDeviceStore(mongo) : new MemoryDeviceStore();
  return {
    kv,
    bus,
    adapter,
    accounts,
    devices,
    audit: mongo ? new MongoAuditLog(mongo, random) : new MemoryAuditLog({ random }),
    smsLedger: mongo ? new MongoSmsLedger(mongo, random) : new MemorySmsLedger(random),
    broker: {
      directory: mongo ? new MongoCustomerDirectory(mongo) : new MemoryCustomerDirectory({ accounts, devices }),
      rights: mongo ? new MongoStaffRightsStore(mongo) : new MemoryStaffRightsStore(),
      mobileChanges: mongo ? new MongoMobileChangeLog(mongo) : new MemoryMobileChangeLog(),
      templates: mongo ? new MongoMailingTemplateStore(mongo) : new MemoryMailingTemplateStore(),
      // MongoDB keeps mailings and results for good; without it, Redis still lets a job survive a restart.
      mailings: mongo ? new MongoMailingStore(mongo, clock) : redis ? new RedisMailingStore(redis) : new MemoryMailingStore(clock),
    },
    readinessChecks,
    closers,
  };
}
