// Test-side financeIDENT device: enrols through the real API with the code from the SMS sink, then answers approvals.
import { DeviceClient, type DeviceFacts, type DeviceKeyState } from '../../src/ident-client/device-client.js';
import type { TestIdp } from './test-idp.js';

export function lastCode(idp: TestIdp, to: string): string {
  const sms = idp.container.smsSink!.lastTo(to);
  const code = sms && /(\d{6,8})/.exec(sms.text)?.[1];
  if (!code) throw new Error(`no code sent to ${to}`);
  return code;
}

export async function enrolDevice(
  idp: TestIdp,
  loginId: string,
  password = 'Demo-Passwort-2026',
  facts: Partial<DeviceFacts> = {},
): Promise<{ client: DeviceClient; state: DeviceKeyState }> {
  const client = new DeviceClient(idp.url);
  const started = await client.startEnrolment(loginId, password);
  const account = (await idp.container.accounts.findByAccessNumber(loginId)) ?? (await idp.container.accounts.findByEmail(loginId))[0];
  const code = lastCode(idp, account!.mobile!);
  const state = await client.completeEnrolment(started.enrolmentId, code, { name: 'Testphone', platform: 'ios', osVersion: '17.2', ...facts });
  return { client, state };
}

/** The number the waiting page shows. */
export function shownNumber(html: string): string | null {
  return /id="approval-number">(\d+)</.exec(html)?.[1] ?? null;
}
