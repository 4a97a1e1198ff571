// Boot only: read config, build the container, listen, print where to go, shut down gracefully on signals.
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:http';
import { buildApp } from './app.js';
import { loadConfig } from './config/load-config.js';
import { buildContainer } from './container.js';
import { httpPostMethodsEnabled } from './provider/create-provider.js';
import { welcomeText } from './welcome.js';
import { trackConnections } from './server/connection-drain.js';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const container = await buildContainer(config);
  const { app, readiness } = buildApp(container);
  const server = createServer(app.callback());
  server.keepAliveTimeout = 65_000;
  const connections = trackConnections(server);
  await new Promise<void>((resolve) => server.listen(config.port, config.host, resolve));
  const { port } = server.address() as AddressInfo;
  const httpPostMethods = httpPostMethodsEnabled(config.issuer);
  container.logger.info({ port, issuer: config.issuer, embedded: container.embedded, httpPostMethods }, 'financeIDENT IdP listening');
  if (container.embedded) process.stdout.write(await welcomeText(config.issuer, config.seedAccountsFile));
  if (!httpPostMethods) {
    process.stdout.write('Note: the issuer is plain http, so /auth and /session/end accept GET only (POST needs https: its session cookie is SameSite=None; Secure).\n');
  }

  // Every log line stays one JSON object, also for failures nobody awaited.
  process.on('unhandledRejection', (err) => container.logger.error({ err }, 'unhandled rejection'));
  process.on('uncaughtException', (err) => {
    container.logger.fatal({ err }, 'uncaught exception');
    process.exit(1);
  });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    const timeoutMs = config.shutdownDrainTimeoutSeconds * 1000;
    container.logger.info({ signal, timeoutMs, open: connections.open }, 'shutting down: draining connections');
    // /readyz says draining; waiting pages' streams and long polls end with "reconnect" (to another instance).
    readiness.startDraining();
    const { forced, durationMs } = await connections.drain({ timeoutMs });
    if (forced > 0) container.logger.warn({ forced, durationMs }, 'drain timeout: connections cut');
    await container.passwordSetup.passwords.settled(); // password codes still being handed over in the background
    await container.close();
    container.logger.info({ durationMs, forced }, 'bye');
    process.exit(forced > 0 ? 1 : 0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`financeIDENT IdP could not start:\n${message}\n`);
  process.exit(1);
});
