// The SMS ledger contract: every SmsLedger implementation must pass these same tests.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { NewSmsLedgerLine, SmsLedger } from '../../src/domain/sms-ledger.js';

export interface SmsLedgerHandle {
  ledger: SmsLedger;
  close(): Promise<void>;
}

function line(key: string, at: number, overrides: Partial<NewSmsLedgerLine> = {}): NewSmsLedgerLine {
  return { idempotencyKey: key, accountId: 'acc1', brokerId: 'brk1', purpose: 'login', at, providerMessageId: `msg-${key}`, netCents: 10, state: 'accepted', ...overrides };
}

export function smsLedgerContract(name: string, makeLedger: () => Promise<SmsLedgerHandle>): void {
  describe(name, () => {
    let handle: SmsLedgerHandle;
    let ledger: SmsLedger;

    beforeEach(async () => {
      handle = await makeLedger();
      ledger = handle.ledger;
    });
    afterEach(async () => {
      await handle.close();
    });

    it('records a line with a fresh id and returns it', async () => {
      const { line: stored, created } = await ledger.record(line('k1', 1_000));
      expect(created).toBe(true);
      expect(stored).toStrictEqual({ id: expect.any(String), ...line('k1', 1_000) });
      expect(stored.id).not.toBe('');
      expect(await ledger.listForBroker('brk1', 0, 10_000)).toStrictEqual([stored]);
    });

    it('recording the same idempotency key twice keeps the first line only', async () => {
      const first = await ledger.record(line('k1', 1_000));
      const again = await ledger.record(line('k1', 2_000, { providerMessageId: 'other', netCents: 99 }));
      expect(again.created).toBe(false);
      expect(again.line).toStrictEqual(first.line);
      expect(await ledger.listForBroker('brk1', 0, 10_000)).toStrictEqual([first.line]);
    });

    it('concurrent records of one key keep one line', async () => {
      const results = await Promise.all(Array.from({ length: 5 }, () => ledger.record(line('same', 1_000))));
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(new Set(results.map((r) => r.line.id)).size).toBe(1);
      expect(await ledger.listForBroker('brk1', 0, 10_000)).toHaveLength(1);
    });

    it('lists one broker within [from, to), oldest first, equal times in recording order', async () => {
      await ledger.record(line('late', 5_000));
      await ledger.record(line('a', 2_000));
      await ledger.record(line('b', 2_000));
      await ledger.record(line('other-broker', 2_500, { brokerId: 'brk2' }));
      await ledger.record(line('at-from', 1_000));
      await ledger.record(line('at-to', 6_000));
      await ledger.record(line('before', 999));
      const keys = (await ledger.listForBroker('brk1', 1_000, 6_000)).map((l) => l.idempotencyKey);
      expect(keys).toEqual(['at-from', 'a', 'b', 'late']);
      expect((await ledger.listForBroker('brk2', 0, 10_000)).map((l) => l.idempotencyKey)).toEqual(['other-broker']);
      expect(await ledger.listForBroker('nobody', 0, 10_000)).toEqual([]);
    });

    it('keeps every purpose and amount as given', async () => {
      await ledger.record(line('p1', 1, { purpose: 'activation', netCents: 0 }));
      await ledger.record(line('p2', 2, { purpose: 'password', netCents: 5 }));
      await ledger.record(line('p3', 3, { purpose: 'mobile_change', netCents: 123_456 }));
      const lines = await ledger.listForBroker('brk1', 0, 10);
      expect(lines.map((l) => [l.purpose, l.netCents])).toEqual([
        ['activation', 0],
        ['password', 5],
        ['mobile_change', 123_456],
      ]);
    });

    it('records a hand-over as unknown, settles it once: accepted is never changed again', async () => {
      const { line: pending } = await ledger.record(line('u1', 1_000, { state: 'unknown', providerMessageId: null }));
      expect(pending).toMatchObject({ state: 'unknown', providerMessageId: null });
      expect((await ledger.listUnsettled()).map((l) => l.idempotencyKey)).toEqual(['u1']);
      const accepted = await ledger.settle('u1', { state: 'accepted', providerMessageId: 'prov-9', at: 2_000 });
      expect(accepted).toMatchObject({ id: pending.id, state: 'accepted', providerMessageId: 'prov-9', at: 2_000 });
      expect(await ledger.settle('u1', { state: 'failed' })).toMatchObject({ state: 'accepted', providerMessageId: 'prov-9' });
      expect(await ledger.settle('u1', { state: 'accepted', providerMessageId: 'other', at: 3_000 })).toMatchObject({ providerMessageId: 'prov-9', at: 2_000 });
      expect(await ledger.listUnsettled()).toEqual([]);
      expect(await ledger.settle('missing', { state: 'failed' })).toBeNull();
    });

    it('an unknown line can fail; simultaneous settlements leave one accepted line', async () => {
      await ledger.record(line('u2', 1_000, { state: 'unknown', providerMessageId: null }));
      expect(await ledger.settle('u2', { state: 'failed' })).toMatchObject({ state: 'failed' });
      await ledger.record(line('u3', 1_000, { state: 'unknown', providerMessageId: null }));
      const settled = await Promise.all(Array.from({ length: 10 }, (_, i) => ledger.settle('u3', { state: 'accepted', providerMessageId: `p${i}`, at: 2_000 })));
      expect(new Set(settled.map((l) => l!.providerMessageId)).size).toBe(1);
      expect((await ledger.listForBroker('brk1', 0, 10_000)).filter((l) => l.idempotencyKey === 'u3')).toHaveLength(1);
    });

    it('refuses an accepted line without the provider id, and an unknown state', async () => {
      await expect(ledger.record(line('s1', 1, { providerMessageId: null }))).rejects.toThrow();
      await expect(ledger.record(line('s2', 1, { state: 'sent' as never }))).rejects.toThrow();
    });

    it('refuses amounts that are not integer cents', async () => {
      await expect(ledger.record(line('f1', 1, { netCents: 0.1 }))).rejects.toThrow();
      await expect(ledger.record(line('f2', 1, { netCents: -1 }))).rejects.toThrow();
      expect(await ledger.listForBroker('brk1', 0, 10)).toEqual([]);
    });

    it('hands out copies: changing a returned line changes nothing stored', async () => {
      const { line: stored } = await ledger.record(line('c1', 1));
      stored.netCents = 999;
      const [listed] = await ledger.listForBroker('brk1', 0, 10);
      expect(listed!.netCents).toBe(10);
      listed!.brokerId = 'x';
      expect((await ledger.listForBroker('brk1', 0, 10))[0]!.brokerId).toBe('brk1');
    });
  });
}
