// argon2id at OWASP's minimum (ACC-5): the PHC string names its parameters; verify never throws on bad input.
import { describe, expect, it } from '@jest/globals';
import { argon2Hasher } from '../../src/services/password-hasher.js';

const hasher = argon2Hasher({ memoryCost: 19456, timeCost: 2 });

describe('argon2Hasher', () => {
  it('produces an argon2id PHC string with m=19456,t=2,p=1', async () => {
    const phc = await hasher.hash('Demo-Passwort-2026');
    expect(phc.startsWith('$argon2id$')).toBe(true);
    expect(phc).toContain('m=19456,t=2,p=1');
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const phc = await hasher.hash('Demo-Passwort-2026');
    await expect(hasher.verify(phc, 'Demo-Passwort-2026')).resolves.toBe(true);
    await expect(hasher.verify(phc, 'Demo-Passwort-2027')).resolves.toBe(false);
    await expect(hasher.verify(phc, '')).resolves.toBe(false);
  });

  it('two hashes of the same password differ (random salt) and both verify', async () => {
    const a = await hasher.hash('same');
    const b = await hasher.hash('same');
    expect(a).not.toBe(b);
    await expect(hasher.verify(a, 'same')).resolves.toBe(true);
    await expect(hasher.verify(b, 'same')).resolves.toBe(true);
  });

  it.each([
    ['empty string', ''],
    ['garbage', 'not-a-hash'],
    ['bcrypt string', '$2b$10$abcdefghijklmnopqrstuuO7Zy1c2xQe8t3mRkJY2kq0F5Yy0mR6a'],
    ['truncated argon2 string', '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ'],
    ['argon2 with bad base64', '$argon2id$v=19$m=19456,t=2,p=1$!!!!$????'],
  ])('a malformed hash (%s) gives false and does not throw', async (_label, bad) => {
    await expect(hasher.verify(bad, 'Demo-Passwort-2026')).resolves.toBe(false);
  });

  it('verifyNothing spends a verify and is always false', async () => {
    await expect(hasher.verifyNothing('decoy-password-that-matches-nothing')).resolves.toBe(false);
    await expect(hasher.verifyNothing('anything')).resolves.toBe(false);
  });
});
