// The financeIDENT web app (PWA) under /ident/: the page, its service worker (scope /ident/) and its manifest.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Router from '@koa/router';
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
  router.get('/ident/sw.js', async (ctx) => {
    ctx.set('Cache-Control', 'no-cache');
    ctx.type = 'text/javascript; charset=utf-8';
    ctx.body = await file('public/ident/sw.js');
  });

  router.get('/ident/manifest.webmanifest', async (ctx) => {
    ctx.set('Cache-Control', 'no-cache');
    ctx.type = 'application/manifest+json; charset=utf-8';
    ctx.body = await file('public/ident/manifest.webmanifest');
  });

  return router;
}
