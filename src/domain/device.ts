// Device, DeviceStore, PushSubscription and WebAuthnCredential — the financeIDENT device contract: enrolled devices of an account, each with its device-bound key (ENR-2, ENR-4).
import type { JWK } from 'jose';

export const PLATFORMS = ['ios', 'android', 'web'] as const;
export type Platform = (typeof PLATFORMS)[number];

export interface PushSubscription {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

export interface WebAuthnCredential {
  /** base64url credential id. */
  credentialId: string;
  /** base64url COSE public key. */
  publicKey: string;
  counter: number;
  transports?: string[];
}

export interface Device {
  id: string;
  accountId: string;
  /** ES256 public key (JWK) that signs the device's requests and, for native apps, its decisions. */
  publicKeyJwk: JWK;
  /** The PWA's WebAuthn credential: its decisions are WebAuthn assertions (APR-4). */
  webauthn: WebAuthnCredential | null;
  pushSubscription: PushSubscription | null;
  name: string;
  platform: Platform;
  osVersion: string;
  createdAt: number;
  lastUsedAt: number | null;
}

export type DevicePatch = Partial<Pick<Device, 'pushSubscription' | 'lastUsedAt' | 'name'>> & { webauthnCounter?: number };

export interface DeviceStore {
  add(device: Device): Promise<void>;
  get(id: string): Promise<Device | null>;
  listByAccount(accountId: string): Promise<Device[]>;
  /** Accounts (of `accountIds`) that have at least one device. */
  accountsWithDevices(accountIds: string[]): Promise<Set<string>>;
  update(id: string, patch: DevicePatch): Promise<Device | null>;
  /** True when a device was removed. */
  remove(id: string): Promise<boolean>;
}
