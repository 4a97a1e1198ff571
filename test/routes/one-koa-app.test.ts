// The provider is the one Koa application: our middleware is mounted on it once, and its JSON endpoints skip our pages.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { buildApp } from '../../src/app.js';
import { startTestIdp, type TestIdp } from '../helpers/test-idp.js';

describe('one Koa application: the provider carries our middleware', () => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await startTestIdp();
  });
  afterAll(async () => {
    await idp.close();
  });

  it('building the app a second time on the same container is refused (it would stack every middleware twice)', () => {
    expect(() => buildApp(idp.container)).toThrow(/once per container/);
  });

  it("the provider's JSON endpoints get the request id but none of the page headers; its pages and ours get both", async () => {
    const discovery = await fetch(`${idp.url}/.well-known/openid-configuration`);
    expect(discovery.status).toBe(200);
    expect(discovery.headers.get('x-request-id')).toBeTruthy();
    expect(discovery.headers.get('content-security-policy')).toBeNull();
    expect(discovery.headers.get('cache-control')).toBe('public, max-age=300');

    const providerPage = await fetch(`${idp.url}/auth?client_id=nobody&response_type=code&scope=openid`, { headers: { 'accept-language': 'en' } });
    expect(providerPage.status).toBe(400);
    expect(providerPage.headers.get('x-request-id')).toBeTruthy();
    expect(providerPage.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await providerPage.text()).toContain('The application is not known.');

    const ourPage = await fetch(`${idp.url}/no/such/page`, { headers: { 'accept-language': 'de' } });
    expect(ourPage.status).toBe(404);
    expect(ourPage.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(ourPage.headers.get('x-request-id')).toBeTruthy();
  });
});
