// Remembered browsers (RD-1…4) and the interval rules: a record counts within the account's current interval only.
import { beforeEach, describe, expect, it } from '@jest/globals';
import { DAY, ManualClock } from '../../src/shared/clock.js';
import { cryptoRandom } from '../../src/shared/random.js';
import { MemoryKvStore } from '../../src/stores/memory/kv-store.js';
import { RememberedBrowserService } from '../../src/services/remembered-browsers.js';
import { RememberedBrowserFactor } from '../../src/services/second-factor/factors/remembered-browser.js';
import { account } from './world.js';

describe('remembered browsers and the interval', () => {
  let clock: ManualClock;
  let browsers: RememberedBrowserService;
  beforeEach(() => {
    clock = new ManualClock();
    browsers = new RememberedBrowserService({ kv: new MemoryKvStore(clock), clock, random: cryptoRandom });
  });

  it('a browser remembered for 7 days counts until the 7th day ends, not after', async () => {
    const token = await browsers.remember('acc_unit', 7, 'Firefox');
    clock.advance(7 * DAY - 1);
    expect(await browsers.check('acc_unit', token, 7)).toBe(true);
    clock.advance(1);
    expect(await browsers.check('acc_unit', token, 7)).toBe(false);
  });

  it('a shorter interval cuts an existing record at once: remembered for 30 days, interval now 7, day 8 → asked again', async () => {
    const token = await browsers.remember('acc_unit', 30, 'Firefox');
    clock.advance(8 * DAY);
    expect(await browsers.check('acc_unit', token, 30)).toBe(true);
    expect(await browsers.check('acc_unit', token, 7)).toBe(false);
    expect(await browsers.list('acc_unit', 7)).toEqual([]);
  });

  it('a longer interval does not extend a record beyond the days it was remembered for', async () => {
    const token = await browsers.remember('acc_unit', 7, 'Firefox');
    clock.advance(8 * DAY);
    expect(await browsers.check('acc_unit', token, 30)).toBe(false);
  });

  it('interval 0 (ask always) honours no record', async () => {
    const token = await browsers.remember('acc_unit', 7, 'Firefox');
    expect(await browsers.check('acc_unit', token, 0)).toBe(false);
  });

  it('a token counts for the account it was issued to only', async () => {
    const token = await browsers.remember('acc_unit', 7, 'Firefox');
    expect(await browsers.check('acc_other', token, 7)).toBe(false);
  });

  it('the list shows each record until the end the current interval gives it', async () => {
    await browsers.remember('acc_unit', 30, 'Firefox');
    const [listed] = await browsers.list('acc_unit', 7);
    expect(listed!.expiresAt).toBe(listed!.createdAt + 7 * DAY);
  });

  it('ending all (new password, removed device, "not me") ends every record at once', async () => {
    const a = await browsers.remember('acc_unit', 7, 'Firefox');
    const b = await browsers.remember('acc_unit', 7, 'Safari');
    expect(await browsers.endAll('acc_unit')).toBe(2);
    expect(await browsers.check('acc_unit', a, 7)).toBe(false);
    expect(await browsers.check('acc_unit', b, 7)).toBe(false);
  });

  describe('as a second factor', () => {
    it('a valid token gives the proof "remembered" (amr pwd only) at the time of the check', async () => {
      const factor = new RememberedBrowserFactor({ browsers, clock });
      const token = await factor.remember(account(), 'Firefox');
      clock.advance(DAY);
      expect(await factor.complete({ account: account() }, token!)).toEqual({ method: 'remembered', amr: ['pwd'], at: clock.now() });
    });

    it('an account with interval 0 is never remembered (no token), and no cookie token is no proof', async () => {
      const factor = new RememberedBrowserFactor({ browsers, clock });
      expect(await factor.remember(account({ twoFactorIntervalDays: 0 }), 'Firefox')).toBeNull();
      expect(await factor.complete({ account: account() }, undefined)).toBeNull();
    });
  });
});
