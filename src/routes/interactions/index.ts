// The hosted login's routes: password, second factor, finish and cancel, all under the interaction's cookie path.
import Router from '@koa/router';
import type { Middleware } from 'koa';
import type { InteractionDeps } from './interaction-deps.js';
import { showLogin } from './show-login.js';
import { submitPassword } from './submit-password.js';
import { abortLogin } from './abort.js';
import { finishRefused } from './role-refused.js';
import {
  approvalEvents,
  approvalStatus,
  cancelApproval,
  dismissEmailNotice,
  finishApproved,
  resendApproval,
  showApproval,
} from './approval-pages.js';
import { showSecondFactor } from './second-factor.js';
import { resendSmsCode, showSmsCode, submitSmsCode } from './sms-pages.js';
import { redirectToPage } from '../flash.js';

export function interactionRoutes(deps: InteractionDeps, forms: Middleware[], extra: (router: Router) => void = () => {}): Router {
  const router = new Router({ prefix: '/interaction/:uid' });
  router.get('/', ...forms, showLogin(deps));
  router.post('/login', ...forms, submitPassword(deps));
  router.get('/second-factor', ...forms, showSecondFactor(deps));
  router.get('/approval', ...forms, showApproval(deps));
  router.get('/approval/events', approvalEvents(deps));
  router.get('/approval/status', approvalStatus(deps));
  router.post('/approval/resend', ...forms, resendApproval(deps));
  router.post('/approval/cancel', ...forms, cancelApproval(deps));
  router.post('/notice/email', ...forms, dismissEmailNotice(deps));
  router.get('/sms', ...forms, showSmsCode(deps));
  router.post('/sms', ...forms, submitSmsCode(deps));
  router.post('/sms/resend', ...forms, resendSmsCode(deps));
  router.get('/finish', finishApproved(deps));
  router.get('/abort', abortLogin(deps));
  router.get('/refused', finishRefused(deps));
  // A reload, Back or the language switch after a POST (an error, a refusal) asks for these URLs by GET: show the page they belong to.
  const page = (suffix: string) => redirectToPage((ctx) => `/interaction/${encodeURIComponent(String(ctx.params.uid))}${suffix}`);
  router.get('/login', page(''));
  router.get('/approval/resend', page('/approval'));
  router.get('/approval/cancel', page('/approval'));
  router.get('/notice/email', page('/approval'));
  router.get('/sms/resend', page('/sms'));
  extra(router);
  return router;
}
