// The login after its password as named rules: which step comes next, and which acr, amr and auth_time each proof gives.
import { describe, expect, it } from '@jest/globals';
import { DAY, MINUTE } from '../../src/shared/clock.js';
import { cryptoRandom } from '../../src/shared/random.js';
import { MemorySmsSink } from '../../src/channels/memory-sms-sink.js';
import { PendingLoginStore, type PendingLogin } from '../../src/services/pending-login.js';
import { RememberedBrowserService } from '../../src/services/remembered-browsers.js';
import { PurposeCodeService } from '../../src/services/purpose-codes.js';
import { SmsCodeService } from '../../src/services/sms-code-service.js';
import { buildSecondFactor } from '../../src/services/second-factor/index.js';
import { proofOf, type LoginAttempt, type PageFactor, type Proof } from '../../src/services/second-factor/contract.js';
import { LoginFlow } from '../../src/services/second-factor/login-flow.js';
import type { Account } from '../../src/domain/account.js';
import { account, approvalWorld, newDevice } from './world.js';

const ACR = { password: 'urn:financeident:acr:pwd', twoFactor: 'urn:financeident:acr:2fa' };

function flowWorld(opts: { mobileChangePending?: boolean; mobileChangeFails?: boolean } = {}) {
  const w = approvalWorld();
  const pending = new PendingLoginStore(w.kv, 10 * MINUTE);
  const sink = new MemorySmsSink(w.clock, cryptoRandom);
  const rememberedBrowsers = new RememberedBrowserService({ kv: w.kv, clock: w.clock, random: cryptoRandom });
  const smsCodes = new SmsCodeService(new PurposeCodeService({ kv: w.kv, sms: sink, clock: w.clock, random: cryptoRandom }));
  const built = buildSecondFactor({
    approvals: w.approvals,
    devices: w.devices,
    pending,
    smsCodes,
    accounts: w.accounts,
    rememberedBrowsers,
    clock: w.clock,
    acr: ACR,
    smsAllowed: (a) => a.twoFactorMethod === 'sms',
    clientName: async () => 'FinanceCloud',
    mobileChangePending: async () => {
      if (opts.mobileChangeFails) throw new Error('store down');
      return opts.mobileChangePending ?? false;
    },
  });
  let n = 0;
  const login = (extra: Partial<PendingLogin> = {}): PendingLogin => ({ uid: `uid_${++n}`, accountId: 'acc_unit', clientId: 'financecloud', passwordAt: w.clock.now(), freshSecondFactor: false, ...extra });
  const attempt = (l: PendingLogin, a: Account): LoginAttempt => ({ login: l, account: a, ip: '192.0.2.1', browser: 'Firefox', lang: 'de' });
  return { ...w, ...built, pending, sink, rememberedBrowsers, login, attempt };
}

