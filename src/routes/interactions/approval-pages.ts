// The waiting page (APR-3): the number to match, live outcome by SSE or long polling, resend, cancel, finish.
import { PassThrough } from 'node:stream';
import type { Context, Middleware } from 'koa';
import type { InteractionDeps } from './interaction-deps.js';
import { loadLogin, loadPending, loginAttempt } from './load-pending.js';
import { completeLogin } from './finish-login.js';
import { startApp } from './second-factor.js';
import { hasMessage, translate } from '../../i18n/messages.js';
import { isAppError } from '../../shared/errors.js';
import type { Approval, ApprovalOutcome } from '../../services/approval-record.js';

/** The notices `?info=` may show after a resend (a fixed list: a URL never picks an arbitrary text). */
const FLASH = new Set<unknown>(['approval.resent', 'approval.expired', 'approval.resendTooSoon', 'approval.resendLimit', 'approval.tooMany', 'approval.tooManyOpen']);

/**
 * GET …/approval — the waiting page. Straight after the password the login has no approval yet: it is started here
 * (no hop through …/second-factor); a decided or expired approval is shown with its outcome (409).
 */
export function showApproval(deps: InteractionDeps): Middleware {
  return async function showApproval(ctx) {
    const loaded = await loadPending(ctx, deps);
    if (!loaded) return;
    const { login, account } = loaded;
    let approval: Approval | null;
    let outcome: ApprovalOutcome | null = null;
    if (login.approvalId) {
      ({ approval, outcome } = await deps.approvals.state(login.approvalId));
      if (!approval) return ctx.redirect(`/interaction/${login.uid}/second-factor`);
    } else {
      if (deps.flow.chosen(account).id !== 'app') return ctx.redirect(`/interaction/${login.uid}/second-factor`);
      approval = await startApp(ctx, deps, login, account);
      if (!approval) return;
    }
    if (approval.status === 'approved') return ctx.redirect(`/interaction/${login.uid}/finish`);
    ctx.status = approval.status === 'pending' ? 200 : 409;
    ctx.body = await deps.render('interactions/approval', ctx.state.page, {
      uid: login.uid,
      approval,
      secondsLeft: Math.max(0, Math.round((approval.expiresAt - deps.clock.now()) / 1000)),
      outcome: approval.status === 'pending' ? null : outcome,
      smsAllowed: deps.smsAllowed(account),
      showEmailNotice: !account.email && !login.emailNoticeDismissed,
      flash: hasMessage(ctx.query.info) && FLASH.has(ctx.query.info) ? translate(ctx.state.page.lang, ctx.query.info) : null,
      scripts: approval.status === 'pending' ? ['/public/js/waiting.js', '/public/js/countdown.js'] : [],
    });
  };
}

async function currentStatus(deps: InteractionDeps, approvalId: string): Promise<string> {
  return (await deps.approvals.get(approvalId))?.status ?? 'expired';
}

/**
 * GET …/approval/events — server-sent events: one `status` event now and one when the approval is decided.
 * When this instance shuts down, an `event: reconnect` tells the page to connect again (to another instance).
 * Redis failing before the stream starts is a 503 (the page retries with backoff); after that, the stream stays
 * open and reports the decision once the store answers again.
 */
