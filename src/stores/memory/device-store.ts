// In-memory DeviceStore: keeps and hands out field-by-field copies, never its own objects.
import type { Device, DevicePatch, DeviceStore, PushSubscription, WebAuthnCredential } from '../../domain/device.js';

export class MemoryDeviceStore implements DeviceStore {
  private readonly byId = new Map<string, Device>();

  async add(device: Device): Promise<void> {
    if (this.byId.has(device.id)) throw new Error(`duplicate device id: ${device.id}`);
    this.byId.set(device.id, copyDevice(device));
  }

  async get(id: string): Promise<Device | null> {
    const device = this.byId.get(id);
    return device ? copyDevice(device) : null;
  }

  async listByAccount(accountId: string): Promise<Device[]> {
    return [...this.byId.values()].filter((d) => d.accountId === accountId).map(copyDevice);
  }

  async accountsWithDevices(accountIds: string[]): Promise<Set<string>> {
    const wanted = new Set(accountIds);
    const found = new Set<string>();
    for (const device of this.byId.values()) if (wanted.has(device.accountId)) found.add(device.accountId);
    return found;
  }

  async update(id: string, patch: DevicePatch): Promise<Device | null> {
    const current = this.byId.get(id);
    if (!current) return null;
    const next = copyDevice(current);
    if (patch.name !== undefined) next.name = patch.name;
    if (patch.lastUsedAt !== undefined) next.lastUsedAt = patch.lastUsedAt;
    if (patch.pushSubscription !== undefined) next.pushSubscription = copyPushSubscription(patch.pushSubscription);
    if (patch.webauthnCounter !== undefined) {
      if (!next.webauthn) throw new Error(`device ${id} has no WebAuthn credential`);
      next.webauthn.counter = patch.webauthnCounter;
    }
    this.byId.set(id, next);
    return copyDevice(next);
  }

  async remove(id: string): Promise<boolean> {
    return this.byId.delete(id);
  }
}

/** Copies the contract's fields only (as the Mongo store does), so neither side can change the other's objects. */
function copyDevice(device: Device): Device {
  return {
    id: device.id,
    accountId: device.accountId,
    publicKeyJwk: structuredClone(device.publicKeyJwk),
    webauthn: device.webauthn ? copyWebAuthn(device.webauthn) : null,
    pushSubscription: copyPushSubscription(device.pushSubscription),
    name: device.name,
    platform: device.platform,
    osVersion: device.osVersion,
    createdAt: device.createdAt,
    lastUsedAt: device.lastUsedAt,
  };
}

function copyWebAuthn(credential: WebAuthnCredential): WebAuthnCredential {
  return {
    credentialId: credential.credentialId,
    publicKey: credential.publicKey,
    counter: credential.counter,
    ...(credential.transports === undefined ? {} : { transports: [...credential.transports] }),
  };
}

function copyPushSubscription(subscription: PushSubscription | null): PushSubscription | null {
  if (!subscription) return null;
  return { endpoint: subscription.endpoint, keys: { p256dh: subscription.keys.p256dh, auth: subscription.keys.auth } };
}
