// Issue 10.7: SIGTERM to the real process (npm start's entry, src/main.ts) with 30 password posts in flight: every
// one is answered (none reset), idle keep-alive connections are closed, a waiting page's event stream is told to
// reconnect, new connections are refused, and the process exits 0; a request that never completes is cut after
// SHUTDOWN_DRAIN_TIMEOUT_SECONDS and the process exits 1.
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { request as httpRequest, Agent } from 'node:http';
import { connect, createServer } from 'node:net';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { Browser, findForm } from '../helpers/browser.js';
import { DeviceClient } from '../../src/ident-client/device-client.js';

jest.setTimeout(180_000);

const ROOT = join(import.meta.dirname, '..', '..');

interface Running {
  child: ChildProcess;
  url: string;
  port: number;
  stdout: () => string;
  exited: Promise<number | null>;
}
let running: Running | undefined;
afterEach(() => {
  if (running && running.child.exitCode === null) running.child.kill('SIGKILL');
  running = undefined;
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function startIdp(env: Record<string, string> = {}): Promise<Running> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // One process, as in production (`node dist/src/main.js`): the tsx CLI would sit in between and relay signals itself.
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'test', PORT: String(port), HOST: '127.0.0.1', ISSUER: url, LOG_LEVEL: 'info', DEV_STATE_DIR: mkdtempSync(join(tmpdir(), 'fi-shutdown-')), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 90_000;
  while (!out.includes('financeIDENT IdP listening')) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`IdP did not start:\n${out}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  running = { child, url, port, stdout: () => out, exited };
  return running;
}

/** The stdout lines that are log lines (the embedded default also prints a plain welcome text). */
function logLines(out: string): Record<string, unknown>[] {
  return out
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

const demoClient = (JSON.parse(readFileSync(join(ROOT, 'config', 'demo-clients.json'), 'utf8')) as { client_id: string; redirect_uris: string[] }[]).find((c) => c.client_id === 'financecloud')!;

/** A new browser on the hosted login page of a FinanceCloud login. */
async function loginPage(url: string): Promise<{ browser: Browser; page: Awaited<ReturnType<Browser['go']>> }> {
  const browser = new Browser();
  const verifier = randomBytes(32).toString('base64url');
  const query = new URLSearchParams({
    client_id: 'financecloud',
    redirect_uri: demoClient.redirect_uris[0]!.replace('{ISSUER}', url),
    response_type: 'code',
    scope: 'openid',
    state: randomBytes(8).toString('hex'),
    nonce: randomBytes(8).toString('hex'),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  });
  const page = await browser.go(`${url}/auth?${query}`);
  expect(page.url).toMatch(/\/interaction\/[^/]+$/);
  return { browser, page };
}

interface Outcome {
  status?: number;
  error?: string;
}

/** Posts the login form on its own connection; `written` resolves once it is connected and the whole request is sent. */
async function postLogin(browser: Browser, page: { url: string; html: string }, typed: Record<string, string>): Promise<{ written: Promise<void>; answered: Promise<Outcome>; clientPort: number | undefined }> {
  const form = findForm(page.html, '/login');
  const target = new URL(form.action, page.url);
  const body = new URLSearchParams({ ...form.fields, ...typed }).toString();
  const cookie = await browser.jar.getCookieString(target.toString());
  let clientPort: number | undefined;
  let markConnected!: () => void;
  let markFinished!: () => void;
  const connected = new Promise<void>((resolve) => (markConnected = resolve));
  const finished = new Promise<void>((resolve) => (markFinished = resolve));
  const written = Promise.all([connected, finished]).then(() => undefined);
  const answered = new Promise<Outcome>((resolve) => {
    const req = httpRequest(
      target,
      { method: 'POST', agent: false, headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body), 'accept-language': 'de' } },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode }));
        res.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
      },
    );
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
    // A socket buffers writes while it connects, so 'finish' alone does not mean the server could have the request.
    req.on('socket', (socket) =>
      socket.once('connect', () => {
        clientPort = socket.localPort;
        markConnected();
      }),
    );
    req.end(body, () => markFinished());
  });
  return {
    written,
    answered,
    get clientPort() {
      return clientPort;
    },
  };
}

/**
 * Whether the server's kernel holds an established connection from each of `clientPorts` to `serverPort`
 * (/proc/net/tcp, Linux). A client's 'connect' event alone does not say so on a loaded machine: the server side of
 * a loopback handshake can complete later, and a connection that is not there yet was never accepted.
 */
function establishedOnServer(serverPort: number, clientPorts: number[]): boolean {
  const hex = (n: number) => n.toString(16).toUpperCase().padStart(4, '0');
  const table = readFileSync('/proc/net/tcp', 'utf8');
  return clientPorts.every((port) => new RegExp(`: [0-9A-F]{8}:${hex(serverPort)} [0-9A-F]{8}:${hex(port)} 01 `).test(table));
}

async function lastSmsCode(url: string): Promise<string> {
  const messages = (await (await fetch(`${url}/dev/sms`)).json()) as { text: string }[];
  return /(\d{6,8})/.exec(messages.at(-1)!.text)![1]!;
}

function connectionRefused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ECONNREFUSED'));
  });
}

describe('graceful shutdown', () => {
  it('SIGTERM with 30 password posts in flight: all 30 answered, the event stream told to reconnect, exit 0', async () => {
    const idp = await startIdp({ SHUTDOWN_DRAIN_TIMEOUT_SECONDS: '60' });

    // A waiting page with its event stream open.
    const device = new DeviceClient(idp.url);
    const started = await device.startEnrolment('200001', 'Demo-Passwort-2026');
    await device.completeEnrolment(started.enrolmentId, await lastSmsCode(idp.url), { name: 'Phone', platform: 'ios', osVersion: '17.2' });
    const waiter = await loginPage(idp.url);
    const waiting = await waiter.browser.submit(waiter.page, '/login', { loginId: '200001', password: 'Demo-Passwort-2026' });
    expect(waiting.url).toMatch(/\/approval$/);
    const events = await fetch(`${waiting.url}/events`, { headers: { cookie: await waiter.browser.jar.getCookieString(waiting.url), accept: 'text/event-stream' } });
    expect(events.status).toBe(200);
    const streamText = (async () => {
      let text = '';
      const decoder = new TextDecoder();
      for await (const chunk of events.body!) text += decoder.decode(chunk as Uint8Array);
      return text;
    })();

    // An idle keep-alive connection (it must not hold the shutdown up).
    const agent = new Agent({ keepAlive: true });
    await new Promise<void>((resolve) => httpRequest(`${idp.url}/healthz`, { agent }, (res) => res.resume().on('end', resolve)).end());

    // 30 login forms (mixed: right and wrong passwords, unknown ids — each one an argon2 hash on the server).
    const ids = ['100001', '200003', '200004', '100002', '100003', 'unknown-1'];
    const pages = await Promise.all(Array.from({ length: 30 }, () => loginPage(idp.url)));
    const posts = await Promise.all(
      pages.map(({ browser, page }, i) => postLogin(browser, page, { loginId: ids[i % ids.length]!, password: i % 2 ? 'Demo-Passwort-2026' : 'falsch-falsch-falsch' })),
    );
    await Promise.all(posts.map((p) => p.written));
    const deadline = Date.now() + 30_000;
    while (!establishedOnServer(idp.port, posts.map((p) => p.clientPort!))) {
      if (Date.now() > deadline) throw new Error('the posts never reached the server');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    idp.child.kill('SIGTERM');

    const outcomes = await Promise.all(posts.map((p) => p.answered));
    expect(outcomes.filter((o) => o.error)).toEqual([]);
    for (const o of outcomes) expect([200, 302, 303, 400, 401, 403, 409, 423, 429]).toContain(o.status);

    expect(await streamText).toContain('event: reconnect');
    // Once the accepted requests are answered, the listener is closed: new connections are refused.
    let refused = false;
    for (let i = 0; i < 30 && !refused && idp.child.exitCode === null; i++) {
      refused = await connectionRefused(idp.port);
      if (!refused) await new Promise((resolve) => setTimeout(resolve, 300));
    }
    expect(refused || idp.child.exitCode === 0).toBe(true);
    expect(await idp.exited).toBe(0);
    agent.destroy();

    const logged = logLines(idp.stdout());
    expect(logged.some((l) => l.msg === 'shutting down: draining connections')).toBe(true);
    expect(logged.some((l) => l.msg === 'bye' && l.forced === 0)).toBe(true);
    expect(idp.stdout()).not.toMatch(/^\s+at /m);
  });

  it('a request that never completes is cut after SHUTDOWN_DRAIN_TIMEOUT_SECONDS; the process exits 1 in bounded time', async () => {
    const idp = await startIdp({ SHUTDOWN_DRAIN_TIMEOUT_SECONDS: '2' });
    const { browser, page } = await loginPage(idp.url);
    const form = findForm(page.html, '/login');
    const target = new URL(form.action, page.url);
    const cookie = await browser.jar.getCookieString(target.toString());
    // Headers and a tenth of the announced body: the server has accepted the request and waits for the rest.
    const req = httpRequest(target, { method: 'POST', agent: false, headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', 'content-length': 1000 } });
    const cut = new Promise<string>((resolve) => {
      req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
      req.on('response', (res) => resolve(`answered ${res.statusCode}`));
    });
    req.write('loginId=1&');
    req.flushHeaders();
    await new Promise((resolve) => setTimeout(resolve, 500));

    const signalled = Date.now();
    idp.child.kill('SIGTERM');
    expect(await idp.exited).toBe(1);
    const tookMs = Date.now() - signalled;
    expect(tookMs).toBeGreaterThanOrEqual(1900);
    expect(tookMs).toBeLessThan(30_000);
    expect(await cut).toMatch(/ECONNRESET|socket hang up/);
    expect(logLines(idp.stdout()).some((l) => l.msg === 'drain timeout: connections cut' && l.forced === 1)).toBe(true);
  });
});
