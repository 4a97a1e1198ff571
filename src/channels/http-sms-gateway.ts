// The production SMS channel (SMS-5): one JSON POST per message to the provider, with a timeout and retries that
// always carry the message's Idempotency-Key, so a retry can never make the provider send (or us bill) twice.
import { AppError } from '../shared/errors.js';
import type { SmsChannel, SmsMessage, SmsSendResult } from '../domain/sms-channel.js';

interface GatewayLog {
  warn(obj: object, msg: string): void;
}

export interface HttpSmsGatewayOptions {
  url: string;
  /** Sent as `Authorization: Bearer <token>` when set. */
  token?: string | undefined;
  /** Alphanumeric sender id shown on the phone. */
  sender: string;
  /** Per attempt (AbortSignal.timeout). */
  timeoutMs: number;
  /** Attempts in all, including the first (SMS_GATEWAY_ATTEMPTS; at least 1). */
  maxAttempts: number;
  /** Wait before the 2nd attempt in ms; doubled for each further one (SMS_GATEWAY_BACKOFF_MS). */
  backoffMs: number;
  log?: GatewayLog;
  /** For tests. */
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * A failure worth another attempt with the same key: network error, timeout, 5xx or 429. `unknown`: the request may
 * have reached the provider (a timeout or a dropped connection), so the message may have been accepted.
 */
class RetryableFailure extends Error {
  constructor(
    readonly reason: string,
    readonly unknown = false,
  ) {
    super(reason);
  }
}

/** Errors that mean the request never reached the provider. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class HttpSmsGateway implements SmsChannel {
  private readonly maxAttempts: number;
  private readonly backoffMs: number;
  private readonly fetch: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly opts: HttpSmsGatewayOptions) {
    this.maxAttempts = Math.max(1, Math.floor(opts.maxAttempts));
    this.backoffMs = Math.max(0, opts.backoffMs);
    this.fetch = opts.fetch ?? globalThis.fetch.bind(globalThis);
    this.sleep = opts.sleep ?? defaultSleep;
  }

  async send(message: SmsMessage): Promise<SmsSendResult> {
    // The request body is built once: every attempt sends exactly the same message under the same key.
    const body = JSON.stringify({ to: message.to, text: message.text, sender: this.opts.sender, reference: message.idempotencyKey });
    let lastReason = 'no attempt';
    let unknown = false;
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      if (attempt > 1) await this.sleep(this.backoffMs * 2 ** (attempt - 2));
      try {
        return await this.attempt(message, body);
      } catch (err) {
        if (!(err instanceof RetryableFailure)) throw err;
        lastReason = err.reason;
        unknown ||= err.unknown;
        // Never the text (it holds the code) nor the number: the key and purpose identify the message.
        this.opts.log?.warn({ idempotencyKey: message.idempotencyKey, purpose: message.purpose, attempt, reason: err.reason }, 'sms gateway attempt failed');
      }
    }
    // No answer to an attempt that may have arrived: the provider may have accepted it (and deduplicates a retry).
    if (unknown) throw new AppError('sms.deliveryUnknown', 503, { reason: lastReason }, true);
    throw new AppError('sms.gatewayUnavailable', 503, { reason: lastReason }, true);
  }

  private async attempt(message: SmsMessage, body: string): Promise<SmsSendResult> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/json',
      'idempotency-key': message.idempotencyKey,
    };
    if (this.opts.token) headers.authorization = `Bearer ${this.opts.token}`;
    let status: number;
    let text: string;
    try {
      const signal = AbortSignal.timeout(this.opts.timeoutMs);
      const response = await this.fetch(this.opts.url, { method: 'POST', headers, body, signal, redirect: 'error' });
      status = response.status;
      text = await response.text(); // the same signal also bounds reading the body
    } catch (err) {
      const name = (err as { name?: string }).name;
      if (name === 'TimeoutError' || name === 'AbortError') throw new RetryableFailure('timeout', true);
      const code = (err as { cause?: { code?: string } }).cause?.code ?? '';
      throw new RetryableFailure(`network: ${code || (err as Error).message}`, !NOT_SENT.has(code));
    }
    if (status >= 500 || status === 429) throw new RetryableFailure(`http ${status}`);
    if (status >= 400) throw new AppError('sms.gatewayRefused', 502, { status }, true);
    if (status < 200 || status >= 300) throw new RetryableFailure(`http ${status}`);
    return { messageId: this.messageIdOf(text, message) };
  }

  /** `{ messageId }` or `{ id }`; a 2xx without a usable id was still accepted (and is billed), under our reference. */
  private messageIdOf(text: string, message: SmsMessage): string {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = null; // a body that is no JSON has no id: handled (and logged) just below
    }
    const obj = (parsed && typeof parsed === 'object' ? parsed : {}) as { messageId?: unknown; id?: unknown };
    const id = obj.messageId ?? obj.id;
    if ((typeof id === 'string' && id !== '') || typeof id === 'number') return String(id);
    this.opts.log?.warn({ idempotencyKey: message.idempotencyKey }, 'sms gateway accepted the message without a message id');
    return `ref:${message.idempotencyKey}`;
  }
}
