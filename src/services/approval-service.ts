// financeIDENT approvals (APR-1…7): one per login, pushed to every device, exactly one accepted answer.
import type { Clock } from '../shared/clock.js';
import { AppError, isAppError, type ErrorCode } from '../shared/errors.js';
import type { Random } from '../shared/random.js';
import type { AuditLog } from '../domain/audit-log.js';
import type { Device, DeviceStore } from '../domain/device.js';
import type { EventBus, KvStore } from '../domain/kv-store.js';
import type { PushChannel } from '../domain/push-channel.js';
import type { Approval, ApprovalOutcome, ApprovalSettings, NewApproval } from './approval-record.js';
import type { BackgroundTasks, TaskLog } from '../shared/background-tasks.js';
import type { VerifiedAnswer } from './second-factor/verifiers/verified-answer.js';
import { pushApproval } from './approval-push.js';
import { HOUR_MS, REDIS_KEYS } from '../stores/key-layout.js';

export interface ApprovalDeps {
  kv: KvStore;
  bus: EventBus;
  devices: DeviceStore;
  audit: AuditLog;
  push: PushChannel;
  clock: Clock;
  random: Random;
  settings: ApprovalSettings;
  metrics: { approvalOutcome(o: string): void; pushSent(o: string): void };
  /** Prefix of pub/sub channels (Redis does not prefix channels). */
  channelPrefix: string;
  /** APR-6: called after a "this wasn't me" (ends remembered browsers, alerts), as configured. */
  onNotMe?: (accountId: string) => Promise<void>;
  /** Runs the push round a request does not wait for (APR-2); shutdown and tests drain it. */
  tasks: BackgroundTasks;
  /** Where a swallowed store failure is reported. */
  log?: TaskLog;
}

/** How long records stay after expiry, so late answers are told "expired" rather than "unknown". */
const KEEP_AFTER_EXPIRY_MS = REDIS_KEYS.approvals.keepAfterExpiryMs;
const HOUR = HOUR_MS;

export class ApprovalService {
  constructor(private readonly deps: ApprovalDeps) {}

  private recordKey = REDIS_KEYS.approvals.record;
  private outcomeKey = REDIS_KEYS.approvals.outcome;
  private openKey = REDIS_KEYS.approvals.open;
  /** The open-approval slots of an account (APR-7): taken and checked in one atomic step. */
  private slotsKey = REDIS_KEYS.approvals.slots;
  channel = (id: string) => `${this.deps.channelPrefix}approval:${id}`;

  /** The pending approval of one login (APR-1: one per login): its id, claimed with SET NX / compare-and-set. */
  private loginKey = REDIS_KEYS.approvals.login;

  /**
   * Creates the approval of one login (APR-1) within the caps against push bombing (APR-7), each decided in one
   * atomic store step: one pending approval per login (simultaneous requests of the same login get that one), a
   * slot among `maxOpenPerAccount` open ones (ended by a decision or the expiry), then the hourly counter (INCR
   * before the check). Throws approval.tooManyOpen or approval.tooMany (429).
   */
  async create(input: NewApproval, known: { devices?: Device[] } = {}): Promise<Approval> {
    const { kv, clock, random, settings } = this.deps;
    const now = clock.now();
    const id = `apr_${random.token(18)}`;
    const keep = settings.ttlMs + KEEP_AFTER_EXPIRY_MS;
    const loginKey = this.loginKey(input.interactionUid);
    for (let attempt = 0; !(await kv.setIfAbsent(loginKey, id, keep)); attempt++) {
      const current = await this.currentOfLogin(loginKey);
      if (current.approval?.status === 'pending') return current.approval;
      // The login's earlier approval ended (or its creation was refused): this one takes its place, atomically.
      if (current.id !== null && (await kv.compareAndSet(loginKey, current.id, id, keep))) break;
      if (attempt >= 20) throw new AppError('approval.tooManyOpen', 429);
    }
    const refuse = async (code: ErrorCode) => {
      await kv.compareAndSet(loginKey, id, '-', 1); // gives the login's claim back (only if still ours)
      return new AppError(code, 429);
    };
    const slot = { max: settings.maxOpenPerAccount, now, ttlMs: settings.ttlMs };
    if (!(await kv.claimSlot(this.slotsKey(input.accountId), id, slot))) throw await refuse('approval.tooManyOpen');
    const hourly = await kv.incr(REDIS_KEYS.approvals.hourlyCount(input.accountId, Math.floor(now / HOUR)), HOUR);
    if (hourly > settings.maxPerAccountPerHour) {
      await kv.releaseSlot(this.slotsKey(input.accountId), id);
      throw await refuse('approval.tooMany');
    }

    const number = settings.numberMode === 'off' ? null : random.digits(settings.numberMode === 'pick' ? 2 : settings.numberDigits);
    let choices: string[] | null = null;
    if (settings.numberMode === 'pick' && number) {
      const set = new Set([number]);
      while (set.size < 3) set.add(random.digits(2));
      choices = [...set].sort();
    }
    const approval: Approval = {
      id,
      ...input,
      createdAt: now,
      expiresAt: now + settings.ttlMs,
      numberMode: settings.numberMode,
      number,
      choices,
      status: 'pending',
    };
    // Independent writes, sent together (one round trip on a pipelining client).
    await Promise.all([
      kv.set(this.recordKey(approval.id), JSON.stringify(approval), settings.ttlMs + KEEP_AFTER_EXPIRY_MS),
      kv.sadd(this.openKey(input.accountId), approval.id, settings.ttlMs + KEEP_AFTER_EXPIRY_MS),
      this.deps.audit.append({ at: now, type: 'approval.created', accountId: input.accountId, ip: input.ip, details: { approvalId: approval.id, clientId: input.clientId } }),
    ]);
    this.deps.metrics.approvalOutcome('created');
    // Push is only a wake-up call (APR-2): the login never waits for it, the app can always list.
    this.deps.tasks.run('approval.push', () => this.pushToDevices(approval, known.devices));
    return approval;
  }

