// The provider's JSON endpoints (token, userinfo, introspection, …) answer 503 instead of 500 when the failure was a
// store outage (Redis down or hung): a relying party's back end then knows to retry. The body stays the provider's.
import type Provider from 'oidc-provider';
import { isDependencyOutage } from '../shared/outage.js';

const STATE_KEY = 'fiServerError';

export function outageAsUnavailable(provider: Provider): void {
  provider.on('server_error', (ctx, err) => {
    ctx.state[STATE_KEY] = err;
  });
  provider.use(async function outageStatus(ctx, next) {
    await next();
    if (ctx.status === 500 && isDependencyOutage(ctx.state[STATE_KEY])) {
      ctx.status = 503;
      ctx.set('Retry-After', '5');
    }
  });
}
