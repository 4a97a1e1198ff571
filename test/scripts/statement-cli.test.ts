// `npm run statement`: the quarterly SMS statement from the service's MongoDB; without MONGODB_URI it says plainly
// where the statement of the running service is. Tested in-process (the command's function with memory stores in
// place of MongoDB), plus one real start of the script with a generous time limit (a busy CI machine is slow).
import { describe, expect, it, jest } from '@jest/globals';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config/load-config.js';
import { cryptoRandom } from '../../src/shared/random.js';
import { MemorySmsLedger } from '../../src/stores/memory/sms-ledger.js';
import { smsAccounts } from '../helpers/sms-accounts.js';
import { NEEDS_MONGODB, runStatement, type StatementIo } from '../../scripts/statement-cli.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The command with memory stores standing in for MongoDB: one 10-cent login SMS of a customer of broker 100001. */
async function run(argv: string[], env: NodeJS.ProcessEnv = { MONGODB_URI: 'mongodb://stand-in.invalid/fi', NODE_ENV: 'test' }) {
  const accounts = await smsAccounts();
  const ledger = new MemorySmsLedger(cryptoRandom);
  await ledger.record({ idempotencyKey: 'k1', accountId: 'customer', brokerId: 'broker', purpose: 'login', at: Date.parse('2026-11-02T10:00:00Z'), state: 'accepted', providerMessageId: 'p1', netCents: 10 });
  let out = '';
  let err = '';
  let closed = false;
  const io: StatementIo = {
    env,
    out: (text) => (out += text),
    err: (text) => (err += text),
    // MONGODB_URI must not make the test connect anywhere: the config is read without it.
    loadConfig: (e) => loadConfig({ ...e, MONGODB_URI: undefined, LOG_LEVEL: 'silent' }),
    openStores: async () => ({ accounts, smsLedger: ledger, close: async () => void (closed = true) }),
  };
  const code = await runStatement(argv, io);
  return { code, out, err, closed };
}

describe('npm run statement (in-process)', () => {
  it('prints the statement of a broker as JSON and as CSV from the configured stores', async () => {
    const json = await run(['--broker', '100001', '--quarter', '2026-Q4']);
    expect(json.err).toBe('');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.out)).toMatchObject({ broker: { accessNumber: '100001' }, quarter: '2026-Q4', count: 1, netCents: 10, vatCents: 2, grossCents: 12 });
    expect(json.closed).toBe(true);

    const csv = await run(['--broker', '100001', '--quarter', '2026-Q4', '--format', 'csv']);
    expect(csv.code).toBe(0);
    expect(csv.out.split('\r\n').at(-2)).toBe('Summe;;;;;1;0,10;0,02;0,12');
  });

  it('without MONGODB_URI it says plainly that it needs it and where the running service shows the statement', async () => {
    const res = await run(['--broker', '100001', '--quarter', '2026-Q4'], { NODE_ENV: 'test' });
    expect(res.code).toBe(2);
    expect(res.out).toBe('');
    expect(res.err).toBe(NEEDS_MONGODB);
    expect(res.err).toContain('MONGODB_URI');
    expect(res.err).toContain('/api/broker/statement');
  });

  it('a bad quarter, an unknown broker, a customer or a bad format is a clear error with exit code 2', async () => {
    const badQuarter = await run(['--broker', '100001', '--quarter', '2026-Q5']);
    expect(badQuarter.code).toBe(2);
    expect(badQuarter.err).toContain('Ungültiges Quartal "2026-Q5"');
    expect(badQuarter.out).toBe('');

    const unknown = await run(['--broker', '999999', '--quarter', '2026-Q4']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('keinen Makler mit der Zugangsnummer 999999');

    expect((await run(['--broker', '200001', '--quarter', '2026-Q4'])).code).toBe(2);
    expect((await run(['--broker', '100001', '--quarter', '2026-Q4', '--format', 'xml'])).code).toBe(2);
    expect((await run([])).code).toBe(2);
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('--quarter');
  });
});

describe('npm run statement (the script itself)', () => {
  // One process start (tsx compiles on the fly): on a busy 2-core machine that can take well over 30 s.
  jest.setTimeout(180_000);

  it('starts, and without MONGODB_URI explains what it needs (exit code 2)', async () => {
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'test', LOG_LEVEL: 'silent', NODE_OPTIONS: '' };
    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(join(ROOT, 'node_modules/.bin/tsx'), ['scripts/statement.ts', '--broker', '100001', '--quarter', '2026-Q4'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(NEEDS_MONGODB);
    expect(result.code).toBe(2);
  });
});