  /**
   * The approval a login's claim points to. A claim just taken by a simultaneous request may not have its record
   * yet: waits for it briefly (at most about half a second), then reports what is there.
   */
  private async currentOfLogin(loginKey: string): Promise<{ id: string | null; approval: Approval | null }> {
    for (let wait = 0; ; wait++) {
      const id = await this.deps.kv.get(loginKey);
      const approval = id && id !== '-' ? await this.get(id) : null;
      if (approval || id === null || id === '-' || wait >= 20) return { id, approval };
      await new Promise<void>((resolve) => setTimeout(resolve, 25));
    }
  }

  /** The approval with its current status (decided, expired or pending); null when unknown. */
  async get(id: string): Promise<Approval | null> {
    return (await this.state(id)).approval;
  }

  /**
   * The approval with its current status and its one answer, read together (both keys in the same tick, so one
   * round trip on a pipelining client): `{approval: null, outcome: null}` when unknown.
   */
  async state(id: string): Promise<{ approval: Approval | null; outcome: ApprovalOutcome | null }> {
    if (!/^apr_[A-Za-z0-9_-]{10,40}$/.test(id)) return { approval: null, outcome: null };
    const [raw, outcomeRaw] = await Promise.all([this.deps.kv.get(this.recordKey(id)), this.deps.kv.get(this.outcomeKey(id))]);
    if (!raw) return { approval: null, outcome: null };
    const approval = JSON.parse(raw) as Approval;
    const outcome = outcomeRaw ? (JSON.parse(outcomeRaw) as ApprovalOutcome) : null;
    if (outcome) approval.status = outcome.status;
    else if (this.deps.clock.now() >= approval.expiresAt) approval.status = 'expired';
    return { approval, outcome };
  }

  /**
   * Accepts one verified device answer (APR-4): whoever signed it was checked by its verifier; this records it as
   * the approval's one decision (see `decide`). A wrong number denies and throws approval.wrongNumber (422).
   */
  accept(answer: VerifiedAnswer, ip: string): Promise<Approval> {
    return this.decide({
      approvalId: answer.approvalId,
      device: answer.device,
      status: answer.decision === 'approve' ? 'approved' : 'denied',
      method: answer.method,
      number: answer.number,
      notMe: answer.notMe,
      ip,
      ...(answer.approval ? { known: answer.approval } : {}),
    });
  }

  /** The user cancelled on the waiting page: the approval ends as cancelled (a decided one stays as it is). */
  async cancel(approvalId: string, ip: string): Promise<void> {
    // Already answered or expired (an AppError) is expected: the login ends either way. Anything else is reported.
    await this.decide({ approvalId, device: null, status: 'cancelled', method: null, ip }).catch((err: unknown) => {
      if (!isAppError(err)) this.deps.log?.warn({ err: (err as Error)?.message, approvalId }, 'approval not marked cancelled; the login ends anyway');
    });
  }

  async outcome(id: string): Promise<ApprovalOutcome | null> {
    const raw = await this.deps.kv.get(this.outcomeKey(id));
    return raw ? (JSON.parse(raw) as ApprovalOutcome) : null;
  }

  /** Pending (undecided, unexpired) approvals of an account, oldest first. */
  async listPending(accountId: string): Promise<Approval[]> {
    const ids = await this.deps.kv.smembers(this.openKey(accountId));
    const all = await Promise.all(ids.map((id) => this.get(id)));
    const pending: Approval[] = [];
    for (const [i, a] of all.entries()) {
      if (a?.status === 'pending') pending.push(a);
      else await this.deps.kv.srem(this.openKey(accountId), ids[i]!);
    }
    return pending.sort((a, b) => a.createdAt - b.createdAt);
  }

