// Builds the one Koa app (the provider's): logging, metrics, host check, then our pages and APIs, then the provider's routes.
import type Koa from 'koa';
import compose from 'koa-compose';
import serve from 'koa-static';
import type { Container } from './container.js';
import { ROOT_DIR } from './container.js';
import { body } from './middleware/koa-body.js';
import { csrf } from './middleware/koa-csrf.js';
import { errorHandler } from './middleware/koa-errors.js';
import { language } from './middleware/koa-language.js';
import { httpMetrics } from './middleware/koa-metrics.js';
import { jsonApiFallback, jsonApiHead } from './middleware/koa-json-api.js';
import { appErrorLogger } from './middleware/koa-app-errors.js';
import { closeConnectionsWhenDraining } from './middleware/koa-draining.js';
import { canonicalHost } from './middleware/koa-canonical-host.js';
import { outageAsUnavailable } from './provider/outage-status.js';
import { noCache } from './middleware/koa-no-cache.js';
import { requestLog } from './middleware/koa-request-log.js';
import { securityHeaders } from './middleware/koa-security-headers.js';
import { healthRoutes, Readiness } from './routes/health.js';
import { interactionRoutes } from './routes/interactions/index.js';
import { demoRoutes } from './routes/demo/index.js';
import { identRoutes } from './routes/ident/index.js';
import { webAppRoutes } from './routes/ident/webapp.js';
import { devSmsRoutes } from './routes/dev-sms.js';
import { statementRoutes } from './routes/broker/statement-routes.js';
import { rememberedBrowserCookies } from './routes/interactions/remembered-browser-cookie.js';
import QRCode from 'qrcode';
import { passwordRoutes } from './routes/password/index.js';
import { mobileRoutes } from './routes/broker/mobile-routes.js';
import { accountRoutes } from './routes/account/index.js';
import { brokerRoutes } from './routes/broker/index.js';
import { bearerAuth } from './routes/api-auth.js';
import { BROKER_AREA_ROLES } from './services/broker/broker-hierarchy.js';
import { ACCOUNT_CLIENT_ID } from './config/account-client.js';
import { providerPaths } from './provider/provider-paths.js';
import { AppError } from './shared/errors.js';
import type { InteractionDeps } from './routes/interactions/interaction-deps.js';
import { BROKER_CLIENT_ID } from './config/broker-client.js';
import { BROKER_API_SCOPE } from './routes/broker/index.js';
import { brokerPageRoutes } from './routes/broker/broker-pages.js';
import { loginMobileStep, mobileConfirmRoutes } from './routes/mobile-confirm.js';
import { devMailRoutes } from './routes/dev-mail.js';
import { brokerContext } from './services/broker/broker-access.js';
import { buildPageSettings } from './composition/page-settings.js';

export interface BuiltApp {
  app: Koa;
  readiness: Readiness;
}

