// The contract every second factor implements (app approval, SMS code, remembered browser) and the proof it yields.
import type { Account } from '../../domain/account.js';
import type { PendingLogin } from '../pending-login.js';

/** How the built-in second factors are met; each has its `amr` values (RFC 8176 §2) in AMR below. */
export type ProofMethod = 'hwk' | 'webauthn' | 'sms' | 'remembered';

/** A factor met for one login: what the login flow turns into `acr`, `amr` and `auth_time`. */
export interface Proof {
  /** A built-in ProofMethod, or a new factor's own name (its amr below says what it means). */
  method: ProofMethod | (string & {});
  /** RFC 8176 Authentication Method Reference values, the password (`pwd`) included. */
  amr: string[];
  /** When it was met (ms since the epoch). */
  at: number;
}

/** The built-in factors (`remembered` needs no page); a new factor names itself. */
export type FactorId = 'app' | 'sms' | 'remembered' | (string & {});

/** Where a factor that asks the user lives: its pages under /interaction/:uid. */
export interface FactorPages {
  /** The page that asks for the factor, e.g. `/approval`, `/sms`. */
  page: string;
  /** The page for an account that chose the factor but cannot use it yet (no device enrolled); default `page`. */
  setupPage?: string;
}

/** One login between its password and its finish, with the plain request values a factor may need (no HTTP types). */
export interface LoginAttempt {
  login: PendingLogin;
  account: Account;
  /** The browser's IP address (audit, caps). */
  ip: string;
  /** A short summary of the browser's user agent, e.g. "Firefox on Windows" (shown on the device). */
  browser: string;
  lang: 'de' | 'en';
}

/**
 * A second factor. `Started` is what starting it for a login gives the page (an approval, a refused send);
 * `Input` is what the user brings back (a code, a cookie token; nothing for the app, whose answer comes from the device).
 */
export interface SecondFactor<Started, Input> {
  readonly id: FactorId;
  /** The ways a proof of this factor is made, each with its amr values (RFC 8176). */
  readonly methods: Readonly<Record<string, readonly string[]>>;
  /** Whether this account can use the factor now (method chosen, device enrolled, number on file, interval > 0). */
  available(account: Account): boolean | Promise<boolean>;
  /** Starts the factor for this login (creates the approval, sends the code). */
  start(attempt: LoginAttempt): Promise<Started>;
  /** The proof once the user's input (or the device's answer) meets the factor; null when it does not (yet). */
  complete(attempt: LoginAttempt, input: Input): Promise<Proof | null>;
}

/**
 * A factor with a page of its own, which an account chooses as its second factor (its `twoFactorMethod`). The login
 * flow sends a login to the page of the factor its account chose; adding one is a class implementing this, its page,
 * and one line in the factor list of buildSecondFactor (index.ts), which the composition root calls.
 */
export interface PageFactor<Started = unknown, Input = unknown> extends SecondFactor<Started, Input> {
  readonly pages: FactorPages;
  /** Whether this is the account's chosen factor (the first listed factor that says yes counts; none: the first listed). */
  chosenBy(account: Account): boolean;
}

/** amr values (RFC 8176) for each way a second factor is met; a remembered browser adds nothing to the password. */
export const AMR: Record<ProofMethod, readonly string[]> = {
  remembered: ['pwd'],
  hwk: ['pwd', 'mfa', 'hwk'],
  webauthn: ['pwd', 'mfa', 'hwk', 'user'],
  sms: ['pwd', 'mfa', 'sms'],
};

/** The proof of `method` at `at` (ms), with that method's amr values. */
export function proofOf(method: ProofMethod, at: number): Proof {
  return { method, amr: [...AMR[method]], at };
}
