// The unit layer's parts: domain services on the in-memory stores with the manual clock (no HTTP, no Redis).
import type { SmsChannel, SmsMessage, SmsSendResult } from '../../src/domain/sms-channel.js';
import { MemorySmsSink } from '../../src/channels/memory-sms-sink.js';
import { PurposeCodeService, type CodePurpose, type SmsCodeSettings } from '../../src/services/purpose-codes.js';
import { ManualClock } from '../../src/shared/clock.js';
import { AppError } from '../../src/shared/errors.js';
import { cryptoRandom } from '../../src/shared/random.js';
import type { Account, Role } from '../../src/domain/account.js';
import { MemoryKvStore } from '../../src/stores/memory/kv-store.js';

/** What the SMS channel does with the next message: accept it, refuse it, or give no answer (delivery unknown). */
export type SmsOutcome = 'accept' | 'refuse' | 'noAnswer';

/** A recording SMS channel whose provider can be made to refuse or not answer (like the HTTP gateway's errors). */
export class ScriptedSms implements SmsChannel {
  outcome: SmsOutcome = 'accept';
  readonly sink: MemorySmsSink;
  constructor(clock: ManualClock) {
    this.sink = new MemorySmsSink(clock, cryptoRandom);
  }
  async send(message: SmsMessage): Promise<SmsSendResult> {
    if (this.outcome === 'refuse') throw new AppError('sms.gatewayRefused', 502, { status: 400 }, true);
    const result = await this.sink.send(message);
    if (this.outcome === 'noAnswer') throw new AppError('sms.deliveryUnknown', 503, {}, true);
    return result;
  }
  /** Every message, oldest first. */
  all() {
    return this.sink.list().slice().reverse();
  }
  /** The code in the last SMS to `to` (the digits after "…: " in every code text). */
  codeTo(to: string): string {
    const text = this.sink.lastTo(to)?.text ?? '';
    const code = /: (\d{4,10}) \(/.exec(text)?.[1];
    if (!code) throw new Error(`no code sent to ${to}`);
    return code;
  }
}

export interface CodesKit {
  clock: ManualClock;
  kv: MemoryKvStore;
  sms: ScriptedSms;
  codes: PurposeCodeService;
}

/** The shared code service on the memory store, with per-purpose numbers as the container sets them. */
export function codesKit(purposes: Partial<Record<CodePurpose, Partial<SmsCodeSettings>>> = {}, settings: Partial<SmsCodeSettings> = {}): CodesKit {
  const clock = new ManualClock();
  const kv = new MemoryKvStore(clock);
  const sms = new ScriptedSms(clock);
  const codes = new PurposeCodeService({ kv, sms, clock, random: cryptoRandom, settings, purposes });
  return { clock, kv, sms, codes };
}

/** Runs `fn` and returns the AppError it threw (code, status, params); fails when it did not throw one. */
export async function refusal(fn: () => Promise<unknown>): Promise<{ code: string; status: number; params: Record<string, string | number> }> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof AppError) return { code: err.code, status: err.status, params: err.params };
    throw err;
  }
  throw new Error('expected a refusal, but it succeeded');
}

/** An account for the unit layer's memory account store. */
export function account(id: string, role: Role, brokerId: string | null, extra: Partial<Account> = {}): Account {
  return {
    id,
    accessNumber: id,
    email: null,
    mobile: null,
    name: id,
    role,
    brokerId,
    passwordHash: null,
    twoFactorMethod: 'app',
    twoFactorIntervalDays: 0,
    createdAt: 0,
    updatedAt: 0,
    ...extra,
  };
}
