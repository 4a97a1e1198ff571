// Web Push over web-push with per-call VAPID: 2xx → sent, 404/410 → gone, network/5xx/429 retried with backoff, never throws, never logs keys.
import type { Agent } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import webpush from 'web-push';
import type { PushChannel, PushMessage, PushOutcome } from '../domain/push-channel.js';

export interface WebPushChannelOptions {
  vapid: { publicKey: string; privateKey: string; subject: string };
  log: { warn(obj: object, msg: string): void };
  /** Attempts per message, the first included (WEB_PUSH_ATTEMPTS; at least 1). */
  maxAttempts: number;
  /** Wait before the first retry in ms, doubled for each further one (WEB_PUSH_RETRY_DELAY_MS). */
  retryDelayMs: number;
  /** Only for tests against a local push service (self-signed certificate). */
  agent?: Agent;
  /** Socket idle timeout per request in ms (WEB_PUSH_TIMEOUT_MS). */
  timeoutMs: number;
  /** A push service's Retry-After is honoured up to this many ms (WEB_PUSH_MAX_RETRY_AFTER_MS); a login waits on the wake-up. */
  maxRetryAfterMs: number;
  /** Whether an endpoint may be called at all (the allowed push services); refused ones count as failed, unsent. */
  allowEndpoint?: (endpoint: string) => boolean;
}

type Attempt =
  | { kind: 'sent' }
  | { kind: 'gone'; status: number }
  | { kind: 'retry'; status?: number; reason: string; retryAfterMs?: number }
  | { kind: 'fatal'; status?: number; reason: string };

/** The origin of an endpoint (the rest of the URL identifies the subscription and is not logged). */
function originOf(endpoint: string): string {
  try {
    return new URL(endpoint).origin;
  } catch {
    return 'invalid-endpoint';
  }
}

/** Retry-After as delta-seconds or an HTTP date, in ms; undefined when absent or unreadable. */
export function parseRetryAfter(value: unknown, now: number = Date.now()): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (typeof raw !== 'string' || raw.trim() === '') return undefined;
  const text = raw.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** A short, key-free reason: a system error code (ECONNREFUSED, …) or the error's name. */
function reasonOf(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^[A-Z][A-Z0-9_]{1,60}$/.test(code)) return code;
  if (err instanceof Error && err.message === 'Socket timeout') return 'timeout';
  return err instanceof Error ? err.name : 'error';
}

function classify(err: unknown): Attempt {
  if (err instanceof webpush.WebPushError) {
    const status = err.statusCode;
    if (status === 404 || status === 410) return { kind: 'gone', status };
    if (status === 429 || status >= 500) {
      return { kind: 'retry', status, reason: `http ${status}`, retryAfterMs: parseRetryAfter(err.headers?.['retry-after']) };
    }
    return { kind: 'fatal', status, reason: `http ${status}` };
  }
  // Network trouble (refused, reset, TLS, DNS, socket timeout) carries a code or is web-push's timeout;
  // anything else is a local error (invalid topic, keys or subscription) that a retry cannot fix.
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' || (err instanceof Error && err.message === 'Socket timeout')) {
    return { kind: 'retry', reason: reasonOf(err) };
  }
  return { kind: 'fatal', reason: reasonOf(err) };
}

export function createWebPushChannel(opts: WebPushChannelOptions): PushChannel {
  const maxAttempts = Math.max(1, Math.floor(opts.maxAttempts));
  const retryDelayMs = Math.max(0, opts.retryDelayMs);
  const { timeoutMs, maxRetryAfterMs } = opts;
  const vapidDetails = { subject: opts.vapid.subject, publicKey: opts.vapid.publicKey, privateKey: opts.vapid.privateKey };

  // Fail at start-up, not at the first login, when the VAPID configuration is unusable.
  try {
    webpush.getVapidHeaders('https://push.example', vapidDetails.subject, vapidDetails.publicKey, vapidDetails.privateKey, 'aes128gcm');
  } catch (err) {
    throw new Error(`invalid VAPID configuration: ${err instanceof Error ? err.message.split('\n')[0] : 'unknown error'}`);
  }

  async function attempt(message: PushMessage, body: string): Promise<Attempt> {
    try {
      await webpush.sendNotification(message.subscription, body, {
        vapidDetails,
        TTL: Math.max(0, Math.floor(message.ttlSeconds)),
        urgency: message.urgency,
        topic: message.topic,
        timeout: timeoutMs,
        agent: opts.agent,
        contentEncoding: 'aes128gcm',
      });
      return { kind: 'sent' };
    } catch (err) {
      return classify(err);
    }
  }

  return {
    async send(message: PushMessage): Promise<PushOutcome> {
      const endpointOrigin = originOf(message.subscription?.endpoint ?? '');
      if (opts.allowEndpoint && !opts.allowEndpoint(message.subscription?.endpoint ?? '')) {
        opts.log.warn({ endpointOrigin, attempts: 0, reason: 'endpoint not allowed' }, 'web push failed');
        return 'failed';
      }
      let body: string;
      try {
        body = JSON.stringify(message.payload);
      } catch {
        opts.log.warn({ endpointOrigin, attempts: 0, reason: 'payload not serialisable' }, 'web push failed');
        return 'failed';
      }

      let last: Attempt = { kind: 'fatal', reason: 'not attempted' };
      let attempts = 0;
      for (let n = 1; n <= maxAttempts; n++) {
        attempts = n;
        last = await attempt(message, body);
        if (last.kind === 'sent') return 'sent';
        if (last.kind === 'gone') return 'gone';
        if (last.kind === 'fatal' || n === maxAttempts) break;
        const backoff = retryDelayMs * 2 ** (n - 1);
        const delay = last.retryAfterMs === undefined ? backoff : Math.max(backoff, Math.min(last.retryAfterMs, maxRetryAfterMs));
        if (delay > 0) await sleep(delay);
      }

      const status = last.kind === 'retry' || last.kind === 'fatal' ? last.status : undefined;
      const reason = last.kind === 'retry' || last.kind === 'fatal' ? last.reason : 'unknown';
      opts.log.warn({ endpointOrigin, attempts, ...(status === undefined ? {} : { status }), reason }, 'web push failed');
      return 'failed';
    },
  };
}
