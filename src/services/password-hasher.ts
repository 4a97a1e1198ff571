// argon2id password hashing at OWASP's minimum or stronger (ACC-5); unknown ids cost one verify too.
import { hash, verify } from '@node-rs/argon2';

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** False for a wrong password or a malformed hash; never throws for bad input. */
  verify(passwordHash: string, password: string): Promise<boolean>;
  /** Spends the time of one verify for a login id that matched nothing (no timing oracle). */
  verifyNothing(password: string): Promise<false>;
}

export interface Argon2Params {
  memoryCost: number;
  timeCost: number;
}

export function argon2Hasher(params: Argon2Params): PasswordHasher {
  const options = { memoryCost: params.memoryCost, timeCost: params.timeCost, parallelism: 1 };
  let decoy: Promise<string> | undefined;
  const hasher: PasswordHasher = {
    hash: (password) => hash(password, options),
    async verify(passwordHash, password) {
      try {
        return await verify(passwordHash, password);
      } catch {
        return false;
      }
    },
    async verifyNothing(password) {
      decoy ??= hash('decoy-password-that-matches-nothing', options);
      await hasher.verify(await decoy, password);
      return false;
    },
  };
  return hasher;
}
