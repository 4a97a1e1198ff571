// The financeIDENT web app (PWA) under /ident/: the page, its ES modules, its service worker (scope /ident/) and its manifest.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Router from '@koa/router';
import type Koa from 'koa';
import ejs from 'ejs';
import { translateAny } from '../../i18n/messages.js';
import { webappMessages } from '../../i18n/webapp-messages.js';
import type { PageContext } from '../render.js';

export interface WebAppDeps {
  /** The repository root (views/, public/). */
  rootDir: string;
  /** Web Push VAPID public key (URL-safe base64), the app's applicationServerKey. */
  vapidPublicKey: string;
  /** Cache rendered templates and files (production). */
  cache: boolean;
}

export function webAppRoutes(deps: WebAppDeps): Router {
  // strict: /ident and /ident/ are different routes (the first redirects to the second).
  const router = new Router({ strict: true });
  const files = new Map<string, string>();
  const file = async (path: string) => {
    const cached = files.get(path);
    if (cached !== undefined) return cached;
    const text = await readFile(join(deps.rootDir, path), 'utf8');
    if (deps.cache) files.set(path, text);
    return text;
  };

  /**
   * A script of the web app (public/ident/<path>) as JavaScript, revalidated on every load (no-cache, ETag → 304): the
   * page is no-cache, so its modules are too, and a browser never runs modules of two releases together. Only names
   * like `api.js` or `screens/enrol.js` are served; any other path goes on (404).
   */
  const script = async (ctx: Koa.ParameterizedContext, next: Koa.Next, path: string) => {
    if (!/^(?:screens\/)?[a-z][a-z0-9-]*\.js$/.test(path)) return next();
    let text: string;
    try {
      text = await file(`public/ident/${path}`);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return next();
      throw error;
    }
    ctx.status = 200;
    ctx.set('Cache-Control', 'no-cache');
    ctx.type = 'text/javascript; charset=utf-8';
    ctx.etag = createHash('sha256').update(text).digest('base64url').slice(0, 27);
    if (ctx.fresh) {
      ctx.status = 304;
      return;
    }
    ctx.body = text;
  };

  router.get('/ident', (ctx) => {
    ctx.status = 301;
    ctx.redirect(`/ident/${ctx.querystring ? `?${ctx.querystring}` : ''}`);
  });

  router.get('/ident/', async (ctx) => {
    const page = ctx.state.page as PageContext;
    const t = (key: string, params?: Record<string, string | number>) => translateAny(page.lang, key, params);
    // A JSON data block is not executed, so the strict CSP allows it; `<` is escaped so it cannot end the element.
    const i18nJson = JSON.stringify(webappMessages(page.lang)).replace(/</g, '\\u003c');
    ctx.set('Cache-Control', 'no-cache');
    ctx.type = 'html';
    ctx.body = await ejs.renderFile(join(deps.rootDir, 'views', 'ident', 'app.ejs'), { ...page, t, i18nJson, vapidPublicKey: deps.vapidPublicKey }, { cache: deps.cache, async: true });
  });

  // Served from /ident/ so that its default scope is /ident/ (a worker under /public/ident/ could not control the app).
  router.get('/ident/sw.js', (ctx, next) => script(ctx, next, 'sw.js'));

  router.get('/ident/manifest.webmanifest', async (ctx) => {
    ctx.set('Cache-Control', 'no-cache');
    ctx.type = 'application/manifest+json; charset=utf-8';
    ctx.body = await file('public/ident/manifest.webmanifest');
  });

  // The page loads /ident/app.js; its imports (./api.js, ./screens/enrol.js, …) resolve below /ident/ as well.
  router.get('/ident/:name', (ctx, next) => script(ctx, next, ctx.params.name!));
  router.get('/ident/screens/:name', (ctx, next) => script(ctx, next, `screens/${ctx.params.name!}`));

  return router;
}
