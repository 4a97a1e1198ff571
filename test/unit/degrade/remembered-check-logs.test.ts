// A remembered-browser check that cannot read its store fails closed (second factor asked) and says why in the log.
import { describe, expect, it, jest } from '@jest/globals';
import { RememberedBrowserService, rememberedBrowserId } from '../../../src/services/remembered-browsers.js';
import { ManualClock } from '../../../src/shared/clock.js';
import { cryptoRandom } from '../../../src/shared/random.js';
import { MemoryKvStore } from '../../../src/stores/memory/kv-store.js';

function service() {
  const clock = new ManualClock();
  const kv = new MemoryKvStore(clock);
  const warn = jest.fn<(obj: object, msg: string) => void>();
  return { kv, warn, browsers: new RememberedBrowserService({ kv, clock, random: cryptoRandom, log: { warn } as never }) };
}

describe('remembered browser check when the store fails', () => {
  it('answers "not remembered" and logs a warning with the account, never the token', async () => {
    const { kv, warn, browsers } = service();
    const token = await browsers.remember('acc-1', 30, 'Firefox on Linux');
    // The stored record is unreadable (a broken write, another version's format).
    await kv.set(`rb:acc-1:${rememberedBrowserId(token)}`, 'not json');
    expect(await browsers.check('acc-1', token, 30)).toBe(false);
    expect(warn).toHaveBeenCalledTimes(1);
    const [fields, message] = warn.mock.calls[0]!;
    expect(message).toBe('remembered browser not checked; asking for the second factor');
    expect(fields).toMatchObject({ accountId: 'acc-1' });
    expect(JSON.stringify(fields)).not.toContain(token);
  });

  it('logs nothing for the expected "no": an unknown token or one outside the interval', async () => {
    const { warn, browsers } = service();
    const token = await browsers.remember('acc-1', 30, 'Firefox on Linux');
    expect(await browsers.check('acc-1', 'x'.repeat(43), 30)).toBe(false);
    expect(await browsers.check('acc-2', token, 30)).toBe(false);
    expect(await browsers.check('acc-1', token, 30)).toBe(true);
    expect(warn).not.toHaveBeenCalled();
  });
});
