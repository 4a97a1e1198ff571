// The financeIDENT device simulator: enrol a key, list and answer approvals, manage devices — from the terminal.
// Usage: npm run ident -- <command> [flags]   (npm run ident -- help)
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { DeviceApiError, DeviceClient, type DeviceKeyState, type PendingApproval } from '../src/ident-client/device-client.js';

const USAGE = `financeIDENT Geräte-Simulator

Aufruf: npm run ident -- <Befehl> [Optionen]

Befehle:
  enrol --login L --password P [--code C] [--name N] [--platform ios|android] [--os-version V]
                          Gerät registrieren (ohne --code: Code aus /dev/sms oder Eingabe)
  pending [--json]        offene Freigabe-Anfragen anzeigen
  approve [ID] [--number N]
                          Anfrage bestätigen (ohne ID: die neueste offene)
  deny [ID] [--not-me]    Anfrage ablehnen ("Das war ich nicht" mit --not-me)
  devices [--json]        Geräte des Zugangs anzeigen
  remove-device ID        Gerät entfernen
  help                    diese Hilfe

Gemeinsame Optionen:
  --url URL               Server (sonst $IDP_URL, sonst http://localhost:3000)
  --state FILE            Gerätedatei mit privatem Schlüssel (Standard .ident-device.json)

Exit-Code: 0 Erfolg, 1 vom Server abgelehnt, 2 Aufruffehler.`;

class UsageError extends Error {}
class Refusal extends Error {}

const options = {
  url: { type: 'string' },
  state: { type: 'string' },
  login: { type: 'string' },
  password: { type: 'string' },
  code: { type: 'string' },
  name: { type: 'string' },
  platform: { type: 'string' },
  'os-version': { type: 'string' },
  number: { type: 'string' },
  'not-me': { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Flags = ReturnType<typeof parse>['values'];

function parse(argv: string[]) {
  return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
}

function serverUrl(flags: Flags, state?: DeviceKeyState): string {
  return (flags.url ?? process.env.IDP_URL ?? state?.url ?? 'http://localhost:3000').replace(/\/+$/, '');
}

function statePath(flags: Flags): string {
  return flags.state ?? '.ident-device.json';
}

function loadState(flags: Flags): DeviceKeyState {
  const path = statePath(flags);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new UsageError(`Keine Gerätedatei ${path}. Bitte zuerst "enrol" ausführen oder --state angeben.`);
  }
  const state = JSON.parse(text) as DeviceKeyState;
  if (!state.deviceId || !state.privateJwk) throw new UsageError(`${path} ist keine gültige Gerätedatei.`);
  return state;
}

function saveState(path: string, state: DeviceKeyState): void {
  writeFileSync(path, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
}

function oneArg(positionals: string[], what: string, required: boolean): string | undefined {
  if (positionals.length > 1) throw new UsageError(`Zu viele Argumente: ${positionals.join(' ')}`);
  if (required && !positionals[0]) throw new UsageError(`${what} fehlt.`);
  return positionals[0];
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

const time = (iso: string) => new Date(iso).toLocaleString('de-DE');

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
  const parts = maskedMobile.split(' ');
  const prefix = parts[0] ?? '';
  const suffix = parts.length > 1 ? (parts[parts.length - 1] ?? '') : '';
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

async function enrol(flags: Flags, positionals: string[]): Promise<void> {
  oneArg(positionals, '', false);
  if (!flags.login || !flags.password) throw new UsageError('enrol braucht --login und --password.');
  // The web platform needs a WebAuthn credential (the browser's web app), which a CLI cannot make.
  const platform = flags.platform ?? 'android';
  if (platform !== 'ios' && platform !== 'android') throw new UsageError('--platform muss ios oder android sein (web nur in der Web-App).');
  const url = serverUrl(flags);
  const client = new DeviceClient(url);
  const since = Date.now();
  const started = await client.startEnrolment(flags.login, flags.password);
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
    osVersion: flags['os-version'] ?? (platform === 'ios' ? '17.2' : platform === 'android' ? '14' : process.versions.node),
  });
  const path = statePath(flags);
  saveState(path, state);
  console.log(`Gerät registriert: ${state.deviceId} für ${state.accessNumber} (${state.accountName})`);
  console.log(`Schlüssel gespeichert in ${path}`);
}

async function pending(flags: Flags, positionals: string[]): Promise<void> {
  oneArg(positionals, '', false);
  const state = loadState(flags);
  const list = await new DeviceClient(serverUrl(flags, state)).pending(state);
  if (flags.json) {
    console.log(JSON.stringify(list, null, 2));
    return;
  }
  if (list.length === 0) {
    console.log('Keine offenen Freigabe-Anfragen.');
    return;
  }
  const number = (a: PendingApproval) => (a.numberMode === 'off' ? '-' : a.numberMode === 'pick' ? `wählen: ${(a.choices ?? []).join(', ')}` : 'eingeben');
  console.log(table([['ID', 'Anwendung', 'Zeit', 'Browser', 'IP', 'Zahl'], ...list.map((a) => [a.id, a.clientName || a.clientId, time(a.createdAt), a.browser, a.ip, number(a)])]));
}

/** The approval to answer: the given id, else the newest pending one. */
async function target(client: DeviceClient, state: DeviceKeyState, id: string | undefined): Promise<{ id: string; approval: PendingApproval | undefined }> {
  const list = await client.pending(state);
  if (id) return { id, approval: list.find((a) => a.id === id) };
  const newest = [...list].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt))[0];
  if (!newest) throw new Refusal('Keine offenen Freigabe-Anfragen.');
  return { id: newest.id, approval: newest };
}