export function approvalEvents(deps: InteractionDeps): Middleware {
  return async function approvalEvents(ctx: Context) {
    // The outcome needs the login's approval only: the account is not loaded.
    const approvalId = (await loadLogin(ctx, deps))?.login.approvalId;
    if (!approvalId) return;
    let onMessage: () => void = () => undefined;
    // Listening first, then one read: a decision in between is in the read, one after it is a message.
    const unsubscribe = await deps.approvals.subscribe(approvalId, () => onMessage());
    let approval;
    try {
      approval = await deps.approvals.get(approvalId);
    } catch (e) {
      await unsubscribe().catch(() => undefined);
      throw e;
    }
    if (!approval) return void (await unsubscribe().catch(() => undefined));
    const initial: string = approval.status;

    const stream = new PassThrough();
    ctx.req.socket.setTimeout(0);
    ctx.req.socket.setNoDelay(true);
    ctx.status = 200;
    ctx.set({ 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' });
    ctx.body = stream;
    stream.write(`retry: ${deps.waiting.sseRetryMs}\n\n`);

    let closed = false;
    const send = (status: string) => {
      if (closed) return;
      stream.write(`event: status\ndata: ${JSON.stringify({ status })}\n\n`);
      if (status !== 'pending') close();
    };
    onMessage = () => void currentStatus(deps, approvalId).then(send, () => undefined);
    const heartbeat = setInterval(() => stream.write(': keep-alive\n\n'), deps.waiting.heartbeatMs);
    const expiry = setTimeout(() => send('expired'), Math.max(0, approval.expiresAt - deps.clock.now()) + 500);
    const stopDrainWatch = deps.drain?.onDrain(() => {
      if (closed) return;
      stream.write('event: reconnect\ndata: {}\n\n');
      close();
    });
    function close() {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      clearTimeout(expiry);
      stopDrainWatch?.();
      void unsubscribe().catch(() => undefined);
      stream.end();
    }
    ctx.req.on('close', close);
    send(initial);
  };
}

/**
 * GET …/approval/status — long polling for browsers without SSE (and the fallback when the stream fails): answers
 * at once when decided, else after the long-poll wait, or at once with `pending` when this instance starts shutting down.
 */
export function approvalStatus(deps: InteractionDeps): Middleware {
  return async function approvalStatus(ctx) {
    // The outcome needs the login's approval only: the account is not loaded.
    const approvalId = (await loadLogin(ctx, deps))?.login.approvalId;
    if (!approvalId) return;
    ctx.set('Cache-Control', 'no-store');
    let status = await currentStatus(deps, approvalId);
    if (status === 'pending' && ctx.query.wait && !deps.drain?.draining) {
      let unsubscribe: (() => Promise<void>) | undefined;
      let stopDrainWatch: (() => void) | undefined;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, deps.waiting.longPollMs);
        const done = () => {
          clearTimeout(timer);
          resolve();
        };
        ctx.req.on('close', done);
        stopDrainWatch = deps.drain?.onDrain(done);
        deps.approvals
          .subscribe(approvalId, done)
          .then(async (u) => {
            unsubscribe = u;
            if ((await currentStatus(deps, approvalId)) !== 'pending') done();
          })
          .catch(done);
      });
      stopDrainWatch?.();
      await unsubscribe?.().catch(() => undefined);
      status = await currentStatus(deps, approvalId);
    }
    ctx.body = { status };
  };
}

export function resendApproval(deps: InteractionDeps): Middleware {
  return async function resendApproval(ctx) {
    const loaded = await loadPending(ctx, deps);
    if (!loaded) return;
    const approval = loaded.login.approvalId ? await deps.approvals.get(loaded.login.approvalId) : null;
    let info = 'approval.resent';
    try {
      if (!approval || approval.status !== 'pending') {
        loaded.login.approvalId = undefined;
        await deps.pending.save(loaded.login);
        return ctx.redirect(`/interaction/${loaded.login.uid}/second-factor`);
      }
      await deps.approvals.resend(approval);
    } catch (e) {
      if (!isAppError(e)) throw e;
      info = e.code;
    }
    ctx.redirect(`/interaction/${loaded.login.uid}/approval?info=${info}`);
  };
}

export function cancelApproval(deps: InteractionDeps): Middleware {
  return async function cancelApproval(ctx) {
    const loaded = await loadPending(ctx, deps);
    if (!loaded) return;
    if (loaded.login.approvalId) await deps.approvals.cancel(loaded.login.approvalId, ctx.ip);
    ctx.redirect(`/interaction/${loaded.login.uid}/abort`);
  };
}

export function dismissEmailNotice(deps: InteractionDeps): Middleware {
  return async function dismissEmailNotice(ctx) {
    const loaded = await loadPending(ctx, deps);
    if (!loaded) return;
    loaded.login.emailNoticeDismissed = true;
    await deps.pending.save(loaded.login);
    ctx.redirect(`/interaction/${loaded.login.uid}/approval`);
  };
}

/** GET …/finish — completes the login only if this login's own approval was approved. */
export function finishApproved(deps: InteractionDeps): Middleware {
  return async function finishApproved(ctx) {
    const loaded = await loadPending(ctx, deps);
    if (!loaded) return;
    const { details, login, account } = loaded;
    const proof = await deps.factors.app.complete(loginAttempt(ctx, login, account));
    if (!proof) return ctx.redirect(`/interaction/${login.uid}/approval`);
    await completeLogin(ctx, deps, details, login, account, proof);
  };
}
