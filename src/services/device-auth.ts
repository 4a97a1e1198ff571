// Authenticates the financeIDENT app: short-lived ES256 JWS signed by an enrolled device key, each nonce usable once.
import { decodeProtectedHeader, importJWK, jwtVerify, type JWTPayload } from 'jose';
import type { Clock } from '../shared/clock.js';
import { AppError } from '../shared/errors.js';
import type { Device, DeviceStore } from '../domain/device.js';
import type { KvStore } from '../domain/kv-store.js';
import { REDIS_KEYS } from '../stores/key-layout.js';

export const DEVICE_TOKEN_TYP = 'fi-device+jwt';
export const DECISION_TOKEN_TYP = 'fi-decision+jwt';
/** A device token or decision is accepted for this long after its iat (default; DEVICE_TOKEN_MAX_AGE_SECONDS). */
export const MAX_TOKEN_AGE_SECONDS = 120;

export interface DeviceAuthDeps {
  devices: DeviceStore;
  kv: KvStore;
  clock: Clock;
  /** `aud` every device JWS must carry: the device API's base URL. */
  audience: string;
  /** How long after its iat a device token or decision is accepted (seconds); default MAX_TOKEN_AGE_SECONDS. */
  maxTokenAgeSeconds?: number;
}

export class DeviceAuth {
  constructor(private readonly deps: DeviceAuthDeps) {}

  /** Verifies a compact JWS from a device: known device (kid), signature, typ, audience, age, unused jti. */
  async verify(token: string, typ: string): Promise<{ device: Device; payload: JWTPayload }> {
    let header;
    try {
      header = decodeProtectedHeader(token);
    } catch {
      throw new AppError('device.tokenInvalid', 401);
    }
    if (header.alg !== 'ES256' || header.typ !== typ || typeof header.kid !== 'string') throw new AppError('device.tokenInvalid', 401);
    const device = await this.deps.devices.get(header.kid);
    if (!device) throw new AppError('device.unknown', 401);
    let payload: JWTPayload;
    try {
      const key = await importJWK(device.publicKeyJwk, 'ES256');
      ({ payload } = await jwtVerify(token, key, {
        audience: this.deps.audience,
        typ,
        algorithms: ['ES256'],
        maxTokenAge: this.deps.maxTokenAgeSeconds ?? MAX_TOKEN_AGE_SECONDS,
        clockTolerance: 5,
        currentDate: new Date(this.deps.clock.now()),
        requiredClaims: ['iat', 'jti'],
      }));
    } catch {
      throw new AppError('device.tokenInvalid', 401);
    }
    if (typeof payload.jti !== 'string' || payload.jti.length < 16 || payload.jti.length > 128) throw new AppError('device.tokenInvalid', 401);
    const fresh = await this.deps.kv.setIfAbsent(REDIS_KEYS.deviceNonces.nonce(device.id, payload.jti), '1', REDIS_KEYS.deviceNonces.ttlMs(this.deps.maxTokenAgeSeconds ?? MAX_TOKEN_AGE_SECONDS));
    if (!fresh) throw new AppError('device.tokenReplayed', 401);
    return { device, payload };
  }
}
