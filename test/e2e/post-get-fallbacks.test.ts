// Every URL a form posts to also answers a GET (a reload, Back, or the language switch on the page the POST showed):
// it leads to the page the form belongs to, in the language asked for, never to a bare "Not Found".
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestIdp, type TestIdp } from '../helpers/test-idp.js';
import { Browser } from '../helpers/browser.js';
import { RelyingParty } from '../helpers/relying-party.js';
import { MESSAGES } from '../../src/i18n/messages.js';

let idp: TestIdp;
let rp: RelyingParty;
beforeAll(async () => {
  idp = await startTestIdp({ redis: false });
  rp = await RelyingParty.discover(idp, 'financecloud');
});
afterAll(async () => idp.close());

describe('GET on a form\'s POST address', () => {
  it.each([
    ['/login', ''],
    ['/approval/resend', '/approval'],
    ['/approval/cancel', '/approval'],
    ['/notice/email', '/approval'],
    ['/sms/resend', '/sms'],
  ])('/interaction/:uid%s leads to its page (%s), keeping ?lang', async (suffix, page) => {
    const browser = new Browser();
    const login = await browser.go((await rp.start()).url);
    const response = await browser.request(`${login.url}${suffix}?lang=en`);
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe(`${new URL(login.url).pathname}${page}?lang=en`);
  });

  it.each(['/interval', '/browsers/end', '/browsers/end-all', '/devices/remove', '/logout'])('/account%s leads to /account', async (path) => {
    const response = await new Browser().request(`${idp.url}/account${path}`);
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/account');
  });

  it('/password/code/resend leads to /password/code', async () => {
    const response = await new Browser().request(`${idp.url}/password/code/resend?lang=en`);
    expect(response.headers.get('location')).toBe('/password/code?lang=en');
  });

  it('an unknown address is the styled page in the asked language, as HTML, with status 404', async () => {
    const response = await new Browser({ 'accept-language': 'en' }).request(`${idp.url}/nope/nothing`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    const html = await response.text();
    expect(html).toContain('<html lang="en">');
    expect(html).toContain(MESSAGES['error.notFound'].en);
    expect(html).toContain(MESSAGES['error.next.app'].en);
    expect(html).toContain('/public/css/app.css');
  });

  it('the provider\'s own addresses still answer (discovery, JWKS, authorization, logout)', async () => {
    expect((await fetch(`${idp.url}/.well-known/openid-configuration`)).status).toBe(200);
    expect((await fetch(`${idp.url}/jwks`)).status).toBe(200);
    expect((await fetch(rp.config.serverMetadata().end_session_endpoint!)).status).toBe(200);
    const auth = await new Browser().request((await rp.start()).url);
    expect(auth.status).toBe(303);
  });
});
