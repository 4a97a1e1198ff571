// Unit rule: every SMS text comes from the one table (src/i18n/sms-texts.ts), in the person's language (German
// when unknown), naming the code and its lifetime; the code service sends exactly that text for every purpose.
import { describe, expect, it } from '@jest/globals';
import { SMS_TEXTS, smsText } from '../../../src/i18n/sms-texts.js';
import type { CodePurpose } from '../../../src/services/purpose-codes.js';
import { codesKit } from '../unit-kit.js';

const PURPOSES: CodePurpose[] = ['login', 'activation', 'password', 'mobile_change'];
const MOBILE = '+4915100000001';

describe('rule: one table holds every SMS text, German and English', () => {
  it('the table has a German and an English text for every purpose the code service sends, each different', () => {
    expect(Object.keys(SMS_TEXTS).sort()).toEqual([...PURPOSES].sort());
    const all = PURPOSES.flatMap((p) => [smsText(p, 'de', { code: '123456', minutes: 5 }), smsText(p, 'en', { code: '123456', minutes: 5 })]);
    expect(new Set(all).size).toBe(all.length);
    for (const text of all) expect(text).toMatch(/financeIDENT .*123456 \((gültig|valid for) 5 Min/i);
  });

  it('German when no language is known; a link follows after one space', () => {
    expect(smsText('login', undefined, { code: '1', minutes: 5 })).toBe(smsText('login', 'de', { code: '1', minutes: 5 }));
    const linked = smsText('mobile_change', 'en', { code: '1', minutes: 5, link: 'https://idp.example/mobile/confirm/t' });
    expect(linked).toBe(`${smsText('mobile_change', 'en', { code: '1', minutes: 5 })} https://idp.example/mobile/confirm/t`);
  });

  it.each(PURPOSES)('the code service sends the table’s text for %s, in the asked language, with the lifetime of that purpose', async (purpose) => {
    const kit = codesKit({ activation: { codeTtlMs: 10 * 60_000, resendCooldownMs: 0 } });
    for (const lang of ['de', 'en'] as const) {
      await kit.codes.send({ purpose, lang, flowId: `flow-${lang}`, subject: `acc_${lang}`, to: MOBILE, ip: '198.51.100.7', ...(purpose === 'mobile_change' ? { link: 'https://idp.example/m/x' } : {}) });
      const sent = kit.sms.sink.lastTo(MOBILE)!;
      const minutes = purpose === 'activation' ? 10 : 5;
      expect(sent.purpose).toBe(purpose);
      expect(sent.text).toBe(smsText(purpose, lang, { code: kit.sms.codeTo(MOBILE), minutes, ...(purpose === 'mobile_change' ? { link: 'https://idp.example/m/x' } : {}) }));
    }
  });
});