describe('the step after the password', () => {
  it('an app account with a device goes to the approval page; the login is stored for it', async () => {
    const w = flowWorld();
    await w.devices.add((await newDevice('acc_unit')).device);
    const login = w.login();
    expect(await w.flow.afterPassword(login, account(), undefined)).toEqual({ step: 'factor', factor: 'app', page: '/approval' });
    expect(await w.pending.get(login.uid)).toEqual(login);
  });

  it('an app account without a device goes to the no-device page', async () => {
    const w = flowWorld();
    expect(await w.flow.afterPassword(w.login(), account(), undefined)).toEqual({ step: 'factor', factor: 'app', page: '/second-factor' });
  });

  it('an SMS account goes to the code page (devices or not)', async () => {
    const w = flowWorld();
    await w.devices.add((await newDevice('acc_unit')).device);
    expect(await w.flow.afterPassword(w.login(), account({ twoFactorMethod: 'sms' }), undefined)).toEqual({ step: 'factor', factor: 'sms', page: '/sms' });
  });

  it('a remembered browser is done at once (proof "remembered"); nothing is stored for a page', async () => {
    const w = flowWorld();
    const token = await w.rememberedBrowsers.remember('acc_unit', 7, 'Firefox');
    const login = w.login();
    expect(await w.flow.afterPassword(login, account(), token)).toEqual({ step: 'done', proof: { method: 'remembered', amr: ['pwd'], at: w.clock.now() } });
    expect(await w.pending.get(login.uid)).toBeNull();
  });

  it('a relying party asking for a fresh second factor is not satisfied by a remembered browser', async () => {
    const w = flowWorld();
    await w.devices.add((await newDevice('acc_unit')).device);
    const token = await w.rememberedBrowsers.remember('acc_unit', 7, 'Firefox');
    expect(await w.flow.afterPassword(w.login({ freshSecondFactor: true }), account(), token)).toEqual({ step: 'factor', factor: 'app', page: '/approval' });
  });

  it('a remembered browser past the account interval counts for nothing', async () => {
    const w = flowWorld();
    await w.devices.add((await newDevice('acc_unit')).device);
    const token = await w.rememberedBrowsers.remember('acc_unit', 7, 'Firefox');
    w.clock.advance(7 * DAY);
    expect(await w.flow.afterPassword(w.login(), account(), token)).toEqual({ step: 'factor', factor: 'app', page: '/approval' });
  });

  it('a new mobile number waiting for confirmation comes first (ACC-3), once per login', async () => {
    const w = flowWorld({ mobileChangePending: true });
    const token = await w.rememberedBrowsers.remember('acc_unit', 7, 'Firefox');
    expect(await w.flow.afterPassword(w.login(), account(), token)).toEqual({ step: 'mobileChange' });
    expect((await w.flow.afterPassword(w.login({ mobileChangeAsked: true }), account(), token)).step).toBe('done');
  });
});

describe('what a finished login claims (acr, amr, auth_time)', () => {
  const w = flowWorld();
  const at = Date.UTC(2026, 10, 30, 12, 0, 0, 999);
  it.each([
    ['hwk', ACR.twoFactor, ['pwd', 'mfa', 'hwk']],
    ['webauthn', ACR.twoFactor, ['pwd', 'mfa', 'hwk', 'user']],
    ['sms', ACR.twoFactor, ['pwd', 'mfa', 'sms']],
    ['remembered', ACR.password, ['pwd']],
  ] as const)('proof %s → acr %s, amr %j, auth_time in whole seconds of the proof', (method, acr, amr) => {
    expect(w.flow.result({ accountId: 'acc_unit' }, proofOf(method, at))).toEqual({ accountId: 'acc_unit', acr, amr, auth_time: Math.floor(at / 1000) });
  });
});

describe('a new factor is one class implementing the contract, listed in the flow', () => {
  /** A hardware one-time-password token, as a new factor would be written (its page would be /interaction/:uid/otp). */
  class OtpTokenFactor implements PageFactor<null, string> {
    readonly id = 'otp';
    readonly methods = { otp: ['pwd', 'mfa', 'otp'] };
    readonly pages = { page: '/otp' };
    constructor(private readonly now: () => number) {}
    chosenBy(a: Account): boolean {
      return a.name === 'Tina Token';
    }
    available(): boolean {
      return true;
    }
    async start(): Promise<null> {
      return null;
    }
    async complete(_attempt: LoginAttempt, code: string): Promise<Proof | null> {
      return code === '424242' ? { method: 'otp', amr: [...this.methods.otp], at: this.now() } : null;
    }
  }

  it('the account that chose it goes to its page, the others keep theirs, and its proof gives its amr with the two-factor acr', async () => {
    const w = flowWorld();
    const otp = new OtpTokenFactor(() => w.clock.now());
    const flow = new LoginFlow({ pending: w.pending, factors: [otp, w.factors.app, w.factors.sms], remembered: w.factors.remembered, acr: ACR });
    const tina = account({ name: 'Tina Token' });
    expect(await flow.afterPassword(w.login(), tina, undefined)).toEqual({ step: 'factor', factor: 'otp', page: '/otp' });
    expect(await flow.afterPassword(w.login(), account({ twoFactorMethod: 'sms' }), undefined)).toEqual({ step: 'factor', factor: 'sms', page: '/sms' });
    const attempt = w.attempt(w.login(), tina);
    expect(await otp.complete(attempt, '000000')).toBeNull();
    const proof = (await otp.complete(attempt, '424242'))!;
    expect(flow.result(attempt.login, proof)).toEqual({ accountId: 'acc_unit', acr: ACR.twoFactor, amr: ['pwd', 'mfa', 'otp'], auth_time: Math.floor(w.clock.now() / 1000) });
  });
});

