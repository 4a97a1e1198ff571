// The WebAuthn challenge binds exactly one approval and one answer (APR-4).
import { describe, expect, it } from '@jest/globals';
import { decisionChallenge } from '../../src/services/approval-record.js';

const approval = { id: 'apr_aaaaaaaaaaaaaaaaaaaaaaaa', accountId: 'acc_customer', clientId: 'financecloud', createdAt: 1000, expiresAt: 121000 };

describe('decisionChallenge', () => {
  it('is 32 bytes and the same for the same approval and answer', () => {
    const a = decisionChallenge(approval, 'approve', '123456');
    expect(a).toHaveLength(32);
    expect(decisionChallenge(approval, 'approve', '123456').equals(a)).toBe(true);
  });

  it('differs for another approval, decision, number or "this wasn\'t me"', () => {
    const base = decisionChallenge(approval, 'deny', null);
    const variants = [
      decisionChallenge({ ...approval, id: 'apr_bbbbbbbbbbbbbbbbbbbbbbbb' }, 'deny', null),
      decisionChallenge({ ...approval, expiresAt: 999999 }, 'deny', null),
      decisionChallenge(approval, 'approve', null),
      decisionChallenge(approval, 'deny', '1'),
      decisionChallenge(approval, 'deny', null, true),
    ];
    for (const v of variants) expect(v.equals(base)).toBe(false);
  });
});
