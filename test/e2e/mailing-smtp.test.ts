// Rollout mailings over real SMTP (BRK-2): a real SMTP server (smtp-server) on a free port receives them. N customers
// with email → exactly N messages with the right personalised content and headers; a refused address is listed as
// failed; and a sending process killed mid-mailing and started again still delivers each message exactly once.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ROOT_DIR, buildContainer, type Container } from '../../src/container.js';
import { loadConfig } from '../../src/config/load-config.js';
import { brokerContext } from '../../src/services/broker/broker-access.js';
import { createLogger } from '../../src/shared/logger.js';
import type { Account } from '../../src/domain/account.js';
import { decodeQp, header, startSmtpServer, type TestSmtpServer } from '../helpers/smtp-server.js';
import { startTestIdp, type TestIdp } from '../helpers/test-idp.js';
import { testRedisUrl } from '../helpers/redis.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = await fn();
    if (v !== undefined && v !== false) return v as T;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

const countBy = (list: string[]) => list.reduce<Record<string, number>>((acc, x) => ((acc[x] = (acc[x] ?? 0) + 1), acc), {});

describe('mailing over SMTP, in process', () => {
  let smtp: TestSmtpServer;
  let idp: TestIdp;
  const N = 12;

  beforeAll(async () => {
    smtp = await startSmtpServer({ refuse: ['kunde5@example.de'] });
    idp = await startTestIdp({ env: { SMTP_URL: smtp.url, MAIL_FROM: 'Maklerbüro <rundmail@makler.example>' } });
    const now = Date.now();
    const acc = (id: string, accessNumber: string, role: Account['role'], brokerId: string | null, extra: Partial<Account> = {}): Account => ({
      id, accessNumber, email: null, mobile: '+4915199999990', name: id, role, brokerId, passwordHash: null, twoFactorMethod: 'app', twoFactorIntervalDays: 0, createdAt: now, updatedAt: now, ...extra,
    });
    await idp.container.accounts.insertMany([
      acc('smtp_broker', '810000', 'broker', null, { name: 'Makler <Sommer> & Co' }),
      ...Array.from({ length: N }, (_, i) => acc(`smtp_c${i}`, `811${String(i).padStart(3, '0')}`, 'customer', 'smtp_broker', { name: i === 3 ? 'Eva <b>Fett</b>' : `Kunde ${i}`, email: `kunde${i}@example.de` })),
      acc('smtp_noemail', '819999', 'customer', 'smtp_broker', { name: 'Ohne Mail' }),
    ]);
  }, 60_000);
  afterAll(async () => {
    await idp.close();
    await smtp.close();
  });

  it('delivers exactly one personalised multipart message per customer with email; a refused one is failed', async () => {
    const c = idp.container;
    const ctx = await brokerContext((await c.accounts.findById('smtp_broker'))!, c.broker.stores.rights);
    const created = await c.broker.mailings.create(ctx, 'rollout-with-mobile', { mobile: 'yes' }, '192.0.2.1');
    expect(created).toMatchObject({ recipients: N, unreachable: 1 });
    const progress = await until('mailing done', async () => {
      const p = await c.broker.mailings.progress(ctx, created.id);
      return p.status === 'done' ? p : undefined;
    });
    expect(progress).toMatchObject({ status: 'done', total: N, sent: N - 1, failed: 1, unknown: 0, unreachable: 1 });
    const recipients = smtp.received.flatMap((m) => m.to);
    expect(recipients).toHaveLength(N - 1);
    expect(Object.values(countBy(recipients)).every((n) => n === 1)).toBe(true);
    expect(recipients).not.toContain('kunde5@example.de');

    const eva = smtp.received.find((m) => m.to[0] === 'kunde3@example.de')!;
    expect(header(eva.raw, 'From')).toMatch(/rundmail@makler\.example/);
    expect(header(eva.raw, 'To')).toBe('kunde3@example.de');
    expect(header(eva.raw, 'Message-ID')).toBe(`<${created.id}.smtp_c3@localhost>`);
    expect(Number.isNaN(Date.parse(header(eva.raw, 'Date')!))).toBe(false);
    expect(header(eva.raw, 'Content-Type')).toMatch(/^multipart\/alternative/);
    const body = decodeQp(eva.raw);
    expect(body).toContain('Guten Tag Eva <b>Fett</b>,');
    expect(body).toContain('Guten Tag Eva &lt;b&gt;Fett&lt;/b&gt;,');
    expect(body).not.toContain('<b>Fett</b>,<');
    expect(body).toContain('Makler &lt;Sommer&gt; &amp; Co');
    expect(body).toContain('(811003)');

    const list = await c.broker.mailings.recipientsOf(ctx, created.id);
    expect(list.find((r) => r.email === 'kunde5@example.de')).toMatchObject({ state: 'failed', error: 'smtp 550' });
    expect(list.find((r) => r.accountId === 'smtp_noemail')).toMatchObject({ state: 'unreachable' });
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

describe('mailing over SMTP, sending process killed mid-mailing', () => {
  const N = 12;
  const KILL_AFTER = 5;
  let dir: string;
  let seedFile: string;
  const prefix = `tkill${randomBytes(4).toString('hex')}:`;
  let child: ChildProcess | undefined;
  let log = '';

  const accounts = [
    { id: 'kill_broker', accessNumber: '820000', role: 'broker', name: 'Makler Kill', email: 'makler@kill.example', mobile: '+4915199999980' },
    ...Array.from({ length: N }, (_, i) => ({ id: `kill_c${i}`, accessNumber: `82${String(i + 1).padStart(4, '0')}`, role: 'customer', brokerAccessNumber: '820000', name: `Kunde ${i}`, email: `kill${i}@example.de`, mobile: '+4915199999981' })),
  ];

  function env(smtpUrl: string, port: number): NodeJS.ProcessEnv {
    return {
      PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), NODE_ENV: 'test', HOST: '127.0.0.1', PORT: String(port), ISSUER: `http://localhost:${port}`,
      REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: prefix, DEV_STATE_DIR: dir, LOG_LEVEL: 'warn', SEED_ACCOUNTS_FILE: seedFile,
      SMTP_URL: smtpUrl, MAILING_LEASE_SECONDS: '2',
    };
  }

  async function startSender(smtpUrl: string): Promise<ChildProcess> {
    const port = await freePort();
    // node itself with tsx as a loader (not the tsx wrapper), so that SIGKILL ends the very process that sends.
    const c = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: ROOT_DIR, stdio: ['ignore', 'pipe', 'pipe'], env: env(smtpUrl, port) });
    const keep = (chunk: Buffer) => void (log = (log + chunk.toString()).slice(-8000));
    c.stdout!.on('data', keep);
    c.stderr!.on('data', keep);
    await until('sender /healthz', async () => {
      if (c.exitCode !== null) throw new Error(`sender exited:\n${log}`);
      return fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok || undefined, () => undefined);
    });
    return c;
  }

  async function kill(c: ChildProcess | undefined): Promise<void> {
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise<void>((r) => c.once('exit', () => r()));
    c.kill('SIGKILL');
    await exited;
  }

  /** A mailing created through the real service in a container that shares Redis (its own runner stopped at once). */
  async function createMailing(smtpUrl: string): Promise<{ id: string; container: Container }> {
    const config = loadConfig(env(smtpUrl, 1) as Record<string, string>);
    const container = await buildContainer(config, { logger: createLogger({ level: 'silent' }) });
    await container.broker.runner.stop();
    const ctx = await brokerContext((await container.accounts.findById('kill_broker'))!, container.broker.stores.rights);
    const { id } = await container.broker.mailings.create(ctx, 'rollout-with-mobile', {}, '192.0.2.1');
    return { id, container };
  }

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'fi-mailing-kill-'));
    seedFile = join(dir, 'accounts.json');
    writeFileSync(seedFile, JSON.stringify(accounts));
  });
  afterAll(async () => {
    await kill(child);
    rmSync(dir, { recursive: true, force: true });
  });

  it('killed while connecting for the next recipient: after the restart every customer has exactly one message', async () => {
    let held: (() => void) | undefined;
    let heldReached: () => void = () => {};
    const reached = new Promise<void>((r) => (heldReached = r));
    const smtp = await startSmtpServer({
      // The connection for recipient KILL_AFTER + 1 hangs before the greeting: that recipient is claimed, nothing transmitted.
      onConnect: (n) => {
        if (n !== KILL_AFTER + 1 || held) return;
        heldReached();
        return new Promise<void>((resolve) => (held = resolve));
      },
    });
    const { id, container } = await createMailing(smtp.url);
    try {
      child = await startSender(smtp.url);
      await reached;
      expect(smtp.received).toHaveLength(KILL_AFTER);
      await kill(child);
      held?.();
      child = await startSender(smtp.url);
      const done = await until('all messages', () => (smtp.received.length >= N ? true : undefined), 90_000);
      expect(done).toBe(true);
      await until('mailing done', async () => ((await container.broker.stores.mailings.counts(id)).sent === N ? true : undefined));
      await sleep(500);
      const counts = countBy(smtp.received.flatMap((m) => m.to));
      expect(Object.keys(counts).sort()).toEqual(accounts.slice(1).map((a) => a.email).sort());
      expect(Object.values(counts).every((n) => n === 1)).toBe(true);
      expect(await container.broker.stores.mailings.counts(id)).toMatchObject({ sent: N, failed: 0, unknown: 0, pending: 0, claimed: 0, sending: 0 });
    } finally {
      await kill(child);
      await container.close();
      await smtp.close();
    }
  }, 180_000);

  it('killed while a message is being transmitted: that recipient is "unknown" and never sent again by itself; the rest exactly once', async () => {
    let heldReached: () => void = () => {};
    const reached = new Promise<void>((r) => (heldReached = r));
    let release: ((accept: boolean) => void) | undefined;
    const smtp = await startSmtpServer({
      // Message KILL_AFTER + 1 arrives completely but is never acknowledged (the sender dies waiting for the 250).
      beforeAccept: (_mail, n) => {
        if (n !== KILL_AFTER + 1) return true;
        heldReached();
        return new Promise<boolean>((resolve) => (release = resolve));
      },
    });
    const { id, container } = await createMailing(smtp.url);
    try {
      child = await startSender(smtp.url);
      await reached;
      await kill(child);
      release?.(false);
      child = await startSender(smtp.url);
      await until('mailing done', async () => ((await container.broker.stores.mailings.counts(id)).sent === N - 1 ? true : undefined), 90_000);
      await sleep(500);
      const counts = countBy(smtp.received.flatMap((m) => m.to));
      expect(smtp.received).toHaveLength(N - 1);
      expect(Object.values(counts).every((n) => n === 1)).toBe(true);
      const list = await container.broker.stores.mailings.recipients(id);
      const unknown = list.filter((r) => r.state === 'unknown');
      expect(unknown).toHaveLength(1);
      expect(counts[unknown[0]!.email!]).toBeUndefined();
      expect(await container.broker.stores.mailings.counts(id)).toMatchObject({ sent: N - 1, unknown: 1, pending: 0, claimed: 0, sending: 0 });
    } finally {
      await kill(child);
      await container.close();
      await smtp.close();
    }
  }, 180_000);
});
