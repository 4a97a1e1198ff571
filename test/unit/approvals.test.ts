// The approval rules (APR-1…7) as named rules: lifetime, one decision, number matching, caps, resend, "this wasn't me".
import { describe, expect, it } from '@jest/globals';
import { isAppError } from '../../src/shared/errors.js';
import { approvalWorld, newDevice } from './world.js';

/** The error code a promise rejects with (AppError), or 'resolved'. */
async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'resolved';
  } catch (e) {
    if (!isAppError(e)) throw e;
    return e.code;
  }
}

async function worldWithDevice(settings: Parameters<typeof approvalWorld>[0] = {}) {
  const w = approvalWorld(settings);
  const { device } = await newDevice('acc_unit');
  await w.devices.add(device);
  return { ...w, device };
}

const answer = (approvalId: string, device: Awaited<ReturnType<typeof newDevice>>['device'], decision: 'approve' | 'deny', number: string | null, notMe = false) =>
  ({ approvalId, device, decision, method: 'hwk' as const, number, notMe });

describe('approval lifetime (APPROVAL_TTL)', () => {
  it('is pending until its TTL, then expired; an answer after that is refused as approval.expired', async () => {
    const w = await worldWithDevice({ ttlMs: 60_000 });
    const approval = await w.create();
    w.clock.advance(59_999);
    expect((await w.approvals.get(approval.id))!.status).toBe('pending');
    w.clock.advance(1);
    expect((await w.approvals.get(approval.id))!.status).toBe('expired');
    expect(await codeOf(w.approvals.accept(answer(approval.id, w.device, 'approve', approval.number), '192.0.2.9'))).toBe('approval.expired');
    expect(await w.approvals.listPending('acc_unit')).toEqual([]);
  });
});

describe('one decision per approval (APR-4)', () => {
  it('the first answer counts; a second one is refused as approval.alreadyDecided and changes nothing', async () => {
    const w = await worldWithDevice();
    const approval = await w.create();
    expect((await w.approvals.accept(answer(approval.id, w.device, 'approve', approval.number), 'ip')).status).toBe('approved');
    expect(await codeOf(w.approvals.accept(answer(approval.id, w.device, 'deny', null), 'ip'))).toBe('approval.alreadyDecided');
    expect(await w.approvals.outcome(approval.id)).toMatchObject({ status: 'approved', method: 'hwk', deviceId: w.device.id });
  });

  it('a device of another account cannot answer (approval.notFound)', async () => {
    const w = await worldWithDevice();
    const { device: stranger } = await newDevice('acc_other');
    const approval = await w.create();
    expect(await codeOf(w.approvals.accept(answer(approval.id, stranger, 'approve', approval.number), 'ip'))).toBe('approval.notFound');
    expect((await w.approvals.get(approval.id))!.status).toBe('pending');
  });

  it('one login has one pending approval: creating again for the same login gives the same one', async () => {
    const w = await worldWithDevice();
    const first = await w.create('acc_unit', { interactionUid: 'uid_same' });
    const again = await w.create('acc_unit', { interactionUid: 'uid_same' });
    expect(again.id).toBe(first.id);
  });
});

describe('number matching (APR-3)', () => {
  it('a wrong number ends the approval as denied (wrong_number); the right number afterwards is refused', async () => {
    const w = await worldWithDevice({ numberDigits: 2 });
    const approval = await w.create();
    const wrong = approval.number === '00' ? '01' : '00';
    expect(await codeOf(w.approvals.accept(answer(approval.id, w.device, 'approve', wrong), 'ip'))).toBe('approval.wrongNumber');
    expect(await w.approvals.outcome(approval.id)).toMatchObject({ status: 'denied', reason: 'wrong_number' });
    expect(await codeOf(w.approvals.accept(answer(approval.id, w.device, 'approve', approval.number), 'ip'))).toBe('approval.alreadyDecided');
  });
});

