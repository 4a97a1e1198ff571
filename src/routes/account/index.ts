// The account page (RD-3, RD-4, ENR-4): the user signs in through this IdP as the internal client `fi-account`
// with a fresh second factor, then sets the interval and sees and ends remembered browsers and devices.
import Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import type { ClientMetadata } from '../../config/clients.js';
import type { IntervalService } from '../../services/interval-service.js';
import { MAX_INTERVAL_DAYS } from '../../services/interval-service.js';
import type { DeviceService } from '../../services/device-service.js';
import type { RememberedBrowserService, RememberedBrowser } from '../../services/remembered-browsers.js';
import type { Clock } from '../../shared/clock.js';
import { AppError } from '../../shared/errors.js';
import { requestLogger } from '../../middleware/koa-request-log.js';
import type { Random } from '../../shared/random.js';
import type { Account, AccountStore } from '../../domain/account.js';
import type { PageContext, RenderPage } from '../render.js';
import { redirectToPage } from '../flash.js';
import { areaSignIn } from '../area-sign-in.js';
import type { AreaCookies } from '../signed-area-cookies.js';
import { translate, type MessageKey } from '../../i18n/messages.js';

export interface AccountPageDeps {
  issuer: string;
  /** The `fi-account` client's metadata. */
  client: ClientMetadata;
  accounts: AccountStore;
  intervals: IntervalService;
  rememberedBrowsers: RememberedBrowserService;
  devices: DeviceService;
  render: RenderPage;
  clock: Clock;
  random: Random;
  /** acr of a fresh second factor; demanded at every sign-in to the account page. */
  acrTwoFactor: string;
  /** The remembered-browser record id of the requesting browser (to mark "this browser"), or null. */
  currentBrowserId?: (ctx: Context, accountId: string) => string | null;
  /** The sign-in cookies with their configured lifetimes (account-cookies.ts). */
  cookies: AreaCookies;
}

/** Which confirmation `?done=` shows after a change (a fixed list: nothing from the URL reaches the page). */
const DONE = new Map<unknown, MessageKey>([
  ['interval', 'account.done.interval'],
  ['browser', 'account.done.browser'],
  ['browsers', 'account.done.browsers'],
  ['device', 'account.done.device'],
]);

/** Platforms as people write them. */
const PLATFORM_NAMES: Record<string, string> = { ios: 'iOS', android: 'Android', web: 'Web-App' };

function formatDate(ms: number, lang: string): string {
  return new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'de-DE', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/Berlin' }).format(ms);
}

function field(ctx: Context, name: string): string {
  const body = (ctx.request as { body?: unknown }).body as Record<string, unknown> | undefined;
  const value = body?.[name];
  return typeof value === 'string' ? value.slice(0, 200) : '';
}

