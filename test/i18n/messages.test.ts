// Every error code and every text a page names has a German and an English message with the same placeholders.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { hasMessage, MESSAGES, translate, translateAny, type MessageKey } from '../../src/i18n/messages.js';
import { TWO_FACTOR_METHODS } from '../../src/domain/account.js';
import { RECIPIENT_STATES } from '../../src/domain/mailing.js';
import { BROKER_RIGHTS } from '../../src/domain/staff-rights.js';
import { AppError } from '../../src/shared/errors.js';

const ROOT = join(import.meta.dirname, '..', '..');

function filesUnder(dir: string, ending: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith(ending))
    .map((name) => join(ROOT, dir, name));
}

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('the message catalogue', () => {
  const entries = Object.entries(MESSAGES) as [MessageKey, { de: string; en: string; one?: { de: string; en: string } }][];

  it('has a German and an English text for every key, with the same placeholders', () => {
    for (const [key, entry] of entries) {
      expect({ key, de: entry.de.trim().length > 0, en: entry.en.trim().length > 0 }).toEqual({ key, de: true, en: true });
      expect({ key, en: placeholders(entry.en) }).toEqual({ key, en: placeholders(entry.de) });
      if (entry.one) expect({ key, en: placeholders(entry.one.en) }).toEqual({ key, en: placeholders(entry.one.de) });
    }
  });

  it('gives an unknown run-time key the generic error text, never the key itself', () => {
    expect(translateAny('de', 'approval.expird')).toBe(translate('de', 'error.generic'));
    expect(translateAny('en', 'approval.expired')).toBe(translate('en', 'approval.expired'));
  });
});

describe('error codes (AppError.code)', () => {
  // The type check refuses a literal that is no catalogue key; this reads the source so a code built another way
  // (a cast, a JavaScript file) is caught as well.
  const thrown = new Set<string>();
  for (const file of filesUnder('src', '.ts')) {
    const source = readFileSync(file, 'utf8');
    for (const call of source.matchAll(/(?:new AppError|refuse|again)\(([^;]*?)[,)]/g)) {
      for (const literal of call[1]!.matchAll(/'([a-z][A-Za-z]*(?:\.[A-Za-z_]+)+)'/g)) thrown.add(literal[1]!);
    }
  }

  it('finds the codes the source throws (the scan itself works)', () => {
    expect([...thrown]).toEqual(expect.arrayContaining(['approval.expired', 'login.invalid', 'sms.tooManyTries', 'error.unavailable']));
    expect(thrown.size).toBeGreaterThan(40);
  });

  it('has a message in German and English for every code thrown', () => {
    const missing = [...thrown].filter((code) => !hasMessage(code) || !MESSAGES[code].de || !MESSAGES[code].en);
    expect(missing).toEqual([]);
  });

  it('shows the message of its code, not the code', () => {
    const error = new AppError('enrolment.codeWrong', 400, { left: 2 });
    expect(translate('de', error.code, error.params)).toBe('Der Freischaltcode ist falsch. Noch 2 Versuche.');
    expect(translate('en', error.code, error.params)).toBe('The activation code is wrong. 2 tries left.');
  });
});

describe('texts the views name', () => {
  const views = filesUnder('views', '.ejs').map((file) => ({ file, source: readFileSync(file, 'utf8') }));

  it('has every key a view passes to t() literally', () => {
    const missing: string[] = [];
    for (const { file, source } of views) {
      for (const m of source.matchAll(/\bt\(\s*'([^']+)'\s*[,)]/g)) if (!hasMessage(m[1])) missing.push(`${file}: ${m[1]}`);
    }
    expect(missing).toEqual([]);
  });

  it('has every key a view builds from a prefix and a value of the domain', () => {
    // Each `t('prefix.' + value)` in the views, with every value the domain can hand it.
    const families: Record<string, readonly string[]> = {
      'brokerPage.method.': TWO_FACTOR_METHODS,
      'brokerPage.mailing.status.': ['sending', 'done'],
      'brokerPage.state.': RECIPIENT_STATES,
      'brokerPage.change.': ['pending', 'confirmed', 'expired'],
      'brokerPage.right.': BROKER_RIGHTS,
      'approval.': ['denied', 'cancelled', 'expired'],
    };
    const built = new Set<string>();
    for (const { source } of views) {
      for (const call of source.matchAll(/(?<![A-Za-z])t\(([^%]*)\)\s*%>/g)) {
        for (const m of call[1]!.matchAll(/'([A-Za-z.]+\.)' \+ /g)) built.add(m[1]!);
      }
    }
    expect([...built].sort()).toEqual(Object.keys(families).sort());
    const missing = Object.entries(families).flatMap(([prefix, values]) => values.map((v) => `${prefix}${v}`)).filter((key) => !hasMessage(key));
    expect(missing).toEqual([]);
  });
});
