// Boot only: read config, build the container, listen, print where to go, shut down gracefully on signals.
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:http';
import { buildApp } from './app.js';
import { loadConfig } from './config/load-config.js';
import { buildContainer } from './container.js';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const container = await buildContainer(config);
  const { app, readiness } = buildApp(container);
  const server = createServer(app.callback());
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(config.port, config.host, resolve));
  const { port } = server.address() as AddressInfo;
  container.logger.info({ port, issuer: config.issuer, embedded: container.embedded }, 'financeIDENT IdP listening');
  if (container.embedded) printWelcome(config.issuer);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    container.logger.info({ signal }, 'shutting down: draining connections');
    readiness.startDraining();
    const forceExit = setTimeout(() => process.exit(1), 10_000);
    forceExit.unref();
    server.close();
    server.closeIdleConnections();
    await new Promise((r) => setTimeout(r, 200));
    server.closeAllConnections();
    await container.close();
    container.logger.info('bye');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

function printWelcome(issuer: string): void {
  const lines = [
    '',
    'financeIDENT IdP — embedded default (in-memory stores, demo data; nothing is kept after a restart)',
    `  Discovery:        ${issuer}/.well-known/openid-configuration`,
    `  Try a login:      ${issuer}/demo   (FinanceCloud, FinanceApp and smartMSC demo pages)`,
    `  SMS sink:         ${issuer}/dev/sms`,
    `  Broker area:      ${issuer}/broker   (100001 broker, 100002 employee without the mailing right, 100003 sub-broker)`,
    `  Mail sink:        ${issuer}/dev/mail   (rollout mailings when SMTP_URL is unset)`,
    '  Demo logins (password Demo-Passwort-2026 unless noted):',
    '    100001 broker Maklerbüro Sommer · 100002 employee · 100003 sub-broker',
    '    200001 customer Erika Mustermann (interval 7 days) · 200002 customer without mobile number',
    '    200003 / 200004 share familie@example.de (200004: Demo-Passwort-2026-B) · 200005 SMS-only customer',
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`financeIDENT IdP could not start:\n${message}\n`);
  process.exit(1);
});
