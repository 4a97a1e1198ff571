// `npm run statement`: the quarterly SMS statement of one broker (SMS-4) from the service's MongoDB. The embedded
// default keeps its ledger inside the running process, so without MONGODB_URI this says where the statement is instead.
import { parseArgs } from 'node:util';
import type { Config } from '../src/config/schema.js';
import { SmsStatementService, parseQuarter, toCsv, toJson } from '../src/services/sms-statement.js';
import { AppError } from '../src/shared/errors.js';
import type { AccountStore } from '../src/domain/account.js';
import type { SmsLedger } from '../src/domain/sms-ledger.js';

const USAGE = `SMS-Abrechnung eines Maklers (Quartal, Zeitzone Europe/Berlin)

Aufruf: npm run statement -- --broker <Zugangsnummer> --quarter JJJJ-Qn [--format csv|json]

  --broker N     Zugangsnummer des Maklers (oder Untervermittlers)
  --quarter Q    Quartal, z. B. 2026-Q4
  --format F     csv (Semikolon, Dezimalkomma) oder json (Standard)

Exit-Code: 0 Erfolg, 1 Fehler, 2 Aufruffehler (Quartal, Makler, Optionen).`;

class UsageError extends Error {}

function parse(argv: string[], io: Pick<StatementIo, 'out'>): { broker: string; quarter: string; format: 'csv' | 'json' } | null {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: argv, options: { broker: { type: 'string' }, quarter: { type: 'string' }, format: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (values.help) {
    io.out(`${USAGE}\n`);
    return null;
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


/** Where the statement comes from: the configured stores (MongoDB), and how to let them go. */
export interface StatementStores {
  accounts: AccountStore;
  smsLedger: SmsLedger;
  close(): Promise<void>;
}

export interface StatementIo {
  env: NodeJS.ProcessEnv;
  out(text: string): void;
  err(text: string): void;
  loadConfig(env: NodeJS.ProcessEnv): Config;
  openStores(config: Config): Promise<StatementStores>;
}

export const NEEDS_MONGODB = `npm run statement liest die SMS-Abrechnung aus der Datenbank des Dienstes und braucht dafür MONGODB_URI
(dieselbe wie der laufende Dienst, z. B. MONGODB_URI=mongodb://localhost:27017/financeident npm run statement -- …).

Ohne MONGODB_URI (die eingebettete Standardkonfiguration von "npm start") liegt alles nur im Speicher des laufenden
Prozesses; ein zweiter Prozess sieht davon nichts. Die Abrechnung gibt es dann beim laufenden Dienst:
  - im Vermittlerbereich: http://localhost:3000/broker
  - als API: GET /api/broker/statement?quarter=JJJJ-Qn&format=csv|json (Zugriffstoken einer Vermittlung, z. B. von smartMSC)`;

/** Runs the command; returns the exit code (0 success, 1 failure, 2 usage or configuration). */
export async function runStatement(argv: string[], io: StatementIo): Promise<number> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(argv, io);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err(`Fehler: ${e.message}\n\n${USAGE}`);
    return 2;
  }
  if (args === null) return 0;
  if (!io.env.MONGODB_URI) {
    io.err(NEEDS_MONGODB);
    return 2;
  }
  const config = io.loadConfig(io.env);
  const stores = await io.openStores(config);
  try {
    const broker = await stores.accounts.findByAccessNumber(args.broker);
    if (!broker || (broker.role !== 'broker' && broker.role !== 'subBroker')) {
      io.err(`Fehler: Es gibt keinen Makler mit der Zugangsnummer ${args.broker}.`);
      return 2;
    }
    const statements = new SmsStatementService({ ledger: stores.smsLedger, accounts: stores.accounts, vatPercent: config.vatPercent });
    const statement = await statements.statementFor(broker.id, args.quarter);
    io.out(args.format === 'csv' ? toCsv(statement) : toJson(statement));
    return 0;
  } catch (e) {
    if (e instanceof AppError && e.status < 500) {
      io.err(`Fehler: ${e.code}`);
      return 2;
    }
    throw e;
  } finally {
    await stores.close();
  }
}
