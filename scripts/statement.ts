// The quarterly SMS statement of one broker (SMS-4), from the configured stores.
// Usage: npm run statement -- --broker <accessNumber> --quarter 2026-Q4 [--format csv|json]
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config/load-config.js';
import { buildContainer, type Container } from '../src/container.js';
import { SmsStatementService, parseQuarter, toCsv, toJson } from '../src/services/sms-statement.js';
import { createLogger } from '../src/shared/logger.js';
import { AppError } from '../src/shared/errors.js';

const USAGE = `SMS-Abrechnung eines Maklers (Quartal, Zeitzone Europe/Berlin)

Aufruf: npm run statement -- --broker <Zugangsnummer> --quarter JJJJ-Qn [--format csv|json]

  --broker N     Zugangsnummer des Maklers (oder Untervermittlers)
  --quarter Q    Quartal, z. B. 2026-Q4
  --format F     csv (Semikolon, Dezimalkomma) oder json (Standard)

Exit-Code: 0 Erfolg, 1 Fehler, 2 Aufruffehler (Quartal, Makler, Optionen).`;

class UsageError extends Error {}

function parse(argv: string[]): { broker: string; quarter: string; format: 'csv' | 'json' } {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: argv, options: { broker: { type: 'string' }, quarter: { type: 'string' }, format: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const broker = typeof values.broker === 'string' ? values.broker.trim() : '';
  const quarter = typeof values.quarter === 'string' ? values.quarter.trim() : '';
  const format = typeof values.format === 'string' ? values.format : 'json';
  if (!broker) throw new UsageError('--broker fehlt (Zugangsnummer des Maklers).');
  if (!quarter) throw new UsageError('--quarter fehlt (z. B. 2026-Q4).');
  try {
    parseQuarter(quarter);
  } catch {
    throw new UsageError(`Ungültiges Quartal "${quarter}": erwartet JJJJ-Qn, z. B. 2026-Q4.`);
  }
  if (format !== 'csv' && format !== 'json') throw new UsageError(`Ungültiges Format "${format}": csv oder json.`);
  return { broker, quarter, format };
}

async function main(): Promise<number> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`Fehler: ${e.message}\n\n${USAGE}`);
    return 2;
  }
  const config = loadConfig(process.env);
  const container: Container = await buildContainer(config, { logger: createLogger({ level: 'silent' }) });
  try {
    const broker = await container.accounts.findByAccessNumber(args.broker);
    if (!broker || (broker.role !== 'broker' && broker.role !== 'subBroker')) {
      console.error(`Fehler: Es gibt keinen Makler mit der Zugangsnummer ${args.broker}.`);
      return 2;
    }
    const statements = new SmsStatementService({ ledger: container.smsLedger, accounts: container.accounts, vatPercent: config.vatPercent });
    const statement = await statements.statementFor(broker.id, args.quarter);
    process.stdout.write(args.format === 'csv' ? toCsv(statement) : toJson(statement));
    return 0;
  } catch (e) {
    if (e instanceof AppError && e.status < 500) {
      console.error(`Fehler: ${e.code}`);
      return 2;
    }
    throw e;
  } finally {
    await container.close();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(`Fehler: ${(e as Error).message}`);
    process.exitCode = 1;
  },
);
