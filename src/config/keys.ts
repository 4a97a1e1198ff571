// Signing keys, cookie keys and VAPID keys: from configuration, or generated once into the git-ignored dev folder.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import webpush from 'web-push';
import type { Config } from './schema.js';

export interface KeyMaterial {
  jwks: { keys: JWK[] };
  cookieKeys: string[];
  vapid: { publicKey: string; privateKey: string };
}

export class KeyConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyConfigError';
  }
}

function parseJwks(text: string, source: string): { keys: JWK[] } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new KeyConfigError(`${source}: not JSON (${(e as Error).message})`);
  }
  const keys = (parsed as { keys?: unknown }).keys;
  if (!Array.isArray(keys) || keys.length === 0) throw new KeyConfigError(`${source}: expected {"keys": [ …private JWKs… ]}`);
  keys.forEach((k: JWK, i) => {
    if (!k || typeof k !== 'object' || !k.kty || !k.d) throw new KeyConfigError(`${source}: key ${i + 1} is not a private JWK (kty and d required)`);
  });
  return { keys };
}

async function generateDevKeys(): Promise<KeyMaterial> {
  // RSA 2048 on purpose: every ID token of a client with the default RS256 is signed with it, and a 2048-bit
  // signature costs 0.35 ms of CPU against 1.5 ms (3072) and 3.4 ms (4096) (docs/benchmarks.md, provider settings).
  const rsa = await generateKeyPair('RS256', { extractable: true, modulusLength: 2048 });
  const ec = await generateKeyPair('ES256', { extractable: true });
  const rsaJwk = { ...(await exportJWK(rsa.privateKey)), alg: 'RS256', use: 'sig', kid: `dev-rs-${randomBytes(4).toString('hex')}` };
  const ecJwk = { ...(await exportJWK(ec.privateKey)), alg: 'ES256', use: 'sig', kid: `dev-es-${randomBytes(4).toString('hex')}` };
  return {
    jwks: { keys: [rsaJwk, ecJwk] },
    cookieKeys: [randomBytes(32).toString('base64url')],
    vapid: webpush.generateVAPIDKeys(),
  };
}

/** Development keys, generated at first start and kept so sessions survive restarts. */
async function devKeys(dir: string): Promise<KeyMaterial> {
  const file = join(dir, 'dev-keys.json');
  try {
    return JSON.parse(await readFile(file, 'utf8')) as KeyMaterial;
  } catch {
    // Expected at the first start (no file yet). Development keys only: an unreadable file is replaced the same way.
    const keys = await generateDevKeys();
    await mkdir(dir, { recursive: true });
    await writeFile(file, JSON.stringify(keys, null, 2), { mode: 0o600 });
    return keys;
  }
}

export async function loadKeys(config: Config): Promise<KeyMaterial> {
  const needDev = !(config.jwks || config.jwksFile) || !config.cookieKeys || !config.vapidPublicKey || !config.vapidPrivateKey;
  if (needDev && config.nodeEnv === 'production') {
    throw new KeyConfigError('production needs OIDC_JWKS(_FILE), COOKIE_KEYS, VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY');
  }
  const dev = needDev ? await devKeys(config.devStateDir) : undefined;
  let jwks = dev?.jwks;
  if (config.jwks) jwks = parseJwks(config.jwks, 'OIDC_JWKS');
  else if (config.jwksFile) {
    const text = await readFile(config.jwksFile, 'utf8').catch((e: Error) => {
      throw new KeyConfigError(`OIDC_JWKS_FILE ${config.jwksFile}: ${e.message}`);
    });
    jwks = parseJwks(text, `OIDC_JWKS_FILE ${config.jwksFile}`);
  }
  const vapid =
    config.vapidPublicKey && config.vapidPrivateKey
      ? { publicKey: config.vapidPublicKey, privateKey: config.vapidPrivateKey }
      : dev!.vapid;
  return { jwks: jwks!, cookieKeys: config.cookieKeys ?? dev!.cookieKeys, vapid };
}
