// Seeing and removing financeIDENT devices (ENR-4): a removed device can do nothing from that moment.
import type { Clock } from '../shared/clock.js';
import { AppError } from '../shared/errors.js';
import type { AuditLog } from '../domain/audit-log.js';
import type { Device, DeviceStore } from '../domain/device.js';
import { assertPushKeys } from './device-keys.js';
import type { PushEndpointPolicy } from './push-endpoints.js';

export interface DeviceServiceDeps {
  devices: DeviceStore;
  audit: AuditLog;
  clock: Clock;
  /** Which push services a subscription may name (SSRF); without it no subscription is accepted. */
  pushEndpoints?: PushEndpointPolicy;
  /** Called after a removal (ends remembered browsers, RD-4). */
  onRemoved?: (device: Device) => Promise<void>;
}

export class DeviceService {
  constructor(private readonly deps: DeviceServiceDeps) {}

  list(accountId: string): Promise<Device[]> {
    return this.deps.devices.listByAccount(accountId);
  }

  /** After a verified WebAuthn assertion: the new signature counter and the time of use. */
  async recordWebAuthnUse(deviceId: string, counter: number): Promise<void> {
    await this.deps.devices.update(deviceId, { webauthnCounter: counter, lastUsedAt: this.deps.clock.now() });
  }

  /**
   * Sets (or clears, with null) the Web Push subscription of a device. Throws `enrolment.badPushSubscription` (400,
   * `field`: endpoint or keys) when the endpoint is not an allowed push service or the keys do not import (the same
   * rule as at enrolment), `device.notFound` (404) when the device is gone.
   */
  async setPushSubscription(deviceId: string, subscription: Device['pushSubscription']): Promise<void> {
    if (subscription) {
      if (!this.deps.pushEndpoints?.allows(subscription.endpoint)) throw new AppError('enrolment.badPushSubscription', 400, { field: 'endpoint' });
      await assertPushKeys(subscription.keys);
    }
    const updated = await this.deps.devices.update(deviceId, { pushSubscription: subscription });
    if (!updated) throw new AppError('device.notFound', 404);
  }

  /** Removes a device of `accountId`; `actor` is who did it (the account itself, or its broker). */
  async remove(accountId: string, deviceId: string, actor: { accountId: string; ip: string }): Promise<void> {
    const device = await this.deps.devices.get(deviceId);
    if (!device || device.accountId !== accountId) throw new AppError('device.notFound', 404);
    await this.deps.devices.remove(deviceId);
    await this.deps.audit.append({
      at: this.deps.clock.now(),
      type: 'device.removed',
      accountId,
      deviceId,
      ip: actor.ip,
      details: { by: actor.accountId, name: device.name },
    });
    await this.deps.onRemoved?.(device);
  }
}
