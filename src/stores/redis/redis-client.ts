// Redis connections (one server or a Redis Cluster) that fail fast while Redis is down (so callers fail closed) and reconnect by themselves.
import { createHash } from 'node:crypto';
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';

/** A command client on one Redis or on a Redis Cluster; the stores take either. */
export type RedisConnection = Redis | Cluster;

/** A Redis Cluster seed node (REDIS_CLUSTER_NODES). */
export interface ClusterNode {
  host: string;
  port: number;
}

export interface RedisClientOptions {
  /** Prepended to every key (not to channels, nor to KEYS/SCAN patterns). */
  keyPrefix?: string;
  /** Connection errors; without a listener ioredis prints them to the console. */
  onError?: (error: Error) => void;
  /** A command without an answer after this long is rejected (a hung Redis fails closed too). Default 2000 ms. */
  commandTimeoutMs?: number;
}

/** Reconnect forever: 100 ms, 200 ms, 400 ms, … at most 2 s between attempts. */
export function reconnectDelay(attempt: number): number {
  return Math.min(50 * 2 ** Math.min(attempt, 6), 2000);
}

function baseOptions(opts: RedisClientOptions): RedisOptions {
  return {
    keyPrefix: opts.keyPrefix,
    lazyConnect: false,
    connectTimeout: 2000,
    commandTimeout: opts.commandTimeoutMs ?? 2000,
    // Commands already sent when the connection drops are rejected after one failed reconnect.
    maxRetriesPerRequest: 1,
    retryStrategy: reconnectDelay,
    // See queueUntilFirstConnect below.
    enableOfflineQueue: true,
  };
}

/**
 * A new client may be used at once: commands issued before the first connection attempt has settled
 * wait for it. From then on the offline queue is off, so every command issued while Redis is
 * unreachable is rejected at once instead of waiting for a reconnect.
 * (With the queue off from the start, every command issued right after construction would fail with
 * "Stream isn't writeable".)
 * A cluster keeps what it queued while it reconnects, so when its first attempt fails the queued
 * commands are rejected here (through ioredis' own flushQueue).
 */
function queueUntilFirstConnect(client: RedisConnection): void {
  const settle = () => {
    client.options.enableOfflineQueue = false;
    client.off('ready', settle);
    client.off('close', settle);
    if (client instanceof Cluster && client.status !== 'ready') {
      (client as unknown as { flushQueue?: (error: Error) => void }).flushQueue?.(new Error('Redis Cluster unreachable'));
    }
  };
  client.on('ready', settle);
  client.on('close', settle);
}

/** The client for commands (KvStore, oidc adapter, publishing). The caller quits it. */
export function createRedisClient(url: string, opts: RedisClientOptions = {}): Redis {
  // Commands issued in the same tick leave in one socket write (same order, same connection): fewer syscalls per login.
  const client = new Redis(url, { ...baseOptions(opts), enableAutoPipelining: true });
  queueUntilFirstConnect(client);
  if (opts.onError) client.on('error', opts.onError);
  return client;
}

/**
 * A dedicated connection for SUBSCRIBE (a subscribed connection can run no other commands).
 * Same fail-fast rules: a subscribe while Redis is down is rejected at once (the caller learns it will
 * not get messages) rather than queued. Subscriptions confirmed before an outage are restored by
 * ioredis itself on reconnect (autoResubscribe), which it sends once the connection is ready, so it
 * does not need the offline queue. Messages published during the outage are lost (pub/sub has no memory).
 */
export function createSubscriberClient(url: string, opts: Omit<RedisClientOptions, 'keyPrefix'> = {}): Redis {
  const client = new Redis(url, { ...baseOptions(opts), autoResubscribe: true });
  queueUntilFirstConnect(client);
  if (opts.onError) client.on('error', opts.onError);
  return client;
}

/**
 * Cluster settings with the same fail-fast rules as one server. A command whose master is gone is
 * retried every 100 ms while the cluster fails over (a replica takes the slots) and rejected after
 * about 1.5 s when none does; with the whole cluster unreachable it is rejected at once.
 */
function clusterOptions(opts: RedisClientOptions): ClusterOptions {
  const { retryStrategy: _ignored, enableOfflineQueue: _queue, ...node } = baseOptions(opts);
  return {
    keyPrefix: opts.keyPrefix,
    clusterRetryStrategy: reconnectDelay,
    enableOfflineQueue: true,
    enableReadyCheck: true,
    retryDelayOnFailover: 100,
    retryDelayOnClusterDown: 100,
    retryDelayOnTryAgain: 100,
    maxRedirections: 16,
    slotsRefreshTimeout: 1000,
    // A stopped node is dropped and the slots table is refreshed; nodes come back through it.
    redisOptions: { ...node, keyPrefix: undefined },
  };
}

/** The command client on a Redis Cluster (KvStore, oidc adapter, publishing). The caller quits it. */
export function createRedisClusterClient(nodes: readonly ClusterNode[], opts: RedisClientOptions = {}): Cluster {
  const client = new Cluster(nodes.map((n) => ({ ...n })), clusterOptions(opts));
  queueUntilFirstConnect(client);
  if (opts.onError) client.on('error', opts.onError);
  return client;
}

/**
 * A dedicated cluster client for SUBSCRIBE. PUBLISH on a cluster reaches the subscribers of every
 * node, so one subscription on any node hears decisions published through any instance. ioredis
 * subscribes on one node and moves the subscriptions to another when that node goes away.
 */
export function createClusterSubscriberClient(nodes: readonly ClusterNode[], opts: Omit<RedisClientOptions, 'keyPrefix'> = {}): Cluster {
  return createRedisClusterClient(nodes, opts);
}

/** A Lua script run by EVALSHA, loaded by EVAL on NOSCRIPT. Keys get the client's keyPrefix. */
export interface LuaScript {
  run(client: RedisConnection, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown>;
}

export function luaScript(source: string): LuaScript {
  const sha = createHash('sha1').update(source).digest('hex');
  return {
    async run(client, keys, args) {
      try {
        return await client.evalsha(sha, keys.length, ...keys, ...args);
      } catch (error) {
        if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
        return client.eval(source, keys.length, ...keys, ...args);
      }
    },
  };
}
