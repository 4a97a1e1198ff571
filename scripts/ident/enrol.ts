// `enrol`: registers a simulated device (a fresh device key) for an account with login id, password and the activation
// code: --code, else from the development SMS inbox (/dev/sms), else typed at the prompt. Saves the key file.
import { join } from 'node:path';
import { hostname } from 'node:os';
import { createInterface } from 'node:readline/promises';
import { DeviceClient } from '../../src/ident-client/device-client.js';
import { oneArg, serverUrl, UsageError, type Flags } from './cli.js';
import { saveState, STATE_DIR } from './state-file.js';

interface SmsView {
  to: string;
  text: string;
  purpose: string;
  at: string;
}

/** The activation code from the development SMS inbox, or null when there is none. */
async function codeFromSmsSink(url: string, maskedMobile: string, since: number): Promise<string | null> {
  let messages: SmsView[];
  try {
    const res = await fetch(`${url}/dev/sms`, { headers: { accept: 'application/json' } });
    if (res.status !== 200) return null;
    messages = (await res.json()) as SmsView[];
  } catch {
    return null;
  }
  if (!Array.isArray(messages)) return null;
  // "+49 151 ••••• 05": the digits before and after the dots.
  const [head = '', ...rest] = maskedMobile.split('•');
  const prefix = head.replace(/\s+/g, '');
  const suffix = (rest.at(-1) ?? '').replace(/\s+/g, '');
  const activation = messages.filter((m) => m.purpose === 'activation' && m.to.startsWith(prefix) && m.to.endsWith(suffix));
  const fresh = activation.filter((m) => Date.parse(m.at) >= since - 5000);
  const sms = fresh[0] ?? activation[0];
  return sms ? (/(\d{4,10})/.exec(sms.text)?.[1] ?? null) : null;
}

async function ask(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return (await rl.question(question)).trim();
  } finally {
    rl.close();
  }
}

export async function enrol(flags: Flags, positionals: string[]): Promise<void> {
  oneArg(positionals, '', false);
  if (!flags.login || !flags.password) throw new UsageError('enrol braucht --login und --password.');
  // The web platform needs a WebAuthn credential (the browser's web app), which a CLI cannot make.
  const platform = flags.platform ?? 'android';
  if (platform !== 'ios' && platform !== 'android') throw new UsageError('--platform muss ios oder android sein (web nur in der Web-App).');
  const url = serverUrl(flags);
  const client = new DeviceClient(url);
  const since = Date.now();
  const osVersion = flags['os-version'] ?? (platform === 'ios' ? '17.2' : '14');
  // The server checks the OS version before it sends the activation SMS.
  const started = await client.startEnrolment(flags.login, flags.password, { platform, osVersion });
  // Only what happened: "gesendet" only when the SMS provider accepted the message.
  console.log(
    started.delivery === 'unknown'
      ? `Nicht bestätigt, dass die SMS mit dem Freischaltcode an ${started.mobile} gesendet wurde; kommt sie an, Code eingeben, sonst später neu beginnen.`
      : `Freischaltcode per SMS gesendet an ${started.mobile}.`,
  );
  let code = flags.code ?? (await codeFromSmsSink(url, started.mobile, since));
  if (flags.code === undefined && code) console.log('Code aus dem Entwicklungs-SMS-Postfach übernommen.');
  if (!code) code = await ask('Freischaltcode: ');
  if (!code) throw new UsageError('Kein Freischaltcode angegeben.');
  const state = await client.completeEnrolment(started.enrolmentId, code, {
    name: flags.name ?? `ident CLI (${hostname()})`,
    platform,
    osVersion,
  });
  const path = flags.state ?? join(STATE_DIR, `${state.accessNumber}.json`);
  saveState(path, state);
  console.log(`Gerät registriert: ${state.deviceId} für ${state.accessNumber} (${state.accountName})`);
  console.log(`Schlüssel gespeichert in ${path}`);
}
