// The hosted login's routes: password, second factor, finish and cancel, all under the interaction's cookie path.
import Router from '@koa/router';
import type { Middleware } from 'koa';
import type { InteractionDeps } from './interaction-deps.js';
import { showLogin } from './show-login.js';
import { submitPassword } from './submit-password.js';
import { abortLogin } from './abort.js';

export function interactionRoutes(deps: InteractionDeps, forms: Middleware[]): Router {
  const router = new Router({ prefix: '/interaction/:uid' });
  router.get('/', ...forms, showLogin(deps));
  router.post('/login', ...forms, submitPassword(deps));
  router.get('/abort', abortLogin(deps));
  return router;
}
