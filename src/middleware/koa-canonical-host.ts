// Every URL the service publishes or redirects to derives from ISSUER, never from the request's Host header:
// a request for another host name is refused (400 error.badHost); one for the issuer's host name on another port
// (an instance reached directly) is answered as if it had come to the issuer, so the OIDC provider builds the
// issuer's URLs. With TRUST_PROXY the forwarded host and protocol are checked and pinned the same way.
import type { Middleware } from 'koa';
import { pickLanguage } from '../i18n/language.js';
import { translate } from '../i18n/messages.js';
import { LANGUAGE_COOKIE } from './koa-language.js';

/** Paths that publish no URL and are called by IP (probes, the metrics scraper). */
export const HOST_EXEMPT_PATHS: ReadonlySet<string> = new Set(['/healthz', '/readyz', '/metrics']);

const DEFAULT_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443' };

/** `host[:port]` as a browser sends it, lower-cased, without the protocol's default port. */
function normaliseHost(host: string, protocol: string): string {
  const lower = host.trim().toLowerCase();
  const defaultPort = DEFAULT_PORTS[protocol];
  return defaultPort && lower.endsWith(`:${defaultPort}`) ? lower.slice(0, -(defaultPort.length + 1)) : lower;
}

/** The host name of a `host[:port]` value (IPv6 literals in brackets kept whole). */
function hostName(host: string): string {
  const match = /^(\[[^\]]*\]|[^:]*)/.exec(host);
  return match?.[1] ?? host;
}

export function canonicalHost(opts: { issuer: string; trustProxy: boolean; exempt?: ReadonlySet<string> }): Middleware {
  const issuer = new URL(opts.issuer);
  const issuerHost = normaliseHost(issuer.host, issuer.protocol);
  const issuerName = hostName(issuerHost);
  const issuerProtocol = issuer.protocol.slice(0, -1);
  const exempt = opts.exempt ?? HOST_EXEMPT_PATHS;

  // Not async (it runs on every request): it answers a wrong host itself, else hands the request on unchanged.
  return function canonicalHost(ctx, next) {
    if (exempt.has(ctx.path)) return next();
    // Koa's ctx.host and ctx.protocol honour X-Forwarded-Host/-Proto only with TRUST_PROXY, like the provider.
    const host = normaliseHost(ctx.host, `${ctx.protocol}:`);
    if (hostName(host) !== issuerName || ctx.protocol !== issuerProtocol) {
      const lang = pickLanguage({ query: ctx.query.lang, cookie: ctx.cookies.get(LANGUAGE_COOKIE), acceptLanguage: ctx.get('accept-language') });
      const message = translate(lang, 'error.badHost');
      ctx.status = 400;
      ctx.set('Cache-Control', 'no-store');
      if (ctx.path.startsWith('/ident/api') || ctx.path.startsWith('/api/') || ctx.accepts('html', 'json') === 'json') {
        ctx.body = { error: 'error.badHost', message };
      } else {
        ctx.type = 'text/plain; charset=utf-8';
        ctx.body = message;
      }
      return Promise.resolve();
    }
    // Same host name, maybe another port: pin what the provider (and everything after) reads to the issuer.
    ctx.req.headers.host = issuer.host;
    if (opts.trustProxy) {
      ctx.req.headers['x-forwarded-host'] = issuer.host;
      ctx.req.headers['x-forwarded-proto'] = issuerProtocol;
    }
    return next();
  };
}