describe('the app factor', () => {
  it('starts one approval for the login (recorded on it) and proves hwk at the time of the approving answer', async () => {
    const w = flowWorld();
    const { device } = await newDevice('acc_unit');
    await w.devices.add(device);
    const login = w.login();
    const started = await w.factors.app.start(w.attempt(login, account()));
    if (started.kind !== 'started') throw new Error(`not started: ${started.kind}`);
    expect((await w.pending.get(login.uid))!.approvalId).toBe(started.approval.id);
    expect(await w.factors.app.complete(w.attempt(login, account()))).toBeNull();
    w.clock.advance(5_000);
    await w.approvals.accept({ approvalId: started.approval.id, device, decision: 'approve', method: 'hwk', number: started.approval.number, notMe: false }, 'ip');
    expect(await w.factors.app.complete(w.attempt(login, account()))).toEqual(proofOf('hwk', w.clock.now()));
  });

  it('a denied approval, or one of another login, proves nothing', async () => {
    const w = flowWorld();
    const { device } = await newDevice('acc_unit');
    await w.devices.add(device);
    const login = w.login();
    const started = await w.factors.app.start(w.attempt(login, account()));
    if (started.kind !== 'started') throw new Error('not started');
    const other = w.login({ approvalId: started.approval.id });
    await w.approvals.accept({ approvalId: started.approval.id, device, decision: 'approve', method: 'hwk', number: started.approval.number, notMe: false }, 'ip');
    expect(await w.factors.app.complete(w.attempt(other, account()))).toBeNull();
    const denied = w.login();
    const second = await w.factors.app.start(w.attempt(denied, account()));
    if (second.kind !== 'started') throw new Error('not started');
    await w.approvals.accept({ approvalId: second.approval.id, device, decision: 'deny', method: 'hwk', number: null, notMe: false }, 'ip');
    expect(await w.factors.app.complete(w.attempt(denied, account()))).toBeNull();
  });

  it('without a device nothing starts (noDevice); beyond the open cap it is refused, nothing pushed', async () => {
    const w = flowWorld();
    expect(await w.factors.app.start(w.attempt(w.login(), account()))).toEqual({ kind: 'noDevice' });
    await w.devices.add((await newDevice('acc_unit')).device);
    for (let i = 0; i < 3; i++) expect((await w.factors.app.start(w.attempt(w.login(), account()))).kind).toBe('started');
    await w.tasks.drain();
    expect(await w.factors.app.start(w.attempt(w.login(), account()))).toEqual({ kind: 'refused', code: 'approval.tooManyOpen' });
    await w.tasks.drain();
    expect(w.pushed).toHaveLength(3);
  });
});