describe('caps against push bombing (APR-7)', () => {
  it('open approvals per account: the one beyond the cap is refused (approval.tooManyOpen); a decision frees a slot', async () => {
    const w = await worldWithDevice({ maxOpenPerAccount: 2 });
    const first = await w.create();
    await w.create();
    expect(await codeOf(w.create())).toBe('approval.tooManyOpen');
    await w.approvals.accept(answer(first.id, w.device, 'deny', null), 'ip');
    expect(await codeOf(w.create())).toBe('resolved');
  });

  it('an expired approval frees its slot too', async () => {
    const w = await worldWithDevice({ maxOpenPerAccount: 1, ttlMs: 60_000 });
    await w.create();
    expect(await codeOf(w.create())).toBe('approval.tooManyOpen');
    w.clock.advance(60_000);
    expect(await codeOf(w.create())).toBe('resolved');
  });

  it('approvals per account and hour: the one beyond the cap is refused (approval.tooMany) until the next hour', async () => {
    const w = await worldWithDevice({ maxOpenPerAccount: 100, maxPerAccountPerHour: 3 });
    w.clock.set(Date.UTC(2026, 10, 30, 10, 0, 0));
    for (let i = 0; i < 3; i++) expect(await codeOf(w.create())).toBe('resolved');
    expect(await codeOf(w.create())).toBe('approval.tooMany');
    w.clock.advance(3600_000);
    expect(await codeOf(w.create())).toBe('resolved');
  });
});

describe('resending the push', () => {
  it('waits out the cool-down between resends (approval.resendTooSoon)', async () => {
    const w = await worldWithDevice({ resendCooldownMs: 15_000 });
    const approval = await w.create();
    await w.approvals.resend(approval);
    expect(await codeOf(w.approvals.resend(approval))).toBe('approval.resendTooSoon');
    w.clock.advance(15_000);
    expect(await codeOf(w.approvals.resend(approval))).toBe('resolved');
  });

  it('stops after maxResends (approval.resendLimit), and a decided approval is not pushed again', async () => {
    const w = await worldWithDevice({ resendCooldownMs: 1_000, maxResends: 2, ttlMs: 120_000 });
    const approval = await w.create();
    await w.tasks.drain();
    for (let i = 0; i < 2; i++) {
      await w.approvals.resend(approval);
      w.clock.advance(1_000);
    }
    expect(await codeOf(w.approvals.resend(approval))).toBe('approval.resendLimit');
    expect(w.pushed).toHaveLength(3); // the first push and two resends
    expect(await codeOf(w.approvals.resend({ ...approval, status: 'approved' }))).toBe('approval.expired');
  });
});

describe('push (APR-2)', () => {
  it('goes to every device with a subscription in the background; the runner drains it', async () => {
    const w = await worldWithDevice();
    const approval = await w.create();
    await w.tasks.drain();
    expect(w.pushed).toHaveLength(1);
    expect(w.pushed[0]!.payload).toMatchObject({ type: 'approval', approvalId: approval.id });
    expect(w.pushed[0]!.payload).not.toHaveProperty('number');
    expect(w.failures).toEqual([]);
  });
});

describe('"this wasn\'t me" (APR-6)', () => {
  it('denies, records notMe and calls the configured consequence for the account', async () => {
    const w = await worldWithDevice();
    const approval = await w.create();
    expect((await w.approvals.accept(answer(approval.id, w.device, 'deny', null, true), 'ip')).status).toBe('denied');
    expect(await w.approvals.outcome(approval.id)).toMatchObject({ status: 'denied', notMe: true });
    expect(w.notMe).toEqual(['acc_unit']);
    expect(await w.audit.list({ accountId: 'acc_unit', type: 'approval.not_me' })).toHaveLength(1);
  });

  it('"not me" on an approve counts as nothing more than the approval', async () => {
    const w = await worldWithDevice();
    const approval = await w.create();
    await w.approvals.accept(answer(approval.id, w.device, 'approve', approval.number, true), 'ip');
    expect(await w.approvals.outcome(approval.id)).toMatchObject({ status: 'approved', notMe: false });
    expect(w.notMe).toEqual([]);
  });
});

describe('cancel on the waiting page', () => {
  it('ends a pending approval as cancelled; a decided one stays as it is', async () => {
    const w = await worldWithDevice();
    const open = await w.create();
    await w.approvals.cancel(open.id, 'ip');
    expect((await w.approvals.get(open.id))!.status).toBe('cancelled');
    const approved = await w.create();
    await w.approvals.accept(answer(approved.id, w.device, 'approve', approved.number), 'ip');
    await w.approvals.cancel(approved.id, 'ip');
    expect((await w.approvals.get(approved.id))!.status).toBe('approved');
  });
});
