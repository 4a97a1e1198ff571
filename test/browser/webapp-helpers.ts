// Drives the financeIDENT web app (/ident/) in Chromium as a person would: enrol an account, open "Freigabe".
import { expect } from '@jest/globals';
import type { Page } from 'playwright-core';
import { lastCode } from '../helpers/device.js';
import { screenshot } from '../helpers/chromium.js';
import type { TestIdp } from '../helpers/test-idp.js';

/** The visible text of the page's main content (one helper for all browser tests). */
export { mainText } from './hosted-pages.js';

export const PASSWORD = 'Demo-Passwort-2026';
export const WAIT = { timeout: 20_000 };

export const heading = (page: Page, text: string) => page.locator('h1', { hasText: text });

/** Enrols `loginId` in the web app (prefilled by ?enrol=), with the activation code from the SMS sink; screenshots with `shots` as prefix. */
export async function enrolInWebApp(page: Page, idp: TestIdp, loginId: string, opts: { shots?: string; lang?: 'de' | 'en' } = {}): Promise<void> {
  const account = (await idp.container.accounts.findByAccessNumber(loginId))!;
  const en = opts.lang === 'en';
  await page.goto(`${idp.url}/ident/?enrol=${loginId}${en ? '&lang=en' : ''}`);
  await heading(page, en ? 'Add account' : 'Zugang hinzufügen').waitFor(WAIT);
  expect(await page.locator('#loginId').inputValue()).toBe(loginId);
  await page.fill('#password', PASSWORD);
  if (opts.shots) await screenshot(page, `${opts.shots}-login`);
  await page.click('#enrol-submit');
  await heading(page, en ? 'Enter the activation code' : 'Freischaltcode eingeben').waitFor(WAIT);
  await page.fill('#code', lastCode(idp, account.mobile!));
  if (opts.shots) await screenshot(page, `${opts.shots}-code`);
  await page.click('#enrol-register');
  await heading(page, en ? 'All set' : 'Eingerichtet').waitFor(WAIT);
  if (opts.shots) await screenshot(page, `${opts.shots}-done`);
}
