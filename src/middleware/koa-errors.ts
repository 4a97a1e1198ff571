// The one error handler: every failure becomes a clear page or JSON in the user's language, never a stack trace.
import type { Middleware } from 'koa';
import { translate } from '../i18n/messages.js';
import type { PageContext, RenderPage } from '../routes/render.js';
import { AppError, isAppError } from '../shared/errors.js';
import { errorNextStep } from '../routes/error-next-step.js';
import { isDependencyOutage } from '../shared/outage.js';

interface ErrorLog {
  error(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

function toAppError(err: unknown): AppError {
  if (isAppError(err)) return err;
  // Redis or MongoDB down or hung: "try again shortly" (503), on pages and JSON APIs alike.
  if (isDependencyOutage(err)) return new AppError('error.unavailable', 503);
  const status = (err as { status?: number; statusCode?: number }).status ?? (err as { statusCode?: number }).statusCode;
  if (status === 413) return new AppError('error.tooLarge', 413);
  if (status === 404) return new AppError('error.notFound', 404);
  if (status && status >= 400 && status < 500) return new AppError('error.badRequest', status);
  return new AppError('error.generic', 500, {}, false);
}

export function errorHandler(opts: { render: RenderPage; log: ErrorLog }): Middleware {
  return async function errorHandler(ctx, next) {
    try {
      await next();
    } catch (err) {
      const appError = toAppError(err);
      if (appError.code === 'error.unavailable' && !isAppError(err)) {
        opts.log.warn({ reason: (err as Error).message, requestId: ctx.state.requestId, path: ctx.path }, 'dependency unavailable');
      } else if (appError.status >= 500) opts.log.error({ err, requestId: ctx.state.requestId, path: ctx.path }, 'request failed');
      const page = (ctx.state.page as PageContext | undefined) ?? { lang: 'de', switchLanguageUrl: ctx.path };
      const message = translate(page.lang, appError.code, appError.params);
      ctx.status = appError.status;
      ctx.set('Cache-Control', 'no-store');
      const wantsJson = ctx.path.startsWith('/ident/api') || ctx.path.startsWith('/api/') || (ctx.accepts('html', 'json') === 'json');
      if (wantsJson) {
        ctx.body = { error: appError.code, message, ...(Object.keys(appError.params).length ? { details: appError.params } : {}) };
      } else {
        ctx.type = 'html';
        ctx.body = await opts.render('errors/error', page, { message, code: appError.code, next: errorNextStep(ctx.path, appError.code, ctx.query) });
      }
    }
  };
}
