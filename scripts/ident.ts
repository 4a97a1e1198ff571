// The financeIDENT device simulator: enrol a key, list and answer approvals, manage devices — from the terminal.
// Usage: npm run ident -- <command> [flags]   (npm run ident -- help). The commands live in scripts/ident/.
import { DeviceApiError } from '../src/ident-client/device-client.js';
import { approve, deny, pending } from './ident/approvals.js';
import { parse, Refusal, serverUrl, UsageError, type Command } from './ident/cli.js';
import { devices, removeDevice } from './ident/devices.js';
import { enrol } from './ident/enrol.js';

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
  --login L               welcher Zugang (Zugangsnummer); nötig, wenn mehrere registriert sind
  --state FILE            Gerätedatei mit privatem Schlüssel (Standard: .ident/<Zugangsnummer>.json,
                          eine Datei je Zugang; der Ordner .ident/ ist von git ausgenommen)

Exit-Code: 0 Erfolg, 1 vom Server abgelehnt, 2 Aufruffehler.`;

/** The server's message, with a lockout's end in this computer's local time ("ab 09:44 Uhr"). */
function refusalText(e: DeviceApiError): string {
  const until = typeof e.details.until === 'string' ? new Date(e.details.until) : null;
  if (e.code === 'login.locked' && until && !Number.isNaN(until.getTime())) {
    const hhmm = until.toLocaleTimeString('de-DE', { hour: '2-digit', minute: '2-digit' });
    return `Zu viele Fehlversuche. Bitte versuchen Sie es ab ${hhmm} Uhr erneut.`;
  }
  return e.message;
}

const commands: Record<string, Command> = {
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
      console.error(`Abgelehnt (${e.status} ${e.code}): ${refusalText(e)}`);
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