async function approve(flags: Flags, positionals: string[]): Promise<void> {
  const state = loadState(flags);
  const client = new DeviceClient(serverUrl(flags, state));
  const { id, approval } = await target(client, state, oneArg(positionals, 'ID', false));
  if (approval && approval.numberMode !== 'off' && !flags.number) {
    const hint = approval.numberMode === 'pick' ? ` (eine von: ${(approval.choices ?? []).join(', ')})` : '';
    throw new UsageError(`Diese Anfrage verlangt die im Browser angezeigte Zahl: --number N${hint}.`);
  }
  const result = await client.decide(state, id, 'approve', { number: flags.number ?? null });
  console.log(`Anfrage ${result.id}: ${result.status === 'approved' ? 'bestätigt' : result.status}`);
}

async function deny(flags: Flags, positionals: string[]): Promise<void> {
  const state = loadState(flags);
  const client = new DeviceClient(serverUrl(flags, state));
  const { id } = await target(client, state, oneArg(positionals, 'ID', false));
  const result = await client.decide(state, id, 'deny', { notMe: flags['not-me'] ?? false });
  console.log(`Anfrage ${result.id}: ${result.status === 'denied' ? 'abgelehnt' : result.status}${flags['not-me'] ? ' (Das war ich nicht)' : ''}`);
}

async function devices(flags: Flags, positionals: string[]): Promise<void> {
  oneArg(positionals, '', false);
  const state = loadState(flags);
  const list = await new DeviceClient(serverUrl(flags, state)).devices(state);
  if (flags.json) {
    console.log(JSON.stringify(list, null, 2));
    return;
  }
  console.log(
    table([
      ['ID', 'Name', 'Plattform', 'Version', 'Registriert', 'Push', ''],
      ...list.map((d) => [d.id, d.name, d.platform, d.osVersion, time(d.createdAt), d.push ? 'ja' : 'nein', d.current ? '(dieses Gerät)' : '']),
    ]),
  );
}

async function removeDevice(flags: Flags, positionals: string[]): Promise<void> {
  const id = oneArg(positionals, 'Geräte-ID', true)!;
  const state = loadState(flags);
  await new DeviceClient(serverUrl(flags, state)).removeDevice(state, id);
  console.log(`Gerät ${id} entfernt.${id === state.deviceId ? ' Die Gerätedatei ist damit wertlos.' : ''}`);
}

const commands: Record<string, (flags: Flags, positionals: string[]) => Promise<void>> = {
  enrol,
  pending,
  approve,
  deny,
  devices,
  'remove-device': removeDevice,
};

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parse(argv);
  } catch (e) {
    console.error(`${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const [command, ...rest] = parsed.positionals;
  if (!command || command === 'help' || parsed.values.help) {
    console.log(USAGE);
    return 0;
  }
  const run = commands[command];
  if (!run) {
    console.error(`Unbekannter Befehl: ${command}\n\n${USAGE}`);
    return 2;
  }
  try {
    await run(parsed.values, rest);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(e.message);
      return 2;
    }
    if (e instanceof DeviceApiError) {
      console.error(`Abgelehnt (${e.status} ${e.code}): ${e.message}`);
      return 1;
    }
    if (e instanceof Refusal) {
      console.error(e.message);
      return 1;
    }
    if (e instanceof TypeError && /fetch failed/i.test(e.message)) {
      console.error(`Server nicht erreichbar: ${serverUrl(parsed.values)}`);
      return 1;
    }
    throw e;
  }
}

process.exitCode = await main(process.argv.slice(2));