  /**
   * Records the one answer (atomically: a second answer is refused) and tells every waiting page.
   * The caller has verified who answers; this checks that the device may answer this approval now.
   */
  async decide(input: {
    approvalId: string;
    device: Device | null;
    status: ApprovalOutcome['status'];
    method: ApprovalOutcome['method'];
    number?: string | null;
    notMe?: boolean;
    ip: string;
    /** The record as the answer's verifier read it (the challenge it signed): saves a second read; its status is rechecked. */
    known?: Approval;
  }): Promise<Approval> {
    const { kv, clock, audit } = this.deps;
    const approval = input.known?.id === input.approvalId ? this.refreshed(input.known) : await this.get(input.approvalId);
    const refuse = async (code: ErrorCode, status: number) => {
      await audit.append({
        at: clock.now(),
        type: 'approval.refused',
        accountId: approval?.accountId ?? input.device?.accountId ?? null,
        deviceId: input.device?.id ?? null,
        ip: input.ip,
        details: { approvalId: input.approvalId, reason: code },
      });
      this.deps.metrics.approvalOutcome('refused');
      return new AppError(code, status);
    };
    if (!approval) throw await refuse('approval.notFound', 404);
    if (input.device && input.device.accountId !== approval.accountId) throw await refuse('approval.notFound', 404);
    if (approval.status === 'expired') throw await refuse('approval.expired', 410);
    if (approval.status !== 'pending') throw await refuse('approval.alreadyDecided', 409);

    let status = input.status;
    let reason: string | null = null;
    if (status === 'approved' && approval.number !== null && input.number !== approval.number) {
      status = 'denied';
      reason = 'wrong_number';
    }
    const outcome: ApprovalOutcome = {
      status,
      at: clock.now(),
      deviceId: input.device?.id ?? null,
      method: input.method,
      notMe: Boolean(input.notMe) && status === 'denied',
      reason,
    };
    const won = await kv.setIfAbsent(this.outcomeKey(approval.id), JSON.stringify(outcome), approval.expiresAt - clock.now() + KEEP_AFTER_EXPIRY_MS);
    if (!won) throw await refuse('approval.alreadyDecided', 409);

    // Decided (the SET NX above). What follows only tidies up and tells: sent side by side, one round trip (each a
    // single-key command, so a Redis Cluster sends them to their own slots' nodes at once).
    const type = outcome.notMe ? 'approval.not_me' : reason ? 'approval.refused' : `approval.${status}`;
    const tidy = [
      kv.srem(this.openKey(approval.accountId), approval.id),
      kv.releaseSlot(this.slotsKey(approval.accountId), approval.id),
      audit.append({ at: outcome.at, type, accountId: approval.accountId, deviceId: outcome.deviceId, ip: input.ip, details: { approvalId: approval.id, clientId: approval.clientId, ...(reason ? { reason } : {}) } }),
    ];
    const tell = () => this.deps.bus.publish(this.channel(approval.id), JSON.stringify({ status }));
    this.deps.metrics.approvalOutcome(outcome.notMe ? 'not_me' : status);
    if (outcome.notMe) {
      // "This wasn't me": the account's remembered browsers end before any waiting page hears of the denial.
      await Promise.all(tidy);
      await this.deps.onNotMe?.(approval.accountId);
      await tell();
    } else {
      await Promise.all([...tidy, tell()]);
    }
    if (reason === 'wrong_number') throw new AppError('approval.wrongNumber', 422);
    return { ...approval, status };
  }

  /** A record read moments ago, with the expiry applied now (a decision meanwhile is caught by the one-answer SET NX). */
  private refreshed(known: Approval): Approval {
    return known.status === 'pending' && this.deps.clock.now() >= known.expiresAt ? { ...known, status: 'expired' } : known;
  }

  /** Pushes the approval again (the user asked for it), with a cool-down and a cap. */
  async resend(approval: Approval): Promise<void> {
    const { kv, settings } = this.deps;
    if (approval.status !== 'pending') throw new AppError('approval.expired', 410);
    if (!(await kv.setIfAbsent(REDIS_KEYS.approvals.resendCooldown(approval.id), '1', settings.resendCooldownMs))) {
      throw new AppError('approval.resendTooSoon', 429);
    }
    const count = await kv.incr(REDIS_KEYS.approvals.resends(approval.id), settings.ttlMs + KEEP_AFTER_EXPIRY_MS);
    if (count > settings.maxResends) throw new AppError('approval.resendLimit', 429);
    await this.pushToDevices(approval);
  }

  /** Calls `onChange` whenever the approval is decided; resolves once listening. */
  subscribe(id: string, onChange: () => void): Promise<() => Promise<void>> {
    return this.deps.bus.subscribe(this.channel(id), onChange);
  }

  private pushToDevices(approval: Approval, devices?: Device[]): Promise<void> {
    return pushApproval(this.deps, approval, devices);
  }
}
