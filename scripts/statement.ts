// The quarterly SMS statement of one broker (SMS-4), from the configured stores (see statement-cli.ts).
// Usage: npm run statement -- --broker <accessNumber> --quarter 2026-Q4 [--format csv|json]   (needs MONGODB_URI)
import { loadConfig } from '../src/config/load-config.js';
import { buildContainer } from '../src/container.js';
import { createLogger } from '../src/shared/logger.js';
import { runStatement } from './statement-cli.js';

runStatement(process.argv.slice(2), {
  env: process.env,
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(`${text}\n`),
  loadConfig,
  openStores: async (config) => {
    const container = await buildContainer(config, { logger: createLogger({ level: 'silent' }) });
    return { accounts: container.accounts, smsLedger: container.smsLedger, close: () => container.close() };
  },
}).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`Fehler: ${(e as Error).message}\n`);
    process.exitCode = 1;
  },
);
