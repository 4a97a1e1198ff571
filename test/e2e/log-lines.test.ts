// Issue 10.10: logs stay JSON. Waiting pages that close their event stream or long poll (hundreds under load) log
// no multi-line ERR_STREAM_PREMATURE_CLOSE stack: every line is one JSON object, and disconnects are debug only.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Writable } from 'node:stream';
import { startTestIdp, type TestIdp } from '../helpers/test-idp.js';
import { Browser } from '../helpers/browser.js';
import { RelyingParty, passwordLogin } from '../helpers/relying-party.js';
import { createLogger } from '../../src/shared/logger.js';
import { enrolDevice } from '../helpers/device.js';

let idp: TestIdp;
let output = '';
const consoleError = jest.spyOn(console, 'error');
const stderrWrite = jest.spyOn(process.stderr, 'write');

beforeAll(async () => {
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      output += chunk.toString();
      callback();
    },
  });
  idp = await startTestIdp({ redis: false, logger: createLogger({ level: 'debug', destination }) });
  await enrolDevice(idp, '200001');
});
afterAll(async () => {
  consoleError.mockRestore();
  stderrWrite.mockRestore();
  await idp.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Opens `url` with the browser's cookies, reads the first bytes, then hangs up as a closed tab would. */
async function openAndHangUp(browser: Browser, url: string): Promise<void> {
  const controller = new AbortController();
  const cookie = await browser.jar.getCookieString(url);
  const pending = fetch(url, { headers: { cookie, accept: 'text/event-stream' }, signal: controller.signal });
  if (url.includes('/events')) {
    const reader = (await pending).body!.getReader();
    await reader.read();
  } else {
    pending.catch(() => undefined); // a long poll answers no headers before it ends
    await sleep(300);
  }
  controller.abort();
}

function lines(): Record<string, unknown>[] {
  return output
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new Error(`log line is not JSON: ${line}`);
      }
    });
}

describe('log lines', () => {
  it('closing 40 event streams and 10 long polls logs only JSON lines, disconnects at debug, nothing on stderr', async () => {
    const rp = await RelyingParty.discover(idp, 'financecloud');
    const browser = new Browser();
    const waiting = await passwordLogin(browser, rp, await rp.start(), '200001', 'Demo-Passwort-2026');
    expect(waiting.url).toMatch(/\/approval$/);
    output = '';
    consoleError.mockClear();
    stderrWrite.mockClear();

    await Promise.all(Array.from({ length: 40 }, () => openAndHangUp(browser, `${waiting.url}/events`)));
    await Promise.all(Array.from({ length: 10 }, () => openAndHangUp(browser, `${waiting.url.replace(/\/approval$/, '/approval/status')}?wait=1`)));
    await sleep(500);

    const logged = lines();
    expect(logged.length).toBeGreaterThan(0);
    const disconnects = logged.filter((l) => l.msg === 'client disconnected');
    expect(disconnects.length).toBeGreaterThan(0);
    for (const line of disconnects) expect(line.level).toBe('debug');
    expect(logged.filter((l) => l.level === 'error' || l.level === 'warn' || l.level === 'fatal')).toEqual([]);
    expect(output).not.toContain('    at ');
    expect(consoleError).not.toHaveBeenCalled();
    expect(stderrWrite.mock.calls.map((c) => String(c[0])).filter((s) => /ERR_STREAM|premature/i.test(s))).toEqual([]);
  });
});
