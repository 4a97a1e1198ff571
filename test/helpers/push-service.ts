// A local HTTPS push service for tests (instead of FCM/Mozilla): records requests, decrypts RFC 8291 aes128gcm bodies and verifies VAPID (RFC 8292).
import { execFile } from 'node:child_process';
import { createDecipheriv, createECDH, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, Agent, type Server } from 'node:https';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { importJWK, jwtVerify, type JWTPayload } from 'jose';
import type { PushSubscription } from '../../src/domain/device.js';

export interface ReceivedPush {
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface Subscriber {
  /** The id in the endpoint path, for `received`, `respondWith`, `decrypt`, `verifyVapid`. */
  id: string;
  subscription: PushSubscription;
  /** Raw 32-byte P-256 private key of the user agent (the browser's side of RFC 8291). */
  privateKey: Buffer;
}

export interface RespondOptions {
  /** Answer this way for the next `times` requests only, then as before (default: from now on). */
  times?: number;
  headers?: Record<string, string>;
  /** Hold the answer this long (to trip the sender's timeout). */
  delayMs?: number;
}

export interface PushService {
  /** `https://127.0.0.1:<port>` */
  readonly origin: string;
  /** For the channel under test only: the certificate is self-signed. */
  readonly agent: Agent;
  createSubscriber(): Subscriber;
  /** Requests received for a subscriber, oldest first (copies). */
  received(id: string): ReceivedPush[];
  respondWith(id: string, status: number, options?: RespondOptions): void;
  /** The plaintext of the `index`-th received message (UTF-8). Throws when it does not decrypt. */
  decrypt(id: string, index: number): string;
  /** Decrypts any body (e.g. a tampered copy) with the subscriber's keys. */
  decryptBody(id: string, body: Buffer): string;
  /** Checks `Authorization: vapid t=…, k=…` of the `index`-th request; resolves to the JWT payload. */
  verifyVapid(id: string, index: number, vapidPublicKey: string, subject?: string): Promise<JWTPayload>;
  close(): Promise<void>;
}

interface Responder {
  status: number;
  headers: Record<string, string>;
  delayMs: number;
}

interface Endpoint {
  keys: { privateKey: Buffer; publicKey: Buffer; auth: Buffer };
  requests: ReceivedPush[];
  /** Limited answers (`times`), served first, in order. */
  queue: Array<Responder & { remaining: number }>;
  /** The answer once the queue is empty; 201 when unset. */
  fallback: Responder | undefined;
}

const execFileAsync = promisify(execFile);
const MAX_VAPID_LIFETIME_S = 24 * 60 * 60;

/** A self-signed P-256 certificate for 127.0.0.1 (Node 20 cannot create X.509 certificates itself). */
async function selfSignedCertificate(): Promise<{ key: Buffer; cert: Buffer }> {
  const dir = await mkdtemp(join(tmpdir(), 'push-service-'));
  try {
    const keyPath = join(dir, 'key.pem');
    const certPath = join(dir, 'cert.pem');
    await execFileAsync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', keyPath, '-out', certPath, '-days', '1', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1',
    ]);
    return { key: await readFile(keyPath), cert: await readFile(certPath) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function hkdf(ikm: Buffer, salt: Buffer, info: Buffer, length: number): Buffer {
  return Buffer.from(hkdfSync('sha256', ikm, salt, info, length));
}

/**
 * RFC 8291 (Web Push message encryption) on top of RFC 8188 (aes128gcm), single record:
 * header = salt(16) | rs(4) | idlen(1) | keyid (the sender's 65-byte ECDH public key).
 */
export function decryptAes128gcm(body: Buffer, keys: { privateKey: Buffer; publicKey: Buffer; auth: Buffer }): Buffer {
  if (body.length < 21) throw new Error('aes128gcm: body shorter than its header');
  const salt = body.subarray(0, 16);
  const rs = body.readUInt32BE(16);
  const idlen = body.readUInt8(20);
  if (idlen !== 65) throw new Error(`aes128gcm: keyid must be a 65-byte P-256 public key, got ${idlen} bytes`);
  const headerLength = 21 + idlen;
  if (body.length < headerLength + 17) throw new Error('aes128gcm: no record');
  const senderPublicKey = body.subarray(21, headerLength);
  const record = body.subarray(headerLength);
  if (rs < 18) throw new Error('aes128gcm: record size too small');
  if (record.length > rs) throw new Error('aes128gcm: more than one record');

  // RFC 8291 §3.3/3.4: IKM from the ECDH secret, keyed by the auth secret and bound to both public keys.
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(keys.privateKey);
  const ecdhSecret = ecdh.computeSecret(senderPublicKey);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0', 'latin1'), keys.publicKey, senderPublicKey]);
  const ikm = hkdf(ecdhSecret, keys.auth, keyInfo, 32);

  // RFC 8188 §2.2/2.3: content-encryption key and nonce (record 0: the nonce itself).
  const cek = hkdf(ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0', 'latin1'), 16);
  const nonce = hkdf(ikm, salt, Buffer.from('Content-Encoding: nonce\0', 'latin1'), 12);

  const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(record.subarray(record.length - 16));
  const padded = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()]);

  // The last (here: only) record ends with the delimiter 0x02 followed by zero padding.
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  if (end < 0 || padded[end] !== 0x02) throw new Error('aes128gcm: missing last-record delimiter');
  return padded.subarray(0, end);
}

/** Parses `vapid t=<jwt>, k=<key>` (RFC 8292 §3). */
function parseVapidAuthorization(header: string | undefined): { t: string; k: string } {
  const match = /^vapid\s+(.*)$/i.exec(header ?? '');
  if (!match?.[1]) throw new Error('VAPID: Authorization is not a vapid credential');
  const params = new Map<string, string>();
  for (const part of match[1].split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) params.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim());
  }
  const t = params.get('t');
  const k = params.get('k');
  if (!t || !k) throw new Error('VAPID: t or k missing');
  return { t, k };
}

