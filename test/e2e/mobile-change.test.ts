// Changing a mobile number (ACC-3): only the broker side changes a customer's number, the code goes to the NEW
// number, the number is stored in E.164 and the change is audited (masked).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestIdp, type TestIdp } from '../helpers/test-idp.js';
import { enrolDevice } from '../helpers/device.js';
import { accessTokenOf, smartmscAccessToken, type Device } from '../helpers/login-flow.js';
import { AppError } from '../../src/shared/errors.js';
import { Browser } from '../helpers/browser.js';

let idp: TestIdp;
let brokerToken: string;
let employeeToken: string;
let customerToken: string;

const accessToken = (loginId: string, device: Device) => smartmscAccessToken(idp, loginId, device);

async function api(path: string, token: string, body: unknown) {
  const response = await fetch(`${idp.url}/api/broker/customers${path}`, {
    method: 'POST',
    headers: { accept: 'application/json', authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

function codeTo(e164: string): string {
  const sms = idp.container.smsSink!.lastTo(e164);
  expect(sms).toBeDefined();
  expect(sms!.purpose).toBe('mobile_change');
  return /: (\d{6}) /.exec(sms!.text)![1]!;
}

beforeAll(async () => {
  idp = await startTestIdp();
  brokerToken = await accessToken('100001', await enrolDevice(idp, '100001'));
  employeeToken = await accessToken('100002', await enrolDevice(idp, '100002'));
  // A customer may not use smartMSC (OIDC-5): its FinanceCloud token is what it could present.
  customerToken = await accessTokenOf(idp, 'financecloud', '200001', await enrolDevice(idp, '200001'));
});
afterAll(async () => idp.close());

describe('mobile number change', () => {
  it('the broker enters a customer\'s new number, the code goes to the new number and only the customer confirms it; audited', async () => {
    idp.container.smsSink!.clear();
    const requested = await api('/200003/mobile', brokerToken, { mobile: '0151 33333399' });
    expect(requested.status).toBe(202);
    expect(requested.body.mobile).toBe('+49 151 ••••• 99');
    const sent = idp.container.smsSink!.list();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ to: '+4915133333399', purpose: 'mobile_change' });
    // Nothing changes before the confirmation, and a wrong code changes nothing either.
    expect((await idp.container.accounts.findByAccessNumber('200003'))!.mobile).toBe('+4915122222203');
    const code = codeTo('+4915133333399');
    // The code is the customer's (ACC-3): the broker holding it cannot confirm, the number stays.
    const byBroker = await api('/200003/mobile/confirm', brokerToken, { code });
    expect(byBroker.status).toBe(403);
    expect(byBroker.body.error).toBe('mobile.ownerConfirms');
    expect((await idp.container.accounts.findByAccessNumber('200003'))!.mobile).toBe('+4915122222203');

    // The customer confirms with the link in the SMS; a wrong code there changes nothing.
    const link = /(http:\/\/\S+\/mobile\/confirm\/\S+)/.exec(idp.container.smsSink!.lastTo('+4915133333399')!.text)![1]!;
    const browser = new Browser();
    const page = await browser.go(link);
    expect(page.status).toBe(200);
    const wrong = await browser.submit(page, '/mobile/confirm', { code: String((Number(code) + 1) % 1_000_000).padStart(6, '0') });
    expect(wrong.status).toBe(400);
    expect((await idp.container.accounts.findByAccessNumber('200003'))!.mobile).toBe('+4915122222203');
    const confirmed = await browser.submit(wrong, '/mobile/confirm', { code });
    expect(confirmed.status).toBe(200);
    expect((await idp.container.accounts.findByAccessNumber('200003'))!.mobile).toBe('+4915133333399');
    // The code went to the new number: phone_number_verified holds for it.
    expect((await idp.container.accounts.findByAccessNumber('200003'))!.mobileVerified).toBe('+4915133333399');

    const [event] = await idp.container.audit.list({ accountId: 'acc_shared1', type: 'mobile.changed' });
    expect(event).toMatchObject({ type: 'mobile.changed', details: { old: '+49 151 ••••• 03', new: '+49 151 ••••• 99', requestedBy: 'acc_broker', confirmedBy: null } });
    expect(JSON.stringify(event)).not.toContain('33333399');

    // Single use: nothing is pending any more, for the link nor the API.
    expect((await browser.go(link)).status).toBe(410);
    expect((await api('/200003/mobile/confirm', brokerToken, { code })).status).toBe(403);
  });

  it('an employee of the broker may request a customer\'s number change (also a sub-broker\'s customer) but not confirm it', async () => {
    const requested = await api('/200006/mobile', employeeToken, { mobile: '+49 160 4444406' });
    expect(requested.status).toBe(202);
    expect(requested.body.delivery).toBe('sent');
    const confirmed = await api('/200006/mobile/confirm', employeeToken, { code: codeTo('+491604444406') });
    expect(confirmed.status).toBe(403);
    expect(confirmed.body.error).toBe('mobile.ownerConfirms');
    expect((await idp.container.accounts.findByAccessNumber('200006'))!.mobile).not.toBe('+491604444406');
  });

  it('a customer cannot change their own number, nor anyone else\'s (its token lacks broker_api: 403)', async () => {
    idp.container.smsSink!.clear();
    for (const accessNumber of ['200001', '200004']) {
      const refused = await api(`/${accessNumber}/mobile`, customerToken, { mobile: '+4915155555501' });
      expect(refused.status).toBe(403);
      expect(refused.body.error).toBe('api.insufficientScope');
    }
    expect((await api('/200001/mobile/confirm', customerToken, { code: '123456' })).status).toBe(403);
    expect(idp.container.smsSink!.list()).toHaveLength(0);
    expect((await idp.container.accounts.findByAccessNumber('200001'))!.mobile).toBe('+4915122222201');
  });

  it('brokers change their own number; foreign or unknown accounts are 404; bad numbers and no token are refused', async () => {
    const own = await api('/100001/mobile', brokerToken, { mobile: '+4915166666601' });
    expect(own.status).toBe(202);
    expect((await api('/100001/mobile/confirm', brokerToken, { code: codeTo('+4915166666601') })).status).toBe(200);
    expect((await idp.container.accounts.findByAccessNumber('100001'))!.mobile).toBe('+4915166666601');

    expect((await api('/100002/mobile', brokerToken, { mobile: '+4915166666602' })).body.error).toBe('account.notFound');
    expect((await api('/999999/mobile', brokerToken, { mobile: '+4915166666602' })).status).toBe(404);
    expect((await api('/200002/mobile', brokerToken, { mobile: '030 1234567' })).body.error).toBe('mobile.invalid');
    expect((await api('/200002/mobile', brokerToken, { mobile: 'abc' })).status).toBe(400);
    const anonymous = await fetch(`${idp.url}/api/broker/customers/200002/mobile`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"mobile":"+4915166666602"}' });
    expect(anonymous.status).toBe(401);
  });

  it('the service refuses a customer directly (AppError mobile.brokerOnly, 403)', async () => {
    const customer = (await idp.container.accounts.findByAccessNumber('200001'))!;
    const refusal = idp.container.passwordSetup.mobileChange.requestMobileChange(customer, customer.id, '+4915177777701');
    await expect(refusal).rejects.toBeInstanceOf(AppError);
    await expect(refusal).rejects.toMatchObject({ code: 'mobile.brokerOnly', status: 403 });
  });
});
