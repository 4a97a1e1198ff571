// What every /broker page shares: the signed-in broker context, rendering with the navigation, post/redirect/get with
// a fixed list of confirmations, and errors of a form shown on the page it came from (in the user's language).
import type { Context, Middleware } from 'koa';
import { hasMessage, translate } from '../../i18n/messages.js';
import { brokerContext, type BrokerContext } from '../../services/broker/broker-access.js';
import type { Clock } from '../../shared/clock.js';
import { AppError, isAppError } from '../../shared/errors.js';
import type { AccountStore } from '../../domain/account.js';
import type { StaffRightsStore } from '../../domain/staff-rights.js';
import type { PageContext, RenderPage } from '../render.js';
import type { AreaCookies } from '../signed-area-cookies.js';

export interface PageKitDeps {
  accounts: AccountStore;
  rights: StaffRightsStore;
  render: RenderPage;
  clock: Clock;
  session: AreaCookies;
}

/** Confirmation texts after a change (`?done=`): only these keys reach a page. */
const DONE = ['mobile', 'mobileUnknown', 'method', 'interval', 'intervalAll', 'intervalOwn', 'device', 'browsers', 'rights', 'template', 'templateReset', 'retry'] as const;
const isDone = (value: unknown): value is (typeof DONE)[number] => (DONE as readonly unknown[]).includes(value);
const ERROR_PREFIXES = /^(broker|mailing|mobile|interval|sms|account|device|statement)\.[A-Za-z.]+$/;

export interface PageKit {
  /** A GET page for a signed-in broker; without a session, off to sign in (and back here afterwards). */
  page(handler: (ctx: Context, b: BrokerContext) => Promise<void>): Middleware;
  /** A POST: runs the change, then redirects (PRG). A clear error (4xx) goes back to `back` with `?error=`. */
  action(back: (ctx: Context) => string, handler: (ctx: Context, b: BrokerContext) => Promise<string>): Middleware;
  show(ctx: Context, b: BrokerContext, view: string, title: string, locals: Record<string, unknown>, status?: number): Promise<void>;
  field(ctx: Context, name: string, max?: number): string;
  fields(ctx: Context, name: string): string[];
}

function withParam(url: string, key: string, value: string): string {
  const u = new URL(url, 'http://x');
  u.searchParams.delete('done');
  u.searchParams.delete('error');
  u.searchParams.set(key, value);
  return `${u.pathname}${u.search}`;
}

export function pageKit(deps: PageKitDeps): PageKit {
  const brokerSession = deps.session;
  async function signedIn(ctx: Context): Promise<BrokerContext | undefined> {
    const id = brokerSession.getSession(ctx, deps.clock.now())?.accountId;
    if (!id) return undefined;
    const account = await deps.accounts.findById(id);
    if (!account) {
      brokerSession.clearSession(ctx);
      return undefined;
    }
    return brokerContext(account, deps.rights);
  }

  const body = (ctx: Context) => ((ctx.request as { body?: unknown }).body ?? {}) as Record<string, unknown>;

  return {
    page(handler) {
      return async function brokerPage(ctx) {
        const b = await signedIn(ctx);
        if (!b) return ctx.redirect(`/broker/login?next=${encodeURIComponent(ctx.path)}`);
        await handler(ctx, b);
      };
    },
    action(back, handler) {
      return async function brokerAction(ctx) {
        const b = await signedIn(ctx);
        if (!b) return ctx.redirect('/broker/login');
        ctx.set('Cache-Control', 'no-store');
        try {
          ctx.redirect(await handler(ctx, b));
        } catch (err) {
          if (!isAppError(err) || err.status >= 500 || err.status === 403 || !ERROR_PREFIXES.test(err.code)) throw err;
          ctx.redirect(withParam(back(ctx), 'error', err.code));
        }
      };
    },
    async show(ctx, b, view, title, locals, status = 200) {
      const page = ctx.state.page as PageContext;
      const q = ctx.query;
      const done = isDone(q.done) ? translate(page.lang, `brokerPage.done.${q.done}`, { n: typeof q.n === 'string' && /^\d{1,7}$/.test(q.n) ? q.n : '' }) : undefined;
      const error = typeof q.error === 'string' && ERROR_PREFIXES.test(q.error) && hasMessage(q.error) ? translate(page.lang, q.error, { max: '', name: '' }) : undefined;
      ctx.status = status;
      ctx.set('Cache-Control', 'no-store');
      ctx.type = 'html';
      ctx.body = await deps.render(view, page, {
        title,
        cardClass: 'wide area',
        me: { name: b.actor.name, accessNumber: b.actor.accessNumber, role: b.actor.role },
        can: Object.fromEntries([...b.rights].map((r) => [r, true])),
        mayManageStaff: b.mayManageStaff,
        current: ctx.path,
        done,
        error,
        ...locals,
      });
    },
    field(ctx, name, max = 200) {
      const v = body(ctx)[name];
      return typeof v === 'string' ? v.slice(0, max) : '';
    },
    fields(ctx, name) {
      const v = body(ctx)[name];
      if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string').map((x) => x.slice(0, 50));
      return typeof v === 'string' ? [v.slice(0, 50)] : [];
    },
  };
}

/** Path segment ids we accept at all (anything else is a plain 404). */
export function idParam(ctx: Context & { params?: Record<string, string> }, name: string): string {
  const v = ctx.params?.[name] ?? '';
  if (!/^[A-Za-z0-9_.:-]{1,100}$/.test(v)) throw new AppError('account.notFound', 404);
  return v;
}
