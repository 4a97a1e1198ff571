// Texts for people: phone numbers written as people do, plural forms, the platform for the store link, the way on
// from an error page.
import { describe, expect, it } from '@jest/globals';
import { formatMobile, maskMobile } from '../../src/services/mobile-number.js';
import { platformOf } from '../../src/services/user-agent-summary.js';
import { translate } from '../../src/i18n/messages.js';
import { errorNextStep } from '../../src/routes/error-next-step.js';

describe('phone numbers for people', () => {
  it('German mobile numbers: network prefix, then blocks of four; others in the international format', () => {
    expect(formatMobile('+4915111111101')).toBe('+49 151 1111 1101');
    expect(formatMobile('+491701234567')).toBe('+49 170 1234 567');
    expect(formatMobile('+436641234567')).toBe('+43 664 1234567');
    expect(formatMobile('not a number')).toBe('not a number');
  });

  it('masked: the prefix as people write it and the last two digits only', () => {
    expect(maskMobile('+4915122222205')).toBe('+49 151 ••••• 05');
    expect(maskMobile('+436641234567')).toBe('+43 664 ••••• 67');
  });
});

describe('plural forms', () => {
  it('"Noch 1 Versuch" / "1 try left", and the plural otherwise', () => {
    expect(translate('de', 'sms.wrong', { left: 1 })).toBe('Der Code ist nicht richtig. Noch 1 Versuch.');
    expect(translate('en', 'sms.wrong', { left: 1 })).toBe('The code is not correct. 1 try left.');
    expect(translate('de', 'sms.wrong', { left: 3 })).toBe('Der Code ist nicht richtig. Noch 3 Versuche.');
    expect(translate('de', 'enrolment.codeWrong', { left: 1 })).toBe('Der Freischaltcode ist falsch. Noch 1 Versuch.');
    expect(translate('de', 'sms.resendTooSoon', { seconds: 1 })).toMatch(/noch 1 Sekunde\b/);
    expect(translate('en', 'approval.waiting', { seconds: 1 })).toContain('about 1 second left');
    expect(translate('en', 'approval.waiting', { seconds: 0 })).toContain('about 0 seconds left');
  });
});

describe('the platform for the store link', () => {
  const iphone = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1';
  const android = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36';
  const desktop = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
  it('from the client hint when there is one, else from the User-Agent', () => {
    expect(platformOf(iphone)).toBe('ios');
    expect(platformOf(android)).toBe('android');
    expect(platformOf(desktop)).toBe('desktop');
    expect(platformOf(undefined)).toBe('desktop');
    expect(platformOf(desktop, '"Android"')).toBe('android');
    expect(platformOf(desktop, '"Windows"')).toBe('desktop');
    expect(platformOf(android, '"Android"')).toBe('android');
  });
});

describe('the way on from an error page', () => {
  it('back into the login, the password flow, the account page or the demo; else to the application', () => {
    expect(errorNextStep('/interaction/abc123/login', 'error.tooLarge')).toEqual({ href: '/interaction/abc123', label: 'notice.back' });
    expect(errorNextStep('/interaction/abc123/sms', 'error.interactionExpired')).toEqual({ label: 'error.next.app' });
    expect(errorNextStep('/password/code', 'error.badRequest', { interaction: 'abcdefgh12' })).toEqual({ href: '/password/forgot?interaction=abcdefgh12', label: 'error.next.password' });
    expect(errorNextStep('/password/code', 'error.badRequest', { interaction: '<script>' })).toEqual({ href: '/password/forgot', label: 'error.next.password' });
    expect(errorNextStep('/account/interval', 'interval.invalid')).toEqual({ href: '/account', label: 'error.next.account' });
    expect(errorNextStep('/demo/x', 'error.notFound')).toEqual({ href: '/demo', label: 'error.next.demo' });
    expect(errorNextStep('/nothing', 'error.notFound')).toEqual({ label: 'error.next.app' });
  });
});
