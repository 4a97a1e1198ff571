// Starts the whole IdP on a free port, on the shared test Redis (unique key prefix) and an injectable clock.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/load-config.js';
import { buildContainer, type Container } from '../../src/container.js';
import { createLogger } from '../../src/shared/logger.js';
import type { Clock } from '../../src/shared/clock.js';
import { testRedisClusterSeeds, testRedisUrl } from './redis.js';

export interface TestIdp {
  url: string;
  container: Container;
  server: Server;
  close(): Promise<void>;
}

const devStateDir = mkdtempSync(join(tmpdir(), 'fi-test-keys-'));

export interface TestIdpOptions {
  env?: Record<string, string>;
  clock?: Clock;
  /**
   * false = memory stores only (no Redis); a string = that Redis URL; 'cluster' = the shared test Redis Cluster;
   * { cluster } = the Redis Cluster with those seed nodes (REDIS_CLUSTER_NODES).
   */
  redis?: boolean | string | { cluster: string };
  /** https agent for the push channel (a local push service with a self-signed certificate). */
  pushAgent?: import('node:https').Agent;
  /** The issuer is https://localhost:<port> behind a TLS-terminating proxy (TRUST_PROXY=true); reach it with behindTlsProxy(). */
  https?: boolean;
  /** The service's logger (default: silent unless TEST_LOG_LEVEL is set). */
  logger?: import('../../src/shared/logger.js').Logger;
}

export async function startTestIdp(opts: TestIdpOptions = {}): Promise<TestIdp> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `${opts.https ? 'https' : 'http'}://localhost:${port}`;
  const clusterSeeds = opts.redis === 'cluster' ? testRedisClusterSeeds() : typeof opts.redis === 'object' ? opts.redis.cluster : undefined;
  const redisUrl = opts.redis === false || clusterSeeds ? undefined : typeof opts.redis === 'string' ? opts.redis : testRedisUrl();
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: String(port),
    ISSUER: url,
    DEV_STATE_DIR: devStateDir,
    LOG_LEVEL: 'silent',
    ...(opts.https ? { TRUST_PROXY: 'true' } : {}),
    ...(redisUrl ? { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: `t${randomBytes(6).toString('hex')}:` } : {}),
    ...(clusterSeeds ? { REDIS_CLUSTER_NODES: clusterSeeds, REDIS_KEY_PREFIX: `t${randomBytes(6).toString('hex')}:` } : {}),
    ...opts.env,
  });
  const container = await buildContainer(config, {
    ...(opts.clock ? { clock: opts.clock } : {}),
    ...(opts.pushAgent ? { pushAgent: opts.pushAgent } : {}),
    logger: opts.logger ?? createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
  });
  const { app } = buildApp(container);
  server.on('request', app.callback());
  return {
    url,
    container,
    server,
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await container.close();
    },
  };
}
