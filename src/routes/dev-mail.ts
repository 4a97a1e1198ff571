// Development-only mail inbox: GET /dev/mail lists the recording sink's messages newest first as JSON (like /dev/sms),
// or as a page for a person (Accept: text/html); never cached; mounted only when no SMTP_URL is configured.
import Router from '@koa/router';
import type { MailRecorder } from '../domain/mail-channel.js';
import type { PageContext, RenderPage } from './render.js';

export function devMailRoutes(sink: MailRecorder, render: RenderPage): Router {
  const router = new Router();
  router.get('/dev/mail', async function devMail(ctx) {
    const to = typeof ctx.query.to === 'string' ? ctx.query.to.trim().toLowerCase() : '';
    const messages = sink.list().filter((m) => !to || m.to.toLowerCase() === to).map((m) => ({ ...m, at: new Date(m.at).toISOString() }));
    ctx.set('Cache-Control', 'no-store');
    if (ctx.query.format !== 'json' && ctx.accepts('json', 'html') === 'html') {
      ctx.type = 'html';
      ctx.body = await render('dev/mail', ctx.state.page as PageContext, { title: 'Mail sink', cardClass: 'wide area', messages });
      return;
    }
    ctx.body = messages;
  });
  return router;
}
