// private_key_jwt with the client's public keys inline (`jwks`) in OIDC_CLIENTS_FILE, against the IdP as a real process.
// Why a process: oidc-provider copies client metadata with structuredClone and then checks each key's constructor;
// under jest's VM realms that check fails for inline keys (not in Node itself), so jest cannot host this case.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as client from 'openid-client';
import { exportJWK, generateKeyPair } from 'jose';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const keys = await generateKeyPair('ES256');
let child: ChildProcess;
let issuer: string;
let log = '';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fi-pkjwt-'));
  const clientsFile = join(dir, 'clients.json');
  const jwk = { ...(await exportJWK(keys.publicKey)), alg: 'ES256', use: 'sig', kid: 'inline-1' };
  writeFileSync(clientsFile, JSON.stringify([{ client_id: 'pkjwt-inline', redirect_uris: ['https://rp.example/cb'], token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [jwk] }, allowed_roles: ['customer'] }]));
  const port = await freePort();
  issuer = `http://localhost:${port}`;
  child = spawn(join(ROOT, 'node_modules/.bin/tsx'), ['src/main.ts'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '', HOME: dir, NODE_ENV: 'test', HOST: '127.0.0.1', PORT: String(port), ISSUER: issuer, DEV_STATE_DIR: dir, LOG_LEVEL: 'warn', OIDC_CLIENTS_FILE: clientsFile },
  });
  const keep = (chunk: Buffer) => void (log = (log + chunk.toString()).slice(-8000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the IdP exited:\n${log}`);
    if (await fetch(`${issuer}/healthz`).then((r) => r.ok, () => false)) break;
    if (Date.now() > deadline) throw new Error(`no answer within 60 s:\n${log}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}, 90_000);

afterAll(async () => {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
});

async function relyingParty(privateKey: CryptoKey) {
  return client.discovery(new URL(issuer), 'pkjwt-inline', {}, client.PrivateKeyJwt(privateKey), { execute: [client.allowInsecureRequests] });
}

it('the client authenticates with an assertion signed by its key (introspection answers), and not with another key', async () => {
  const rp = await relyingParty(keys.privateKey);
  await expect(client.tokenIntrospection(rp, 'not-a-token-we-issued-000000')).resolves.toMatchObject({ active: false });

  const stranger = await generateKeyPair('ES256');
  await expect(client.tokenIntrospection(await relyingParty(stranger.privateKey), 'not-a-token-we-issued-000000')).rejects.toMatchObject({ error: 'invalid_client' });
}, 30_000);
