// Development-only SMS inbox: GET /dev/sms lists the sink's messages newest first, never cached; mounted only in the embedded default.
import Router from '@koa/router';
import type { MemorySmsSink } from '../channels/memory-sms-sink.js';
import { formatMobile } from '../services/mobile-number.js';
import type { PageContext, RenderPage } from './render.js';

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

const PURPOSE_LABELS: Record<string, { de: string; en: string }> = {
  login: { de: 'Login-Code', en: 'Sign-in code' },
  activation: { de: 'Freischaltcode (Gerät einrichten)', en: 'Activation code (device set-up)' },
  password: { de: 'Passwort vergeben', en: 'Setting a password' },
  mobile: { de: 'Neue Mobilfunknummer', en: 'New mobile number' },
};

/**
 * JSON for programs (the simulator, tests); a readable page for browsers (Accept: text/html), newest first.
 * `render` is optional so the inbox also works without the page layout.
 */
export function devSmsRoutes(sink: MemorySmsSink, render?: RenderPage): Router {
  const router = new Router();

  router.get('/dev/sms', async function devSms(ctx) {
    const to = normaliseTo(ctx.query.to);
    const messages = sink.list().filter((message) => to === undefined || message.to === to);
    ctx.set('Cache-Control', 'no-store');
    if (render && ctx.state.page && ctx.accepts('json', 'html') === 'html' && ctx.get('accept').includes('text/html')) {
      const page = ctx.state.page as PageContext;
      const time = new Intl.DateTimeFormat(page.lang === 'en' ? 'en-GB' : 'de-DE', { dateStyle: 'medium', timeStyle: 'medium', timeZone: 'Europe/Berlin' });
      ctx.type = 'html';
      ctx.body = await render('dev/sms', page, {
        title: 'SMS',
        filter: to ? formatMobile(to) : null,
        messages: messages.map((m) => ({ to: formatMobile(m.to), text: m.text, purpose: PURPOSE_LABELS[m.purpose]?.[page.lang] ?? m.purpose, at: time.format(m.at) })),
      });
      return;
    }
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
