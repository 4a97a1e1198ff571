// The authenticator app runs on iOS 15.4 or later and Android 7.0 or later (ENR-2).
import type { Platform } from '../domain/device.js';

const MINIMUM: Record<Platform, number[] | null> = { ios: [15, 4], android: [7, 0], web: null };

export function minimumOsVersion(platform: Platform): string | null {
  return MINIMUM[platform]?.join('.') ?? null;
}

/** True when `version` (e.g. "16.1.2") meets the minimum of the platform; web has none. */
export function isSupportedOsVersion(platform: Platform, version: string): boolean {
  const minimum = MINIMUM[platform];
  if (!minimum) return true;
  if (!/^\d+(\.\d+){0,3}$/.test(version)) return false;
  const parts = version.split('.').map(Number);
  for (let i = 0; i < minimum.length; i++) {
    const have = parts[i] ?? 0;
    if (have !== minimum[i]) return have > minimum[i]!;
  }
  return true;
}
