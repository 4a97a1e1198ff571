// The Web Push channel against a local push service: encrypted payload, VAPID, headers, gone/failed outcomes and retries.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import webpush from 'web-push';
import type { PushMessage } from '../../src/domain/push-channel.js';
import { createWebPushChannel, parseRetryAfter, type WebPushChannelOptions } from '../../src/channels/web-push-channel.js';
import { startPushService, type PushService } from '../helpers/push-service.js';

const SUBJECT = 'mailto:ops@financeident.example';

describe('web push channel', () => {
  let service: PushService;
  const vapid = { ...webpush.generateVAPIDKeys(), subject: SUBJECT };

  beforeAll(async () => {
    service = await startPushService();
  });

  afterAll(async () => {
    await service.close();
  });

  function channel(overrides: Partial<WebPushChannelOptions> = {}) {
    const warnings: Array<{ obj: object; msg: string }> = [];
    const push = createWebPushChannel({
      vapid,
      log: { warn: (obj, msg) => void warnings.push({ obj, msg }) },
      agent: service.agent,
      maxAttempts: 3,
      retryDelayMs: 5,
      timeoutMs: 2000,
      maxRetryAfterMs: 2000,
      ...overrides,
    });
    return { push, warnings };
  }

  function message(subscription: PushMessage['subscription'], extra: Partial<PushMessage> = {}): PushMessage {
    return { subscription, payload: { type: 'approval', approvalId: 'apr_123', n: 42 }, ttlSeconds: 120, urgency: 'high', ...extra };
  }

  it('delivers an encrypted message that decrypts to the exact payload, with VAPID and the push headers', async () => {
    const { push, warnings } = channel();
    const sub = service.createSubscriber();
    const msg = message(sub.subscription, { topic: 'approval-apr123', payload: { type: 'approval', approvalId: 'apr_123', text: 'Grüße €' } });

    await expect(push.send(msg)).resolves.toBe('sent');

    const received = service.received(sub.id);
    expect(received).toHaveLength(1);
    expect(service.decrypt(sub.id, 0)).toBe(JSON.stringify(msg.payload));
    const headers = received[0]!.headers;
    expect(headers['content-encoding']).toBe('aes128gcm');
    expect(headers['ttl']).toBe('120');
    expect(headers['urgency']).toBe('high');
    expect(headers['topic']).toBe('approval-apr123');
    // The payload never travels in clear.
    expect(received[0]!.body.includes(Buffer.from('apr_123'))).toBe(false);

    const claims = await service.verifyVapid(sub.id, 0, vapid.publicKey, SUBJECT);
    expect(claims.aud).toBe(service.origin);
    expect(claims.sub).toBe(SUBJECT);
    const now = Math.floor(Date.now() / 1000);
    expect(claims.exp).toBeGreaterThan(now);
    expect(claims.exp).toBeLessThanOrEqual(now + 24 * 3600);
    expect(warnings).toEqual([]);
  });

  it('sends no topic header without a topic', async () => {
    const { push } = channel();
    const sub = service.createSubscriber();
    await expect(push.send(message(sub.subscription, { urgency: 'normal', ttlSeconds: 30 }))).resolves.toBe('sent');
    const headers = service.received(sub.id)[0]!.headers;
    expect(headers['topic']).toBeUndefined();
    expect(headers['urgency']).toBe('normal');
    expect(headers['ttl']).toBe('30');
  });

  it('a tampered body does not decrypt', async () => {
    const { push } = channel();
    const sub = service.createSubscriber();
    await push.send(message(sub.subscription));
    const body = service.received(sub.id)[0]!.body;
    expect(() => service.decryptBody(sub.id, body)).not.toThrow();
    const tampered = Buffer.from(body);
    const at = tampered.length - 20; // inside the ciphertext
    tampered[at] = tampered[at]! ^ 0x01;
    expect(() => service.decryptBody(sub.id, tampered)).toThrow();
    // Another subscriber's keys do not open it either.
    const other = service.createSubscriber();
    expect(() => service.decryptBody(other.id, body)).toThrow();
  });

  it('VAPID does not verify against another key or another subject', async () => {
    const { push } = channel();
    const sub = service.createSubscriber();
    await push.send(message(sub.subscription));
    await expect(service.verifyVapid(sub.id, 0, webpush.generateVAPIDKeys().publicKey)).rejects.toThrow(/k is not/);
    await expect(service.verifyVapid(sub.id, 0, vapid.publicKey, 'mailto:someone@else.example')).rejects.toThrow(/sub/);
  });

  it.each([410, 404])('%i means the subscription is gone', async (status) => {
    const { push, warnings } = channel();
    const sub = service.createSubscriber();
    service.respondWith(sub.id, status);
    await expect(push.send(message(sub.subscription))).resolves.toBe('gone');
    expect(service.received(sub.id)).toHaveLength(1);
    expect(warnings).toEqual([]);
  });

  it('retries a 500 and succeeds on the third attempt', async () => {
    const { push, warnings } = channel();
    const sub = service.createSubscriber();
    service.respondWith(sub.id, 500, { times: 2 });
    await expect(push.send(message(sub.subscription))).resolves.toBe('sent');
    expect(service.received(sub.id)).toHaveLength(3);
    // Each attempt is encrypted afresh, and each decrypts to the payload.
    expect(service.decrypt(sub.id, 2)).toBe(JSON.stringify(message(sub.subscription).payload));
    expect(warnings).toEqual([]);
  });

  it('gives up after maxAttempts on a persistent 500 and logs a warning without keys or path', async () => {
    const { push, warnings } = channel();
    const sub = service.createSubscriber();
    service.respondWith(sub.id, 500);
    await expect(push.send(message(sub.subscription))).resolves.toBe('failed');
    expect(service.received(sub.id)).toHaveLength(3);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.obj).toEqual({ endpointOrigin: service.origin, attempts: 3, status: 500, reason: 'http 500' });
    const logged = JSON.stringify(warnings);
    expect(logged).not.toContain(sub.id);
    expect(logged).not.toContain(sub.subscription.keys.p256dh);
    expect(logged).not.toContain(sub.subscription.keys.auth);
    expect(logged).not.toContain(vapid.privateKey);
  });

  it('honours maxAttempts', async () => {
    const { push } = channel({ maxAttempts: 2 });
    const sub = service.createSubscriber();
    service.respondWith(sub.id, 503);
    await expect(push.send(message(sub.subscription))).resolves.toBe('failed');
    expect(service.received(sub.id)).toHaveLength(2);
  });

  it('does not retry a 400', async () => {
    const { push, warnings } = channel();
    const sub = service.createSubscriber();
    service.respondWith(sub.id, 400);
    await expect(push.send(message(sub.subscription))).resolves.toBe('failed');
    expect(service.received(sub.id)).toHaveLength(1);
    expect(warnings[0]!.obj).toMatchObject({ attempts: 1, status: 400 });
  });

  it('retries a 429 after its Retry-After', async () => {
    const { push } = channel();
    const sub = service.createSubscriber();
    service.respondWith(sub.id, 429, { times: 1, headers: { 'Retry-After': '1' } });
    const started = Date.now();
    await expect(push.send(message(sub.subscription))).resolves.toBe('sent');
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(service.received(sub.id)).toHaveLength(2);
  });

  it('retries network errors, then fails with a warning', async () => {
    const { push, warnings } = channel();
    const sub = service.createSubscriber();
    const unreachable = { ...sub.subscription, endpoint: 'https://127.0.0.1:1/push/nowhere' };
    await expect(push.send(message(unreachable))).resolves.toBe('failed');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.obj).toEqual({ endpointOrigin: 'https://127.0.0.1:1', attempts: 3, reason: 'ECONNREFUSED' });
  });

  it('retries a request that times out', async () => {
    const { push, warnings } = channel({ timeoutMs: 100 });
    const sub = service.createSubscriber();
    service.respondWith(sub.id, 201, { times: 1, delayMs: 1000 });
    await expect(push.send(message(sub.subscription))).resolves.toBe('sent');
    expect(service.received(sub.id)).toHaveLength(2);
    expect(warnings).toEqual([]);
  });

  it('never throws: an invalid topic or a broken subscription is a failure without retry', async () => {
    const { push, warnings } = channel();
    const sub = service.createSubscriber();
    await expect(push.send(message(sub.subscription, { topic: 'not a valid topic!' }))).resolves.toBe('failed');
    await expect(push.send(message({ endpoint: sub.subscription.endpoint, keys: { p256dh: 'AAAA', auth: 'AAAA' } }))).resolves.toBe('failed');
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    await expect(push.send(message(sub.subscription, { payload: circular }))).resolves.toBe('failed');
    expect(service.received(sub.id)).toHaveLength(0);
    expect(warnings).toHaveLength(3);
    expect(warnings.every((w) => (w.obj as { attempts: number }).attempts <= 1)).toBe(true);
  });

  it('refuses an unusable VAPID configuration at start-up', () => {
    expect(() => createWebPushChannel({ vapid: { ...vapid, privateKey: 'short' }, log: { warn: () => {} }, maxAttempts: 3, retryDelayMs: 5, timeoutMs: 2000, maxRetryAfterMs: 2000 })).toThrow(/invalid VAPID configuration/);
    expect(() => createWebPushChannel({ vapid: { ...vapid, subject: 'not-a-uri' }, log: { warn: () => {} }, maxAttempts: 3, retryDelayMs: 5, timeoutMs: 2000, maxRetryAfterMs: 2000 })).toThrow(/invalid VAPID configuration/);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = Date.UTC(2026, 10, 22, 9, 0, 0);
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter(new Date(now + 1500).toUTCString(), now)).toBe(1000); // HTTP dates have whole seconds
    expect(parseRetryAfter(new Date(now - 5000).toUTCString(), now)).toBe(0);
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
});