/** Verifies a VAPID Authorization header as a push service would; returns the JWT payload. */
export async function verifyVapidAuthorization(
  header: string | undefined,
  expected: { vapidPublicKey: string; audience: string; subject?: string; nowSeconds?: number },
): Promise<JWTPayload> {
  const { t, k } = parseVapidAuthorization(header);
  const k1 = Buffer.from(k, 'base64url');
  const k2 = Buffer.from(expected.vapidPublicKey, 'base64url');
  if (k1.length !== k2.length || !timingSafeEqual(k1, k2)) throw new Error('VAPID: k is not the configured public key');
  if (k2.length !== 65 || k2[0] !== 0x04) throw new Error('VAPID: public key is not an uncompressed P-256 point');
  const key = await importJWK(
    { kty: 'EC', crv: 'P-256', x: k2.subarray(1, 33).toString('base64url'), y: k2.subarray(33, 65).toString('base64url') },
    'ES256',
  );
  const now = expected.nowSeconds ?? Math.floor(Date.now() / 1000);
  const { payload } = await jwtVerify(t, key, {
    algorithms: ['ES256'],
    audience: expected.audience,
    requiredClaims: ['exp', 'sub'],
    currentDate: new Date(now * 1000),
    clockTolerance: 0,
  });
  if (typeof payload.exp !== 'number' || payload.exp <= now) throw new Error('VAPID: exp is not in the future');
  if (payload.exp > now + MAX_VAPID_LIFETIME_S) throw new Error('VAPID: exp is more than 24 h ahead');
  if (typeof payload.sub !== 'string' || !/^(mailto:|https:)/.test(payload.sub)) throw new Error('VAPID: sub is not a mailto: or https: URI');
  if (expected.subject !== undefined && payload.sub !== expected.subject) throw new Error('VAPID: sub is not the configured subject');
  return payload;
}

export async function startPushService(): Promise<PushService> {
  const { key, cert } = await selfSignedCertificate();
  const endpoints = new Map<string, Endpoint>();
  const timers = new Set<NodeJS.Timeout>();

  function endpointOf(id: string): Endpoint {
    const endpoint = endpoints.get(id);
    if (!endpoint) throw new Error(`push service: unknown subscriber ${id}`);
    return endpoint;
  }

  function decryptBody(id: string, body: Buffer): string {
    return decryptAes128gcm(body, endpointOf(id).keys).toString('utf8');
  }

  function answer(res: ServerResponse, status: number, headers: Record<string, string>): void {
    res.writeHead(status, headers);
    res.end();
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const match = /^\/push\/([A-Za-z0-9_-]+)$/.exec(req.url ?? '');
    const endpoint = match?.[1] ? endpoints.get(match[1]) : undefined;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method !== 'POST' || !endpoint) return answer(res, 404, {});
      const index = endpoint.requests.push({ headers: { ...req.headers }, body: Buffer.concat(chunks) }) - 1;
      const queued = endpoint.queue[0];
      if (queued && --queued.remaining <= 0) endpoint.queue.shift();
      const responder = queued ?? endpoint.fallback;
      const status = responder?.status ?? 201;
      const headers = responder?.headers ?? { Location: `/message/${match?.[1]}/${index}` };
      if (!responder?.delayMs) return answer(res, status, headers);
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!res.destroyed) answer(res, status, headers);
      }, responder.delayMs);
      timers.add(timer);
    });
  }

  const server: Server = createServer({ key, cert }, handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const origin = `https://127.0.0.1:${port}`;
  const agent = new Agent({ rejectUnauthorized: false });

  return {
    origin,
    agent,

    createSubscriber(): Subscriber {
      const id = randomBytes(12).toString('base64url');
      const ecdh = createECDH('prime256v1');
      const publicKey = ecdh.generateKeys();
      const privateKey = ecdh.getPrivateKey();
      const auth = randomBytes(16);
      endpoints.set(id, { keys: { privateKey, publicKey, auth }, requests: [], queue: [], fallback: undefined });
      return {
        id,
        privateKey: Buffer.from(privateKey),
        subscription: {
          endpoint: `${origin}/push/${id}`,
          keys: { p256dh: publicKey.toString('base64url'), auth: auth.toString('base64url') },
        },
      };
    },

    received(id: string): ReceivedPush[] {
      return endpointOf(id).requests.map((r) => ({ headers: { ...r.headers }, body: Buffer.from(r.body) }));
    },

    respondWith(id: string, status: number, options: RespondOptions = {}): void {
      const endpoint = endpointOf(id);
      const responder: Responder = { status, headers: options.headers ?? {}, delayMs: options.delayMs ?? 0 };
      // A permanent answer replaces everything set before; limited ones queue up in front of it.
      if (options.times === undefined) {
        endpoint.queue = [];
        endpoint.fallback = responder;
      } else if (options.times > 0) {
        endpoint.queue.push({ ...responder, remaining: options.times });
      }
    },

    decrypt(id: string, index: number): string {
      const request = endpointOf(id).requests[index];
      if (!request) throw new Error(`push service: no request ${index} for ${id}`);
      return decryptBody(id, request.body);
    },

    decryptBody,

    async verifyVapid(id: string, index: number, vapidPublicKey: string, subject?: string): Promise<JWTPayload> {
      const request = endpointOf(id).requests[index];
      if (!request) throw new Error(`push service: no request ${index} for ${id}`);
      return verifyVapidAuthorization(request.headers.authorization, { vapidPublicKey, audience: origin, subject });
    },

    async close(): Promise<void> {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      agent.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