export function buildApp(c: Container): BuiltApp {
  // One Koa application, the provider's (oidc-provider's Provider is a Koa app): our middleware runs in the provider's
  // own request context. Its cookie keys and proxy setting are ours (src/composition/provider.ts).
  const app: Koa = c.provider;
  // Only the provider's own router so far: a second buildApp on one container would stack everything twice.
  if (app.middleware.length !== 1) throw new Error('buildApp: this container\'s provider already carries the app; build it once per container');
  const readiness = new Readiness();
  app.on('error', appErrorLogger(c.logger));

  app.use(requestLog(c.logger));
  app.use(closeConnectionsWhenDraining(readiness));
  app.use(httpMetrics(c.metrics));
  app.use(canonicalHost({ issuer: c.config.issuer, trustProxy: c.config.trustProxy }));

  // Our own routes (pages, the device API, the broker API, …), in order.
  const ourMiddleware: Koa.Middleware[] = [];
  const ours = {
    use<S = Koa.DefaultState, C = Koa.DefaultContext>(middleware: Koa.Middleware<S, C>): void {
      ourMiddleware.push(middleware as unknown as Koa.Middleware);
    },
  };
  // Every page, ours and the provider's (authorization, end session): headers, language, error pages.
  const pageEdge = compose<Koa.ParameterizedContext>([securityHeaders(), language(), errorHandler({ render: c.render, log: c.logger }), jsonApiHead()]);

  const staticFiles = serve(`${ROOT_DIR}public`, { maxage: 3600_000, gzip: false, brotli: false });
  ours.use(function publicFiles(ctx, next) {
    if (!ctx.path.startsWith('/public/')) return next();
    return servePublic(ctx);
  });
  async function servePublic(ctx: Koa.Context): Promise<void> {
    const original = ctx.path;
    ctx.path = original.slice('/public'.length);
    await staticFiles(ctx, async () => {});
    ctx.path = original;
    if (ctx.body === undefined) ctx.status = 404;
  }

  const health = healthRoutes({ checks: c.readinessChecks, metrics: c.metrics, readiness, log: c.logger });
  ours.use(health.routes());

  const forms = [noCache(), body(), csrf({ secret: c.keys.cookieKeys[0]!, random: c.random })];
  const pages = buildPageSettings(c.config);
  const { smsAllowed, clientName, factors, flow } = c.secondFactor;
  const acr = { password: c.config.acrPassword, twoFactor: c.config.acrTwoFactor };
  const interactionDeps: InteractionDeps = {
    provider: c.provider,
    accounts: c.accounts,
    login: c.login,
    pending: c.pending,
    approvals: c.approvals,
    rememberedBrowsers: rememberedBrowserCookies(c.rememberedBrowsers),
    render: c.render,
    clock: c.clock,
    acr,
    metrics: c.metrics,
    enrolUrl: (account) => `${c.config.issuer}/ident/?enrol=${encodeURIComponent(account.accessNumber)}`,
    qrSvg: (text) => QRCode.toString(text, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' }),
    storeLinks: { appStore: c.config.appStoreUrl, playStore: c.config.playStoreUrl },
    smsAllowed,
    smsCodes: c.smsCodes,
    drain: readiness,
    clientName,
    clientRoles: c.clientRoles,
    factors,
    flow,
    flash: pages.flash,
    waiting: pages.waiting,
  };
  const interactions = interactionRoutes(interactionDeps, forms, loginMobileStep({ mobileChange: c.broker.mobileChange, render: c.render, interaction: interactionDeps }, forms));
  ours.use(interactions.routes());
  ours.use(interactions.allowedMethods());

  const ident = identRoutes(
    { enrolment: c.enrolment, approvals: c.approvals, deviceAuth: c.deviceAuth, devices: c.deviceService, accounts: c.accounts, codeDigits: c.config.enrolmentCodeDigits, answers: c.deviceAnswers },
    [noCache(), body()],
  );
  ours.use(ident.routes());
  ours.use(passwordRoutes({ passwords: c.passwordSetup.passwords, accounts: c.accounts, render: c.render, minLength: c.config.passwordMinLength, flowTtlMs: c.passwordSetup.flowTtlMs }, forms).routes());
  const mobile = mobileRoutes({
    provider: c.provider, accounts: c.accounts, mobileChange: c.passwordSetup.mobileChange,
    employeeMayChangeMobile: async (employee) => (await brokerContext(employee, c.broker.stores.rights)).rights.has('mobile'),
  }, [noCache(), body()]);
  ours.use(mobile.routes());
  ours.use(webAppRoutes({ rootDir: ROOT_DIR, vapidPublicKey: c.keys.vapid.publicKey, cache: c.config.nodeEnv === 'production' }).routes());
  if (c.smsSink && c.config.nodeEnv !== 'production') ours.use(devSmsRoutes(c.smsSink, c.render).routes());
  const statement = statementRoutes({
    provider: c.provider, accounts: c.accounts, statements: c.statements,
    maySeeCosts: async (account) => (await brokerContext(account, c.broker.stores.rights)).rights.has('costs'),
  });
  ours.use(statement.routes());
  if (c.broker.mailSink && c.config.nodeEnv !== 'production') ours.use(devMailRoutes(c.broker.mailSink, c.render).routes());
  ours.use(mobileConfirmRoutes({ mobileChange: c.broker.mobileChange, render: c.render }, forms).routes());

  if (c.config.nodeEnv === 'development') {
    const demo = demoRoutes({ issuer: c.config.issuer, clients: c.clients, render: c.render, random: c.random, ...(c.config.seedAccountsFile ? { seedAccountsFile: c.config.seedAccountsFile } : {}) });
    ours.use(demo.routes());
  }

  const account = accountRoutes(
    {
      issuer: c.config.issuer,
      client: c.clients.find((client) => client.client_id === ACCOUNT_CLIENT_ID)!,
      accounts: c.accounts,
      intervals: c.intervals,
      rememberedBrowsers: c.rememberedBrowsers,
      devices: c.deviceService,
      render: c.render,
      clock: c.clock,
      random: c.random,
      acrTwoFactor: c.config.acrTwoFactor,
      currentBrowserId: rememberedBrowserCookies(c.rememberedBrowsers).currentId,
      cookies: pages.accountCookies,
    },
    forms,
  );
  ours.use(account.routes());
  const broker = brokerRoutes(
    { intervals: c.intervals, area: c.broker },
    bearerAuth({ provider: c.provider, accounts: c.accounts, roles: [...BROKER_AREA_ROLES], scope: BROKER_API_SCOPE }),
    [noCache(), body()],
  );
  ours.use(broker.routes());
  // Every router under /ident/api or /api/broker belongs in this list (405 with Allow instead of 404).
  ours.use(jsonApiFallback([ident, broker, mobile, statement]));
  const brokerPages = brokerPageRoutes(
    {
      issuer: c.config.issuer,
      client: c.clients.find((client) => client.client_id === BROKER_CLIENT_ID)!,
      accounts: c.accounts,
      area: c.broker,
      intervals: c.intervals,
      statements: c.statements,
      render: c.render,
      clock: c.clock,
      random: c.random,
      acrTwoFactor: c.config.acrTwoFactor,
      session: pages.brokerCookies,
    },
    // Templates are longer than other forms: 64 kB bodies here.
    [noCache(), body({ limit: '64kb' }), csrf({ secret: c.keys.cookieKeys[0]!, random: c.random })],
  );
  ours.use(brokerPages.routes());

  ours.use(function notFound() {
    throw new AppError('error.notFound', 404);
  });

  const providerApi = new Set([
    ...['token', 'introspection', 'revocation', 'userinfo', 'jwks'].map((r) => c.provider.pathFor(r)),
    '/.well-known/openid-configuration',
  ]);
  // Discovery and keys change only with a deployment or a key rotation: caches may keep them 5 minutes (a relying
  // party that meets an unknown kid fetches the JWKS again anyway). The host check above keeps a cache from ever
  // holding another host's variant.
  const cacheable = new Set(['/.well-known/openid-configuration', c.provider.pathFor('jwks')]);
  // The provider's pages skip our routes (no route of ours lies under a provider path), its JSON endpoints skip our
  // page middleware too; everything else is ours, down to "not found".
  const isProviderPath = providerPaths(c.provider);
  const ourPages = compose([pageEdge, ...ourMiddleware]);
  app.use(function routeByOwner(ctx, next) {
    if (providerApi.has(ctx.path)) {
      if (cacheable.has(ctx.path)) ctx.set('Cache-Control', 'public, max-age=300');
      return next();
    }
    return isProviderPath(ctx.path) ? pageEdge(ctx, next) : ourPages(ctx, next);
  });
  // Last before the provider's router: a store outage in its endpoints answers 503.
  outageAsUnavailable(c.provider);
  return { app, readiness };
}
