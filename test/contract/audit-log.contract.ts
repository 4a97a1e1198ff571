// The audit log contract: every AuditLog implementation must pass these same tests.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { AuditEvent, AuditLog, NewAuditEvent } from '../../src/domain/audit-log.js';

export interface AuditLogHandle {
  log: AuditLog;
  close(): Promise<void>;
}

function event(at: number, overrides: Partial<NewAuditEvent> = {}): NewAuditEvent {
  return { at, type: 'device.enrolled', accountId: 'acc1', ...overrides };
}

const ats = (events: AuditEvent[]): number[] => events.map((e) => e.at);

export function auditLogContract(name: string, makeLog: () => Promise<AuditLogHandle>): void {
  describe(name, () => {
    let handle: AuditLogHandle;
    let log: AuditLog;

    beforeEach(async () => {
      handle = await makeLog();
      log = handle.log;
    });
    afterEach(async () => {
      await handle.close();
    });

    describe('append', () => {
      it('returns the stored event with a fresh id and null/empty defaults', async () => {
        const first = await log.append(event(1_000));
        const details = { reason: 'not_me', n: 2 };
        const second = await log.append(
          event(2_000, { type: 'approval.denied', deviceId: 'dev1', ip: '203.0.113.7', details }),
        );

        expect(first).toStrictEqual({
          id: expect.any(String),
          at: 1_000,
          type: 'device.enrolled',
          accountId: 'acc1',
          deviceId: null,
          ip: null,
          details: {},
        });
        expect(second).toStrictEqual({
          id: expect.any(String),
          at: 2_000,
          type: 'approval.denied',
          accountId: 'acc1',
          deviceId: 'dev1',
          ip: '203.0.113.7',
          details: { reason: 'not_me', n: 2 },
        });
        expect(first.id).not.toBe('');
        expect(first.id).not.toBe(second.id);
        expect(await log.list({})).toStrictEqual([second, first]);
      });

      it('stores an event without an account', async () => {
        const stored = await log.append(event(1_000, { type: 'approval.refused', accountId: null }));
        expect(stored.accountId).toBeNull();
        expect(await log.list({ type: 'approval.refused' })).toStrictEqual([stored]);
      });
    });

    describe('list', () => {
      it('returns the newest first, whatever the append order', async () => {
        for (const at of [2_000, 1_000, 4_000, 3_000]) await log.append(event(at));
        expect(ats(await log.list({}))).toEqual([4_000, 3_000, 2_000, 1_000]);
      });

      it('returns events of equal time in reverse append order', async () => {
        const a = await log.append(event(1_000, { details: { n: 'a' } }));
        const b = await log.append(event(1_000, { details: { n: 'b' } }));
        const later = await log.append(event(2_000));
        const c = await log.append(event(1_000, { details: { n: 'c' } }));

        expect((await log.list({})).map((e) => e.id)).toEqual([later.id, c.id, b.id, a.id]);
      });

      it('filters by account, by type and by both', async () => {
        await log.append(event(1_000, { accountId: 'acc1', type: 'device.enrolled' }));
        await log.append(event(2_000, { accountId: 'acc2', type: 'device.enrolled' }));
        await log.append(event(3_000, { accountId: 'acc1', type: 'device.removed' }));
        await log.append(event(4_000, { accountId: null, type: 'device.removed' }));

        expect(ats(await log.list({ accountId: 'acc1' }))).toEqual([3_000, 1_000]);
        expect(ats(await log.list({ type: 'device.removed' }))).toEqual([4_000, 3_000]);
        expect(ats(await log.list({ accountId: 'acc1', type: 'device.enrolled' }))).toEqual([1_000]);
        expect(await log.list({ accountId: 'nobody' })).toEqual([]);
        expect(await log.list({ type: 'nothing' })).toEqual([]);
      });

      it('returns at most `limit` events, the newest', async () => {
        for (let at = 1; at <= 5; at++) await log.append(event(at));
        expect(ats(await log.list({ limit: 2 }))).toEqual([5, 4]);
        expect(ats(await log.list({ accountId: 'acc1', limit: 3 }))).toEqual([5, 4, 3]);
      });

      it('returns at most 100 events by default', async () => {
        for (let at = 1; at <= 105; at++) await log.append(event(at));
        const listed = await log.list({});
        expect(listed).toHaveLength(100);
        expect(listed[0]?.at).toBe(105);
        expect(listed[99]?.at).toBe(6);
      });
    });

    describe('copies', () => {
      it('keeps no reference to appended details nor to returned events', async () => {
        const details: Record<string, unknown> = { nested: { value: 1 } };
        const stored = await log.append(event(1_000, { details }));
        (details.nested as { value: number }).value = 2;
        (stored.details.nested as { value: number }).value = 3;
        const listed = await log.list({});
        (listed[0]!.details.nested as { value: number }).value = 4;
        listed[0]!.type = 'changed';

        expect(await log.list({})).toStrictEqual([{ ...stored, details: { nested: { value: 1 } } }]);
      });
    });
  });
}
