// Shared steps for the browser tests of the hosted pages: a person types into the labelled fields and clicks,
// the relying party's callback (not served in tests) is caught in the browser, and pages are checked with axe-core.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from '@jest/globals';
import type { Page } from 'playwright-core';
import type { Language } from '../../src/i18n/language.js';
import { translate, type MessageKey } from '../../src/i18n/messages.js';
import type { RelyingParty } from '../helpers/relying-party.js';
import { screenshot } from '../helpers/chromium.js';

export const PASSWORD = 'Demo-Passwort-2026';
/** Generous waits with explicit conditions; no fixed sleeps. */
export const WAIT = { timeout: 20_000 };
export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 900 };

export const text = (lang: Language, key: MessageKey, params?: Record<string, string | number>) => translate(lang, key, params);

/**
 * The relying party's redirect URI is not served in tests. A navigation straight to it gets a tiny page here; the
 * usual way there is a redirect from the IdP, which Playwright's routing does not intercept (its handler only sees the
 * first URL of a redirect chain), so the URL is recorded from the request and the IdP's own "not found" page shows.
 */
export async function catchCallbacks(page: Page, rp: RelyingParty): Promise<string[]> {
  const seen: string[] = [];
  page.on('request', (request) => {
    if (request.isNavigationRequest() && request.url().startsWith(rp.redirectUri)) seen.push(request.url());
  });
  await page.route(`${rp.redirectUri}**`, (route) =>
    route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: '<!DOCTYPE html><html lang="en"><title>Relying party</title><p id="rp">Back at the relying party</p></html>' }),
  );
  return seen;
}

/** Waits until the browser has gone to the relying party's callback and returns its URL (with code and state). */
export async function waitForCallback(page: Page, rp: RelyingParty): Promise<string> {
  await page.waitForURL((url) => url.toString().startsWith(rp.redirectUri), { ...WAIT, waitUntil: 'commit' });
  return page.url();
}

/** The login page as a person uses it: type into the fields found by their labels, click the button. */
export async function typePassword(page: Page, lang: Language, loginId: string, password = PASSWORD): Promise<void> {
  await page.locator('h1', { hasText: text(lang, 'login.heading') }).waitFor(WAIT);
  await page.getByLabel(text(lang, 'login.loginId')).fill(loginId);
  await page.getByLabel(text(lang, 'login.password'), { exact: true }).fill(password);
  await page.getByRole('button', { name: text(lang, 'login.submit'), exact: true }).click();
}

/** The visible text of the page's main content, whitespace collapsed. */
export async function mainText(page: Page): Promise<string> {
  return ((await page.locator('main').innerText()) ?? '').replace(/\s+/g, ' ').trim();
}

/** Elements that stick out of their card (main) sideways, unless inside a scroll box that itself fits. */
export async function overflowingElements(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const main = document.querySelector('main');
    if (!main) return [];
    const box = main.getBoundingClientRect();
    const out: string[] = [];
    for (const el of Array.from(main.querySelectorAll('*'))) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      let clipped = false;
      for (let p = el.parentElement; p && p !== main; p = p.parentElement) {
        const ox = getComputedStyle(p).overflowX;
        if (ox === 'auto' || ox === 'scroll' || ox === 'hidden') {
          clipped = true;
          break;
        }
      }
      if (clipped) continue;
      if (r.right > box.right + 1 || r.left < box.left - 1) {
        const id = el.id ? `#${el.id}` : '';
        const cls = typeof el.className === 'string' && el.className ? `.${el.className.split(' ')[0]}` : '';
        out.push(`${el.tagName.toLowerCase()}${id}${cls} sticks out by ${Math.round(Math.max(r.right - box.right, box.left - r.left))}px`);
      }
    }
    return out;
  });
}

/** The page does not scroll sideways and nothing sticks out of the card. */
export async function expectNoHorizontalOverflow(page: Page): Promise<void> {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  const width = page.viewportSize()?.width;
  expect({ width, overflow, outside: (await overflowingElements(page)).slice(0, 5) }).toEqual({ width, overflow: expect.any(Number), outside: [] });
  expect(overflow).toBeLessThanOrEqual(0);
}

const AXE_SOURCE = readFileSync(join(process.cwd(), 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

/**
 * Runs axe-core on the page (evaluated through the DevTools protocol, so the page's strict CSP stays as it is)
 * and returns the serious and critical violations in a readable form.
 */
export async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })) }));
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help}\n${v.nodes.map((n) => `  ${JSON.stringify(n.target)} ${n.failureSummary ?? ''}`.replace(/\n/g, ' ')).join('\n')}`);
}

/** Screenshots at a phone (390×844) and a desktop (1280×900) viewport: `<name>-phone`, `<name>-desktop`; the phone must not scroll sideways. */
export async function screenshotsAtSizes(page: Page, name: string): Promise<void> {
  const before = page.viewportSize();
  await page.setViewportSize(PHONE);
  await expectNoHorizontalOverflow(page);
  await screenshot(page, `${name}-phone`);
  await page.setViewportSize(DESKTOP);
  await screenshot(page, `${name}-desktop`);
  if (before) await page.setViewportSize(before);
}

/** RP-initiated logout as a person confirms it; returns after the "signed out" page is shown. */
export async function logOut(page: Page, rp: RelyingParty, lang: Language, shot?: string): Promise<void> {
  await page.goto(rp.config.serverMetadata().end_session_endpoint!);
  const yes = page.getByRole('button', { name: text(lang, 'logout.yes'), exact: true });
  await yes.waitFor(WAIT);
  if (shot) await screenshot(page, shot);
  await yes.click();
  await page.getByText(text(lang, 'logout.done')).waitFor(WAIT);
}

/**
 * At a phone (390 px) and a desktop (1280 px) width: a screenshot (`<name>-phone`, `<name>-desktop`), nothing
 * overflowing, and no serious or critical axe violations (listed in the failure). The viewport is restored afterwards.
 */
export async function checkPage(page: Page, name: string): Promise<void> {
  const before = page.viewportSize();
  for (const [size, viewport] of [['phone', PHONE], ['desktop', DESKTOP]] as const) {
    await page.setViewportSize(viewport);
    await screenshot(page, `${name}-${size}`);
    await expectNoHorizontalOverflow(page);
    const violations = await seriousViolations(page);
    expect({ page: `${name}-${size}`, violations }).toEqual({ page: `${name}-${size}`, violations: [] });
  }
  if (before) await page.setViewportSize(before);
}
