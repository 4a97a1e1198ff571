// APR-2: the push round of one approval — a wake-up call to every device of the account with a subscription; gone ones are dropped.
import type { PushChannel } from '../domain/push-channel.js';
import type { Clock } from '../shared/clock.js';
import type { Device, DeviceStore } from '../domain/device.js';
import type { Approval } from './approval-record.js';

export interface ApprovalPushDeps {
  devices: DeviceStore;
  push: PushChannel;
  clock: Clock;
  metrics: { pushSent(o: string): void };
}

/**
 * Pushes `approval` to the account's devices (`known`: the list the caller already read, else read here). The push
 * service may hold it for the approval's remaining lifetime (seconds, at least 1); a subscription reported gone
 * (404/410) is removed from its device. Never throws for a failed push (the channel reports it as an outcome).
 */
export async function pushApproval(deps: ApprovalPushDeps, approval: Approval, known?: Device[]): Promise<void> {
  const devices = known ?? (await deps.devices.listByAccount(approval.accountId));
  const ttlSeconds = Math.max(1, Math.floor((approval.expiresAt - deps.clock.now()) / 1000));
  await Promise.all(
    devices
      .filter((d) => d.pushSubscription)
      .map(async (device) => {
        const outcome = await deps.push.send({
          subscription: device.pushSubscription!,
          payload: { type: 'approval', approvalId: approval.id, accountId: approval.accountId, clientName: approval.clientName, expiresAt: approval.expiresAt },
          ttlSeconds,
          urgency: 'high',
          topic: approval.id.slice(4, 36).replace(/[^A-Za-z0-9_-]/g, ''),
        });
        deps.metrics.pushSent(outcome);
        if (outcome === 'gone') await deps.devices.update(device.id, { pushSubscription: null });
      }),
  );
}
