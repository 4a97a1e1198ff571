// The domain on in-memory stores and a manual clock, for the unit suites: no server, no Redis, no waiting.
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { ManualClock } from '../../src/shared/clock.js';
import { cryptoRandom } from '../../src/shared/random.js';
import { backgroundTasks } from '../../src/shared/background-tasks.js';
import { MemoryKvStore } from '../../src/stores/memory/kv-store.js';
import { MemoryEventBus } from '../../src/stores/memory/event-bus.js';
import { MemoryDeviceStore } from '../../src/stores/memory/device-store.js';
import { MemoryAuditLog } from '../../src/stores/memory/audit-log.js';
import { MemoryAccountStore } from '../../src/stores/memory/account-store.js';
import { ApprovalService } from '../../src/services/approval-service.js';
import type { ApprovalSettings, NewApproval } from '../../src/services/approval-record.js';
import type { PushChannel, PushMessage } from '../../src/domain/push-channel.js';
import type { Device } from '../../src/domain/device.js';
import type { Account } from '../../src/domain/account.js';

export const DEFAULT_SETTINGS: ApprovalSettings = {
  ttlMs: 120_000,
  numberMode: 'type',
  numberDigits: 2,
  maxOpenPerAccount: 3,
  maxPerAccountPerHour: 20,
  resendCooldownMs: 15_000,
  maxResends: 3,
};

/** An account as the account store holds it (a customer using the app, interval 7 days, unless overridden). */
export function account(overrides: Partial<Account> = {}): Account {
  return {
    id: 'acc_unit',
    accessNumber: '200099',
    email: null,
    mobile: '+491701234567',
    name: 'Erika Muster',
    role: 'customer',
    brokerId: null,
    passwordHash: null,
    twoFactorMethod: 'app',
    twoFactorIntervalDays: 7,
    createdAt: 0,
    updatedAt: 0,
    ...overrides,
  };
}

/** An enrolled device of `accountId` with a fresh ES256 key; its private JWK signs test tokens. */
export async function newDevice(accountId: string, id = `dev_${cryptoRandom.token(8)}`): Promise<{ device: Device; privateJwk: JWK }> {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const device: Device = {
    id,
    accountId,
    publicKeyJwk: await exportJWK(publicKey),
    webauthn: null,
    pushSubscription: { endpoint: `https://push.example/${id}`, keys: { p256dh: 'p', auth: 'a' } },
    name: 'Phone',
    platform: 'android',
    osVersion: '15',
    createdAt: 0,
    lastUsedAt: null,
  };
  return { device, privateJwk: await exportJWK(privateKey) };
}

/** An approval service on memory stores; pushes are recorded, not sent; `tasks.drain()` waits for push rounds. */
export function approvalWorld(settings: Partial<ApprovalSettings> = {}) {
  const clock = new ManualClock();
  const kv = new MemoryKvStore(clock);
  const devices = new MemoryDeviceStore();
  const accounts = new MemoryAccountStore();
  const audit = new MemoryAuditLog({ random: cryptoRandom });
  const pushed: PushMessage[] = [];
  const push: PushChannel = {
    async send(message) {
      pushed.push(message);
      return 'sent';
    },
  };
  const failures: unknown[] = [];
  const tasks = backgroundTasks({ warn: (details) => failures.push(details) });
  const notMe: string[] = [];
  const approvals = new ApprovalService({
    kv,
    bus: new MemoryEventBus(),
    devices,
    audit,
    push,
    clock,
    random: cryptoRandom,
    tasks,
    metrics: { approvalOutcome: () => undefined, pushSent: () => undefined },
    channelPrefix: 'unit:',
    settings: { ...DEFAULT_SETTINGS, ...settings },
    onNotMe: async (accountId) => void notMe.push(accountId),
  });
  let logins = 0;
  /** A new approval for a new login of `accountId`. */
  const create = (accountId = 'acc_unit', input: Partial<NewApproval> = {}) =>
    approvals.create({ accountId, interactionUid: `uid_${++logins}`, clientId: 'financecloud', clientName: 'FinanceCloud', ip: '192.0.2.1', browser: 'Firefox', ...input });
  return { clock, kv, devices, accounts, audit, pushed, failures, tasks, notMe, approvals, create };
}
