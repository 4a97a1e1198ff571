// MongoDB DeviceStore: one document per device, lean reads mapped to plain Device objects.
import type { Connection, Model } from 'mongoose';
import type { Device, DevicePatch, DeviceStore } from '../../domain/device.js';
import { type DeviceDoc, deviceModel } from './device-model.js';

const PATCHABLE = ['pushSubscription', 'lastUsedAt', 'name'] as const;

export class MongoDeviceStore implements DeviceStore {
  private readonly devices: Model<DeviceDoc>;

  constructor(conn: Connection) {
    this.devices = deviceModel(conn);
  }

  async add(device: Device): Promise<void> {
    const { id, ...rest } = device;
    await this.devices.create({ ...rest, _id: id });
  }

  async get(id: string): Promise<Device | null> {
    const doc = await this.devices.findOne({ _id: id }).lean<DeviceDoc>();
    return doc ? toDevice(doc) : null;
  }

  async listByAccount(accountId: string): Promise<Device[]> {
    const docs = await this.devices.find({ accountId }).lean<DeviceDoc[]>();
    return docs.map(toDevice);
  }

  async accountsWithDevices(accountIds: string[]): Promise<Set<string>> {
    if (accountIds.length === 0) return new Set();
    const found: unknown[] = await this.devices.distinct('accountId', { accountId: { $in: accountIds } });
    return new Set(found.map(String));
  }

  async update(id: string, patch: DevicePatch): Promise<Device | null> {
    const set: Record<string, unknown> = {};
    for (const key of PATCHABLE) if (patch[key] !== undefined) set[key] = patch[key];
    const filter: Record<string, unknown> = { _id: id };
    if (patch.webauthnCounter !== undefined) {
      set['webauthn.counter'] = patch.webauthnCounter;
      filter.webauthn = { $ne: null }; // only a device with a WebAuthn credential has a counter
    }
    if (Object.keys(set).length === 0) return this.get(id);
    const doc = await this.devices
      .findOneAndUpdate(filter, { $set: set }, { returnDocument: 'after', runValidators: true })
      .lean<DeviceDoc>();
    if (doc) return toDevice(doc);
    if (patch.webauthnCounter !== undefined && (await this.devices.exists({ _id: id }))) {
      throw new Error(`device ${id} has no WebAuthn credential`);
    }
    return null;
  }

  async remove(id: string): Promise<boolean> {
    const result = await this.devices.deleteOne({ _id: id });
    return result.deletedCount === 1;
  }
}

/** Copies field by field so nothing of the stored document (or mongoose) leaks out. */
function toDevice(doc: DeviceDoc): Device {
  const { webauthn, pushSubscription } = doc;
  return {
    id: doc._id,
    accountId: doc.accountId,
    publicKeyJwk: { ...doc.publicKeyJwk },
    webauthn: webauthn
      ? {
          credentialId: webauthn.credentialId,
          publicKey: webauthn.publicKey,
          counter: webauthn.counter,
          ...(webauthn.transports == null ? {} : { transports: [...webauthn.transports] }),
        }
      : null,
    pushSubscription: pushSubscription
      ? {
          endpoint: pushSubscription.endpoint,
          keys: { p256dh: pushSubscription.keys.p256dh, auth: pushSubscription.keys.auth },
        }
      : null,
    name: doc.name,
    platform: doc.platform,
    osVersion: doc.osVersion,
    createdAt: doc.createdAt,
    lastUsedAt: doc.lastUsedAt ?? null,
  };
}
