// Issue 10.5: the Host header never shapes what the service publishes. Discovery for Host: evil.example listed
// http://evil.example/token …; now another host name is refused (400 error.badHost), the issuer's name on another
// port is answered with the issuer's URLs, forwarded headers count only with TRUST_PROXY (and are checked too), and
// discovery and JWKS carry a deliberate Cache-Control.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { request } from 'node:http';
import { startTestIdp, type TestIdp } from '../helpers/test-idp.js';

let idp: TestIdp;
let proxied: TestIdp;
beforeAll(async () => {
  idp = await startTestIdp({ redis: false });
  proxied = await startTestIdp({ redis: false, env: { TRUST_PROXY: 'true' } });
});
afterAll(async () => {
  await idp?.close();
  await proxied?.close();
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** A raw request with the headers exactly as given (fetch cannot set Host). */
function send(target: TestIdp, path: string, headers: Record<string, string>): Promise<Answer> {
  const url = new URL(path, target.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: url.port, path: `${url.pathname}${url.search}`, headers: { accept: 'application/json', ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end();
  });
}

const issuerHost = (target: TestIdp) => new URL(target.url).host;
const otherPortHost = (target: TestIdp) => `localhost:${Number(new URL(target.url).port) === 1 ? 2 : 1}`;

function urlsIn(json: string): string[] {
  return [...json.matchAll(/"(https?:\/\/[^"]+)"/g)].map((m) => m[1]!);
}

describe('Host header', () => {
  it('discovery for Host: evil.example is refused with 400 error.badHost and names no evil URL', async () => {
    const answer = await send(idp, '/.well-known/openid-configuration', { host: 'evil.example' });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text).error).toBe('error.badHost');
    expect(answer.text).not.toContain('evil.example');
    expect(answer.headers['cache-control']).toBe('no-store');
  });

  it('the issuer’s host name on another port is answered with the issuer’s URLs only', async () => {
    const answer = await send(idp, '/.well-known/openid-configuration', { host: otherPortHost(idp) });
    expect(answer.status).toBe(200);
    const urls = urlsIn(answer.text);
    expect(urls.length).toBeGreaterThan(5);
    for (const url of urls) expect(url.startsWith(`${idp.url}/`) || url === idp.url).toBe(true);
  });

  it('other routes for a foreign host are refused too: authorization (no redirect), pages, device API, JWKS', async () => {
    const auth = await send(idp, '/auth?client_id=financecloud&response_type=code&scope=openid', { host: 'evil.example', accept: 'text/html' });
    expect(auth.status).toBe(400);
    expect(auth.headers.location).toBeUndefined();
    expect((await send(idp, '/password/forgot', { host: 'evil.example', accept: 'text/html', 'accept-language': 'en' })).text).toContain('does not belong');
    expect((await send(idp, '/ident/api/approvals', { host: 'evil.example' })).status).toBe(400);
    expect((await send(idp, '/jwks', { host: 'evil.example' })).status).toBe(400);
    // An HTML page for the right host is unaffected.
    expect((await send(idp, '/password/forgot', { host: issuerHost(idp), accept: 'text/html' })).status).toBe(200);
  });

  it('probes answer whatever the Host (orchestrators call them by IP)', async () => {
    expect((await send(idp, '/healthz', { host: '10.1.2.3:3000' })).status).toBe(200);
    expect((await send(idp, '/readyz', { host: '10.1.2.3:3000' })).status).toBe(200);
  });

  it('X-Forwarded-Host is ignored without TRUST_PROXY and checked with it', async () => {
    const ignored = await send(idp, '/.well-known/openid-configuration', { host: issuerHost(idp), 'x-forwarded-host': 'evil.example' });
    expect(ignored.status).toBe(200);
    expect(ignored.text).not.toContain('evil.example');

    const forged = await send(proxied, '/.well-known/openid-configuration', { host: issuerHost(proxied), 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'http' });
    expect(forged.status).toBe(400);
    const wrongProto = await send(proxied, '/.well-known/openid-configuration', { host: issuerHost(proxied), 'x-forwarded-host': issuerHost(proxied), 'x-forwarded-proto': 'https' });
    expect(wrongProto.status).toBe(400);
    const right = await send(proxied, '/.well-known/openid-configuration', { host: '10.0.0.9:3000', 'x-forwarded-host': issuerHost(proxied), 'x-forwarded-proto': 'http' });
    expect(right.status).toBe(200);
    for (const url of urlsIn(right.text)) expect(url.startsWith(proxied.url)).toBe(true);
  });

  it('discovery and JWKS carry a deliberate Cache-Control (5 minutes, public); the token endpoint stays no-store', async () => {
    const discovery = await fetch(`${idp.url}/.well-known/openid-configuration`);
    expect(discovery.headers.get('cache-control')).toBe('public, max-age=300');
    const jwksUri = ((await discovery.json()) as { jwks_uri: string }).jwks_uri;
    expect(jwksUri.startsWith(idp.url)).toBe(true);
    const jwks = await fetch(jwksUri);
    expect(jwks.status).toBe(200);
    expect(jwks.headers.get('cache-control')).toBe('public, max-age=300');
    const token = await fetch(`${idp.url}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=authorization_code' });
    expect(token.headers.get('cache-control')).toBe('no-store');
  });
});