export function accountRoutes(deps: AccountPageDeps, forms: Middleware[]): Router {
  const accountCookies = deps.cookies;
  const signIn = areaSignIn({ issuer: deps.issuer, client: deps.client, path: '/account', cookies: accountCookies, random: deps.random, acrTwoFactor: deps.acrTwoFactor, failure: 'account.signInFailed' });
  const router = new Router({ prefix: '/account' });

  /** The signed-in account, or undefined (then the caller sends the user to sign in). */
  async function signedIn(ctx: Context): Promise<Account | undefined> {
    const session = accountCookies.getSession(ctx, deps.clock.now());
    if (!session) return undefined;
    const account = await deps.accounts.findById(session.accountId);
    if (!account) accountCookies.clearSession(ctx);
    return account ?? undefined;
  }

  /** Wraps a POST: without a session the user is sent to sign in (nothing is changed). */
  function action(handler: (ctx: Context, account: Account) => Promise<string>): Middleware {
    return async (ctx) => {
      const account = await signedIn(ctx);
      if (!account) return ctx.redirect('/account/login');
      const done = await handler(ctx, account);
      ctx.redirect(`/account?done=${done}`);
    };
  }

  async function show(ctx: Context, view: string, locals: Record<string, unknown>, status = 200): Promise<void> {
    ctx.status = status;
    ctx.set('Cache-Control', 'no-store');
    ctx.type = 'html';
    ctx.body = await deps.render(view, ctx.state.page as PageContext, locals);
  }

  router.get('/', ...forms, async (ctx) => {
    const account = await signedIn(ctx);
    if (!account) return ctx.redirect('/account/login');
    const page = ctx.state.page as PageContext;
    let browsers: RememberedBrowser[] | null;
    try {
      browsers = await deps.rememberedBrowsers.list(account.id, account.twoFactorIntervalDays);
    } catch (err) {
      requestLogger(ctx)?.warn({ err: (err as Error)?.message, accountId: account.id }, 'remembered browsers not listed; the page says so');
      browsers = null; // Redis unreachable: say so, the rest of the page still works
    }
    const devices = await deps.devices.list(account.id);
    const doneKey = DONE.get(ctx.query.done);
    const thisBrowser = deps.currentBrowserId?.(ctx, account.id) ?? null;
    // "Remove" asks first (?remove=<device id>); the question names the device, the POST needs confirm=yes.
    const removing = typeof ctx.query.remove === 'string' ? devices.find((d) => d.id === ctx.query.remove) : undefined;
    await show(ctx, 'account/index', {
      title: translate(page.lang, 'account.title'),
      wide: true,
      confirmRemove: removing ? { id: removing.id, name: removing.name } : undefined,
      account: { name: account.name, accessNumber: account.accessNumber, interval: account.twoFactorIntervalDays },
      intervalOptions: Array.from({ length: MAX_INTERVAL_DAYS + 1 }, (_, days) => ({
        value: days,
        label: days === 0 ? translate(page.lang, 'account.interval.always') : translate(page.lang, days === 1 ? 'account.interval.day' : 'account.interval.days', { days }),
      })),
      browsers: browsers?.map((b) => ({
        id: b.id,
        browser: b.browser,
        current: b.id === thisBrowser,
        createdAt: formatDate(b.createdAt, page.lang),
        lastUsedAt: formatDate(b.lastUsedAt, page.lang),
        expiresAt: formatDate(b.expiresAt, page.lang),
      })),
      devices: devices.map((d) => ({ id: d.id, name: d.name, platform: PLATFORM_NAMES[d.platform] ?? d.platform, osVersion: d.osVersion, createdAt: formatDate(d.createdAt, page.lang) })),
      done: doneKey ? translate(page.lang, doneKey) : undefined,
    });
  });

  router.get('/login', async (ctx) => {
    await signIn.start(ctx);
  });

  router.get('/callback', async (ctx) => {
    const { sub } = await signIn.finish(ctx);
    accountCookies.setSession(ctx, sub, deps.clock.now());
    ctx.set('Cache-Control', 'no-store');
    ctx.redirect('/account');
  });

  router.post(
    '/interval',
    ...forms,
    action(async (ctx, account) => {
      const raw = field(ctx, 'days');
      const days = /^\d{1,2}$/.test(raw) ? Number(raw) : Number.NaN;
      await deps.intervals.setOwnInterval(account.id, days, { ip: ctx.ip });
      return 'interval';
    }),
  );

  router.post(
    '/browsers/end',
    ...forms,
    action(async (ctx, account) => {
      const id = field(ctx, 'browserId');
      if (!/^[A-Za-z0-9_-]{43}$/.test(id)) throw new AppError('error.badRequest', 400);
      await deps.rememberedBrowsers.end(account.id, id);
      return 'browser';
    }),
  );

  router.post(
    '/browsers/end-all',
    ...forms,
    action(async (_ctx, account) => {
      await deps.rememberedBrowsers.endAll(account.id);
      return 'browsers';
    }),
  );

  router.post(
    '/devices/remove',
    ...forms,
    async (ctx, next) => {
      const deviceId = field(ctx, 'deviceId');
      // Without the confirmation the page asks first (the same happens for a form sent without it).
      if (field(ctx, 'confirm') !== 'yes') return ctx.redirect(`/account?remove=${encodeURIComponent(deviceId)}#devices-heading`);
      await next();
    },
    action(async (ctx, account) => {
      await deps.devices.remove(account.id, field(ctx, 'deviceId'), { accountId: account.id, ip: ctx.ip });
      return 'device';
    }),
  );

  for (const path of ['/interval', '/browsers/end', '/browsers/end-all', '/devices/remove', '/logout']) router.get(path, redirectToPage(() => '/account'));

  router.post('/logout', ...forms, async (ctx) => {
    accountCookies.clearSession(ctx);
    ctx.set('Cache-Control', 'no-store');
    // Also ends the IdP session (the provider asks for confirmation, then returns to /account/signed-out).
    ctx.redirect(await signIn.signOutUrl(ctx));
  });

  router.get('/signed-out', ...forms, async (ctx) => {
    const page = ctx.state.page as PageContext;
    await show(ctx, 'account/signed-out', { title: translate(page.lang, 'account.signedOut.heading') });
  });

  return router;
}
