// The device simulator CLI, run as a child process against an in-process test IdP (no Redis, dev SMS inbox mounted).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Approval } from '../../src/services/approval-record.js';
import { startTestIdp, type TestIdp } from '../helpers/test-idp.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function runCli(idp: TestIdp, args: string[], cwd = ROOT): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(ROOT, 'node_modules/.bin/tsx'), [join(ROOT, 'scripts/ident.ts'), ...args], {
      cwd,
      env: { ...process.env, IDP_URL: idp.url, NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('npm run ident', () => {
  let idp: TestIdp;
  let dir: string;
  let state: string;
  let accountId: string;
  let n = 0;

  const newApproval = (): Promise<Approval> =>
    idp.container.approvals.create({ accountId, interactionUid: `cli-${++n}`, clientId: 'financecloud', clientName: 'FinanceCloud', ip: '192.0.2.7', browser: 'Firefox on Linux' });

  beforeAll(async () => {
    idp = await startTestIdp({ redis: false });
    dir = mkdtempSync(join(tmpdir(), 'fi-ident-cli-'));
    state = join(dir, 'device.json');
    accountId = (await idp.container.accounts.findByAccessNumber('200001'))!.id;
  });
  afterAll(async () => {
    await idp.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('enrols with the code from the dev SMS inbox and saves the key privately', async () => {
    const res = await runCli(idp, ['enrol', '--login', '200001', '--password', 'Demo-Passwort-2026', '--state', state]);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/Gerät registriert: dev_\S+ für 200001 \(/);
    const saved = JSON.parse(readFileSync(state, 'utf8')) as { deviceId: string; privateJwk: { d?: string } };
    expect(saved.privateJwk.d).toBeTruthy();
    expect(await idp.container.devices.get(saved.deviceId)).not.toBeNull();
    expect(statSync(state).mode & 0o777).toBe(0o600);
  }, 60_000);

  it('shows no pending approvals at first', async () => {
    const res = await runCli(idp, ['pending', '--state', state]);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/Keine offenen Freigabe-Anfragen/);
  }, 120_000);

  it('lists, approves with the number and denies with "not me"', async () => {
    const first = await newApproval();
    const listed = await runCli(idp, ['pending', '--state', state]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(first.id);
    expect(listed.stdout).toContain('FinanceCloud');

    const approved = await runCli(idp, ['approve', first.id, '--number', first.number ?? '', '--state', state]);
    expect(approved.stderr).toBe('');
    expect(approved.code).toBe(0);
    expect((await idp.container.approvals.get(first.id))?.status).toBe('approved');

    const second = await newApproval();
    const denied = await runCli(idp, ['deny', second.id, '--not-me', '--state', state]);
    expect(denied.code).toBe(0);
    expect((await idp.container.approvals.get(second.id))?.status).toBe('denied');
  }, 60_000);

  it('refuses a wrong number with the server message (exit 1)', async () => {
    const approval = await newApproval();
    const wrong = approval.number === '000000' ? '111111' : '000000';
    const res = await runCli(idp, ['approve', approval.id, '--number', wrong, '--state', state]);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/Falsche Zahl/);
    expect((await idp.container.approvals.get(approval.id))?.status).toBe('denied');
  }, 120_000);

  it('exits 2 on an unknown command', async () => {
    const res = await runCli(idp, ['frobnicate']);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/Unbekannter Befehl/);
  }, 120_000);
});

// Each case starts the simulator (tsx compiles on the fly) several times: generous limits for a busy 2-core machine.
describe('npm run ident: one key file per account, OS check, lockout time', () => {
  let idp: TestIdp;
  let cwd: string;
  beforeAll(async () => {
    idp = await startTestIdp({ redis: false, env: { LOGIN_MAX_FAILURES_PER_ACCOUNT: '2' } });
    cwd = mkdtempSync(join(tmpdir(), 'fi-ident-cwd-'));
  });
  afterAll(async () => {
    await idp.close();
    rmSync(cwd, { recursive: true, force: true });
  });

  it('keeps each account\'s key in .ident/<access number>.json; with several, --login picks one', async () => {
    for (const login of ['200003', '200006']) {
      const res = await runCli(idp, ['enrol', '--login', login, '--password', 'Demo-Passwort-2026'], cwd);
      expect(res.stderr).toBe('');
      expect(res.code).toBe(0);
      expect(res.stdout).toContain(join('.ident', `${login}.json`));
      expect(statSync(join(cwd, '.ident', `${login}.json`)).mode & 0o777).toBe(0o600);
    }
    // The first account's key is still there (not replaced by the second).
    expect(JSON.parse(readFileSync(join(cwd, '.ident', '200003.json'), 'utf8'))).toMatchObject({ accessNumber: '200003' });
    const ambiguous = await runCli(idp, ['pending'], cwd);
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toContain('--login');
    const picked = await runCli(idp, ['pending', '--login', '200006'], cwd);
    expect(picked.code).toBe(0);
    expect(picked.stdout).toContain('Keine offenen Freigabe-Anfragen.');
    // The repository ignores the folder.
    expect(readFileSync(join(ROOT, '.gitignore'), 'utf8').split('\n')).toContain('.ident/');
  }, 180_000);

  it('a too old OS is refused before any activation SMS; a lockout is shown in local time', async () => {
    const before = idp.container.smsSink!.list().length;
    const old = await runCli(idp, ['enrol', '--login', '200001', '--password', 'Demo-Passwort-2026', '--platform', 'ios', '--os-version', '12.4'], cwd);
    expect(old.code).toBe(1);
    expect(old.stderr).toContain('enrolment.osTooOld');
    expect(idp.container.smsSink!.list().length).toBe(before);

    await runCli(idp, ['enrol', '--login', '200004', '--password', 'Falsch-1'], cwd);
    const locked = await runCli(idp, ['enrol', '--login', '200004', '--password', 'Falsch-2'], cwd);
    expect(locked.code).toBe(1);
    expect(locked.stderr).toMatch(/Zu viele Fehlversuche\. Bitte versuchen Sie es ab \d\d:\d\d Uhr erneut\./);
    expect(locked.stderr).not.toMatch(/\d{4}-\d\d-\d\dT/);
  }, 180_000);
});
