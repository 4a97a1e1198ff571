// Development-only SMS inbox: GET /dev/sms lists the sink's messages newest first, never cached; mounted only in the embedded default.
import Router from '@koa/router';
import type { MemorySmsSink } from '../channels/memory-sms-sink.js';

export interface DevSmsView {
  id: string;
  to: string;
  text: string;
  purpose: string;
  /** ISO 8601. */
  at: string;
}

/**
 * The `to` filter as E.164. An unencoded `+` in a query string arrives as a space
 * (`?to=+4917…` → ` 4917…`), so a bare digit string gets its `+` back.
 */
function normaliseTo(value: unknown): string | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (typeof raw !== 'string') return undefined;
  const text = raw.trim();
  if (text === '') return undefined;
  return /^\d+$/.test(text) ? `+${text}` : text;
}

export function devSmsRoutes(sink: MemorySmsSink): Router {
  const router = new Router();

  router.get('/dev/sms', function devSms(ctx) {
    const to = normaliseTo(ctx.query.to);
    const messages = sink.list().filter((message) => to === undefined || message.to === to);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = messages.map((message): DevSmsView => ({
      id: message.id,
      to: message.to,
      text: message.text,
      purpose: message.purpose,
      at: new Date(message.at).toISOString(),
    }));
  });

  return router;
}
