// The devices collection: `_id` is the device id, indexed by account; the JWK is stored as given (Mixed).
import { Schema, type Connection, type Model } from 'mongoose';
import { type Device, PLATFORMS, type PushSubscription, type WebAuthnCredential } from '../../domain/device.js';

/** A device as stored: the id lives in `_id`. */
export type DeviceDoc = Omit<Device, 'id'> & { _id: string };

function webauthnSchema(): Schema<WebAuthnCredential> {
  return new Schema<WebAuthnCredential>(
    {
      credentialId: { type: String, required: true },
      publicKey: { type: String, required: true },
      counter: { type: Number, required: true },
      // No default: an absent transports list stays absent instead of becoming [].
      transports: { type: [String], default: undefined },
    },
    { _id: false },
  );
}

function pushSubscriptionSchema(): Schema<PushSubscription> {
  return new Schema<PushSubscription>(
    {
      endpoint: { type: String, required: true },
      keys: {
        p256dh: { type: String, required: true },
        auth: { type: String, required: true },
      },
    },
    { _id: false },
  );
}

function deviceSchema(): Schema<DeviceDoc> {
  return new Schema<DeviceDoc>(
    {
      _id: { type: String, required: true },
      accountId: { type: String, required: true, index: true },
      publicKeyJwk: { type: Schema.Types.Mixed, required: true },
      webauthn: { type: webauthnSchema(), default: null },
      pushSubscription: { type: pushSubscriptionSchema(), default: null },
      name: { type: String, default: '' },
      platform: { type: String, required: true, enum: PLATFORMS },
      osVersion: { type: String, default: '' },
      createdAt: { type: Number, required: true },
      lastUsedAt: { type: Number, default: null },
    },
    { collection: 'devices', versionKey: false },
  );
}

/** The Device model on this connection, compiled once per connection. */
export function deviceModel(conn: Connection): Model<DeviceDoc> {
  return (conn.models.Device as Model<DeviceDoc> | undefined) ?? conn.model<DeviceDoc>('Device', deviceSchema());
}
