// Debian's Chromium driven by playwright-core for browser tests (never a downloaded browser), with screenshots kept.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Screenshots for people to look at; CI output names this folder. */
export const ARTIFACTS_DIR = join(process.cwd(), 'test-artifacts', 'screenshots');

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/** A fresh persistent Chromium profile (service workers and WebAuthn need a real profile). */
export async function launchChromium(
  opts: {
    locale?: string;
    viewport?: { width: number; height: number };
    permissions?: string[];
    origin?: string;
    userAgent?: string;
    /** Accept a test server's self-signed certificate. */
    ignoreHTTPSErrors?: boolean;
  } = {},
): Promise<BrowserSession> {
  const profile = mkdtempSync(join(tmpdir(), 'fi-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    args: ARGS,
    headless: true,
    locale: opts.locale ?? 'de-DE',
    viewport: opts.viewport ?? { width: 420, height: 860 },
    ...(opts.ignoreHTTPSErrors ? { ignoreHTTPSErrors: true } : {}),
    ...(opts.userAgent ? { userAgent: opts.userAgent } : {}),
  });
  if (opts.permissions && opts.origin) await context.grantPermissions(opts.permissions, { origin: opts.origin });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Saves a full-page screenshot as test-artifacts/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const file = join(ARTIFACTS_DIR, `${name.replace(/[^a-z0-9_-]+/gi, '-')}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Adds a CTAP2 platform authenticator with user verification (the phone's biometrics) to the page. */
export async function addVirtualAuthenticator(page: Page): Promise<string> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
  return authenticatorId;
}
