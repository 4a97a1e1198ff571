// argon2id password hashing at OWASP's minimum or stronger (ACC-5); unknown ids cost one verify too; at most
// `concurrency` computations at once.
import { hash, verify } from '@node-rs/argon2';
import pLimit from 'p-limit';

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** False for a wrong password or a malformed hash; never throws for bad input. */
  verify(passwordHash: string, password: string): Promise<boolean>;
  /** Spends the time of one verify for a login id that matched nothing (no timing oracle). */
  verifyNothing(password: string): Promise<false>;
}

export interface Argon2Params {
  /** KiB. */
  memoryCost: number;
  timeCost: number;
  /**
   * At most this many hashes or verifications run at once (≥ 1; the rest queue): one per CPU core is the most that
   * runs in parallel anyway, and more at once only makes each cost more CPU (each takes memoryCost KiB, and they
   * evict each other from the cache) while they hold libuv's thread pool from other work. Default 1.
   */
  concurrency?: number;
}

/** The argon2id computations (the library's; a test passes its own to watch them). */
export interface Argon2Functions {
  hash(password: string, options: { memoryCost: number; timeCost: number; parallelism: number }): Promise<string>;
  verify(passwordHash: string, password: string): Promise<boolean>;
}

export function argon2Hasher(params: Argon2Params, argon2: Argon2Functions = { hash, verify }): PasswordHasher {
  const options = { memoryCost: params.memoryCost, timeCost: params.timeCost, parallelism: 1 };
  const limit = pLimit(params.concurrency ?? 1);
  let decoy: Promise<string> | undefined;
  const hasher: PasswordHasher = {
    hash: (password) => limit(() => argon2.hash(password, options)),
    async verify(passwordHash, password) {
      try {
        return await limit(() => argon2.verify(passwordHash, password));
      } catch {
        return false;
      }
    },
    async verifyNothing(password) {
      decoy ??= hasher.hash('decoy-password-that-matches-nothing');
      await hasher.verify(await decoy, password);
      return false;
    },
  };
  return hasher;
}
