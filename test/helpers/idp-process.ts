// Runs the IdP as a real process (src/main.ts through tsx), as an operator would, for tests with several instances.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import type { JWK } from 'jose';
import { ROOT_DIR } from '../../src/container.js';
import { parseClients } from '../../src/config/clients.js';
import { DeviceClient, type DeviceKeyState } from '../../src/ident-client/device-client.js';
import { RelyingParty } from './relying-party.js';
import type { TestIdp } from './test-idp.js';

export interface IdpProcess {
  /** `http://localhost:<port>` */
  url: string;
  child: ChildProcess;
  /** The last 8 KB of the process's stdout and stderr. */
  output: () => string;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Starts `src/main.ts` on `port` in development mode with `env` added (ISSUER, the Redis settings,
 * DEV_STATE_DIR …) and waits until /healthz answers (at most 60 s: tsx compiles on a shared machine).
 */
export async function startIdpProcess(port: number, env: Record<string, string>): Promise<IdpProcess> {
  const child = spawn(join(ROOT_DIR, 'node_modules/.bin/tsx'), ['src/main.ts'], {
    cwd: ROOT_DIR,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? tmpdir(),
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      ...env,
    },
  });
  let log = '';
  const keep = (chunk: Buffer) => void (log = (log + chunk.toString()).slice(-8000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const instance: IdpProcess = { url: `http://localhost:${port}`, child, output: () => log };
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`instance on ${port} exited:\n${log}`);
    const ok = await fetch(`${instance.url}/healthz`).then((r) => r.ok, () => false);
    if (ok) return instance;
    await new Promise((r) => setTimeout(r, 100));
  }
  await stopIdpProcess(instance);
  throw new Error(`instance on ${port} did not answer /healthz within 60 s:\n${log}`);
}

/** SIGTERM (graceful shutdown), SIGKILL after 10 s; resolves when the process has exited. */
export async function stopIdpProcess(instance: IdpProcess | undefined): Promise<void> {
  if (!instance) return;
  const { child } = instance;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** The latest activation code sent to `to`, read from the process's development SMS inbox. */
export async function processActivationCode(instance: IdpProcess, to: string): Promise<string> {
  const messages = (await (await fetch(`${instance.url}/dev/sms?to=${encodeURIComponent(to)}`)).json()) as { text: string; purpose: string }[];
  const code = /(\d{6,8})/.exec(messages.find((m) => m.purpose === 'activation')?.text ?? '')?.[1];
  if (!code) throw new Error(`no activation code for ${to} on ${instance.url}`);
  return code;
}

/**
 * Enrols `key` for the demo customer 200001 on one instance. Device tokens are addressed to the shared `issuer`'s
 * device API (`aud` = `${ISSUER}/ident/api`, the same for every instance behind the load balancer).
 */
export async function enrolOnProcess(instance: IdpProcess, issuer: string, key: { privateJwk: JWK; publicJwk: JWK }) {
  const client = new DeviceClient(instance.url);
  const { enrolmentId } = await client.startEnrolment('200001', 'Demo-Passwort-2026');
  const code = await processActivationCode(instance, '+4915122222201');
  const state = await client.completeEnrolment(enrolmentId, code, { name: 'Testphone', platform: 'ios', osVersion: '17.2' }, key);
  const addressed: DeviceKeyState = { ...state, url: issuer };
  return { client, state: addressed };
}

/** A relying party of the demo clients, talking to one instance of the shared `issuer`. */
export async function processRelyingParty(instance: IdpProcess, issuer: string, clientId: string): Promise<RelyingParty> {
  const clients = parseClients(JSON.parse(readFileSync(join(ROOT_DIR, 'config/demo-clients.json'), 'utf8')), issuer);
  // discover() needs only the base URL and the client list of a TestIdp.
  return RelyingParty.discover({ url: instance.url, container: { clients } } as unknown as TestIdp, clientId);
}