describe('the SMS factor', () => {
  it('the first view sends one code to the number on file; the right code proves sms and marks the number verified', async () => {
    const w = flowWorld();
    const sms = account({ twoFactorMethod: 'sms' });
    await w.accounts.insertMany([sms]);
    const login = w.login();
    expect(await w.factors.sms.start(w.attempt(login, sms))).toBeNull();
    expect(await w.factors.sms.start(w.attempt(login, sms))).toBeNull(); // a second view sends nothing new
    const sent = w.sink.list().filter((m) => m.to === sms.mobile);
    expect(sent).toHaveLength(1);
    const code = /\b(\d{4,10})\b/.exec(sent[0]!.text)![1]!;
    expect(await w.factors.sms.complete(w.attempt(login, sms), code)).toEqual(proofOf('sms', w.clock.now()));
    expect((await w.accounts.findById(sms.id))!.mobileVerified).toBe(sms.mobile);
  });

  it('is available to an account allowed SMS with a number on file only', () => {
    const w = flowWorld();
    expect(w.factors.sms.available(account({ twoFactorMethod: 'sms' }))).toBe(true);
    expect(w.factors.sms.available(account({ twoFactorMethod: 'sms', mobile: null }))).toBe(false);
    expect(w.factors.sms.available(account({ twoFactorMethod: 'app' }))).toBe(false);
  });
});

describe('the reads after the password, started while it is verified (lookAhead)', () => {
  it('a remembered browser looked ahead finishes the login as without the look-ahead', async () => {
    const w = flowWorld();
    const token = await w.rememberedBrowsers.remember('acc_unit', 7, 'Firefox');
    const ahead = w.flow.lookAhead(account(), token, false);
    const next = await w.flow.afterPassword(w.login(), account(), token, ahead);
    expect(next).toEqual({ step: 'done', proof: { method: 'remembered', amr: ['pwd'], at: w.clock.now() } });
  });

  it('a record ended after it was read ahead ("not me" during the password check) is not honoured: SET XX decides', async () => {
    const w = flowWorld();
    const token = await w.rememberedBrowsers.remember('acc_unit', 7, 'Firefox');
    const ahead = w.flow.lookAhead(account(), token, false);
    await ahead.remembered; // read before it ends
    await w.rememberedBrowsers.endAll('acc_unit');
    expect(await w.flow.afterPassword(w.login(), account(), token, ahead)).toEqual({ step: 'factor', factor: 'app', page: '/second-factor' });
    expect(await w.rememberedBrowsers.list('acc_unit', 7)).toEqual([]); // and not brought back
  });

  it('a look-ahead for another account is not used', async () => {
    const w = flowWorld();
    const token = await w.rememberedBrowsers.remember('acc_unit', 7, 'Firefox');
    const other = w.flow.lookAhead(account({ id: 'acc_other' }), token, false);
    expect((await w.flow.afterPassword(w.login(), account(), token, other)).step).toBe('done');
    const stranger = await w.rememberedBrowsers.remember('acc_other', 7, 'Firefox');
    const theirs = w.flow.lookAhead(account({ id: 'acc_other' }), stranger, false);
    expect((await w.flow.afterPassword(w.login(), account(), undefined, theirs)).step).toBe('factor');
  });

  it('a relying party that demands a fresh second factor: nothing remembered is read or honoured', async () => {
    const w = flowWorld();
    const token = await w.rememberedBrowsers.remember('acc_unit', 7, 'Firefox');
    const ahead = w.flow.lookAhead(account(), token, true);
    expect(ahead.remembered).toBeNull();
    expect((await w.flow.afterPassword(w.login({ freshSecondFactor: true }), account(), token, ahead)).step).toBe('factor');
  });

  it('a failed mobile-change read looked ahead fails the step after a right password, and is dropped quietly after a wrong one', async () => {
    const w = flowWorld({ mobileChangeFails: true });
    const unhandled: unknown[] = [];
    const listen = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', listen);
    try {
      w.flow.lookAhead(account(), undefined, false); // a wrong password: nobody awaits it
      const ahead = w.flow.lookAhead(account(), undefined, false);
      await expect(w.flow.afterPassword(w.login(), account(), undefined, ahead)).rejects.toThrow('store down');
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', listen);
    }
  });
});
