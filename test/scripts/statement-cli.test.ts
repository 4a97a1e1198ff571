// `npm run statement`: the quarterly SMS statement from the configured stores (here the embedded default).
import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const devStateDir = mkdtempSync(join(tmpdir(), 'fi-statement-cli-'));

function runStatement(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'test', LOG_LEVEL: 'silent', DEV_STATE_DIR: devStateDir, NODE_OPTIONS: '' };
  return new Promise((resolve, reject) => {
    const child = spawn(join(ROOT, 'node_modules/.bin/tsx'), ['scripts/statement.ts', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('npm run statement', () => {
  it('prints the statement of a broker as JSON and as CSV', async () => {
    const json = await runStatement(['--broker', '100001', '--quarter', '2026-Q4']);
    expect(json.stderr).not.toContain('Fehler');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ broker: { accessNumber: '100001' }, quarter: '2026-Q4', count: 0, netCents: 0, vatCents: 0, grossCents: 0, lines: [] });

    const csv = await runStatement(['--broker', '100001', '--quarter', '2026-Q4', '--format', 'csv']);
    expect(csv.code).toBe(0);
    expect(csv.stdout.split('\r\n').at(-2)).toBe('Summe;;;;;0;0,00;0,00;0,00');
  });

  it('a bad quarter, an unknown broker or a bad format is a clear error with exit code 2', async () => {
    const badQuarter = await runStatement(['--broker', '100001', '--quarter', '2026-Q5']);
    expect(badQuarter.code).toBe(2);
    expect(badQuarter.stderr).toContain('Ungültiges Quartal "2026-Q5"');
    expect(badQuarter.stdout).toBe('');

    const unknown = await runStatement(['--broker', '999999', '--quarter', '2026-Q4']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('keinen Makler mit der Zugangsnummer 999999');

    const customer = await runStatement(['--broker', '200001', '--quarter', '2026-Q4']);
    expect(customer.code).toBe(2);

    const badFormat = await runStatement(['--broker', '100001', '--quarter', '2026-Q4', '--format', 'xml']);
    expect(badFormat.code).toBe(2);
    expect((await runStatement([])).code).toBe(2);
  });
});
