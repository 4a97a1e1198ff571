// oidc-provider adapter in memory (embedded default), with the Redis adapter's semantics: payloads are copies that
// expire with their model, revoking a grant deletes every token of it, and single use is decided atomically.
import type { Adapter, AdapterConstructor, AdapterPayload } from 'oidc-provider';
import { systemClock, type Clock } from '../../shared/clock.js';
import { GRANTABLE, lostConsumeRace, REPLAY_MODEL, replayDetected } from '../oidc-single-use.js';

interface Entry {
  /** JSON, so callers never share (and mutate) a stored object. */
  payload: string;
  expiresAt: number | null;
}

/** Sweep expired entries after this many writes, so the maps do not grow without bound. */
const SWEEP_EVERY = 1000;

/**
 * A class bound to one in-memory storage (one per container, nothing at module level; oidc-provider wants a class).
 * `clock` dates consumption (`consumed`, epoch seconds); expiry follows `expiryClock` — real time by default, like
 * the provider's own expiry checks and Redis.
 */
export function memoryAdapterFactory(clock: Clock = systemClock, expiryClock: Clock = systemClock): AdapterConstructor {
  const entries = new Map<string, Entry>();
  /** grantId → keys of the grant's tokens and codes. */
  const grants = new Map<string, Set<string>>();
  /** Session uid / user code → model id. */
  const lookups = new Map<string, { id: string; expiresAt: number | null }>();
  let writes = 0;

  const alive = (e: { expiresAt: number | null } | undefined) => e !== undefined && (e.expiresAt === null || e.expiresAt > expiryClock.now());
  const get = (key: string): AdapterPayload | undefined => {
    const entry = entries.get(key);
    if (!alive(entry)) {
      entries.delete(key);
      return undefined;
    }
    return JSON.parse(entry!.payload) as AdapterPayload;
  };
  const lookup = (key: string): string | undefined => {
    const found = lookups.get(key);
    if (!alive(found)) {
      lookups.delete(key);
      return undefined;
    }
    return found!.id;
  };
  const sweep = () => {
    for (const [key, entry] of entries) if (!alive(entry)) entries.delete(key);
    for (const [key, found] of lookups) if (!alive(found)) lookups.delete(key);
    for (const [grantId, keys] of grants) {
      for (const key of keys) if (!entries.has(key)) keys.delete(key);
      if (keys.size === 0) grants.delete(grantId);
    }
  };
  /** Synchronous, so nothing interleaves: every token of the grant, and the grant itself. */
  const revoke = (grantId: string) => {
    for (const key of grants.get(grantId) ?? []) entries.delete(key);
    grants.delete(grantId);
  };

  return class MemoryOidcAdapter implements Adapter {
    constructor(private readonly model: string) {}

    private key = (id: string) => `${this.model}:${id}`;

    async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
      const expiresAt = expiresIn && expiresIn > 0 ? expiryClock.now() + expiresIn * 1000 : null;
      const key = this.key(id);
      // Seen once (DPoP proof, client assertion): the same rule as Redis's SET NX.
      if (this.model === REPLAY_MODEL && get(key) !== undefined) throw replayDetected();
      entries.set(key, { payload: JSON.stringify(payload), expiresAt });
      if (this.model === 'Session' && payload.uid) lookups.set(`uid:${this.model}:${payload.uid}`, { id, expiresAt });
      if (payload.userCode) lookups.set(`userCode:${this.model}:${payload.userCode}`, { id, expiresAt });
      if (GRANTABLE.has(this.model) && typeof payload.grantId === 'string') {
        const keys = grants.get(payload.grantId) ?? new Set<string>();
        keys.add(key);
        grants.set(payload.grantId, keys);
      }
      if (++writes % SWEEP_EVERY === 0) sweep();
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      return get(this.key(id));
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      const id = lookup(`uid:${this.model}:${uid}`);
      return id === undefined ? undefined : get(this.key(id));
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      const id = lookup(`userCode:${this.model}:${userCode}`);
      return id === undefined ? undefined : get(this.key(id));
    }

    /** Single use, decided synchronously (see the Redis adapter): a lost race revokes the grant and fails with invalid_grant. */
    async consume(id: string): Promise<void> {
      const key = this.key(id);
      const payload = get(key);
      if (payload && !payload.consumed) {
        entries.set(key, { payload: JSON.stringify({ ...payload, consumed: Math.floor(clock.now() / 1000) }), expiresAt: entries.get(key)!.expiresAt });
        return;
      }
      if (typeof payload?.grantId === 'string') {
        revoke(payload.grantId);
        entries.delete(`Grant:${payload.grantId}`);
      }
      throw lostConsumeRace(this.model);
    }

    async destroy(id: string): Promise<void> {
      entries.delete(this.key(id));
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      revoke(grantId);
    }
  };
}
