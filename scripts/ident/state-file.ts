// The simulated devices' key files: one per account under .ident/ (git ignores it), or the file --state names;
// written with mode 0600 because they hold the device's private key.
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DeviceKeyState } from '../../src/ident-client/device-client.js';
import { UsageError, type Flags } from './cli.js';

/** Keys of the simulated devices: one file per account, in a folder git ignores (.gitignore). */
export const STATE_DIR = '.ident';

/** The device file of an account: --state, else .ident/<access number>.json (the only one when there is just one). */
function statePath(flags: Flags): string {
  if (flags.state) return flags.state;
  if (flags.login) return join(STATE_DIR, `${flags.login.replace(/[^A-Za-z0-9@._-]/g, '_')}.json`);
  const files = existsSync(STATE_DIR) ? readdirSync(STATE_DIR).filter((f) => f.endsWith('.json')) : [];
  if (files.length === 1) return join(STATE_DIR, files[0]!);
  if (files.length === 0) throw new UsageError('Noch kein Gerät registriert. Bitte zuerst "enrol --login L --password P" ausführen.');
  throw new UsageError(`Mehrere Zugänge registriert (${files.map((f) => f.replace(/\.json$/, '')).join(', ')}): bitte --login angeben.`);
}

/** The device of the account the flags name; UsageError when there is no (valid) device file. */
export function loadState(flags: Flags): DeviceKeyState {
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

/** Writes a device file readable by its owner only (the folder .ident/ too). */
export function saveState(path: string, state: DeviceKeyState): void {
  if (path.startsWith(`${STATE_DIR}/`)) mkdirSync(STATE_DIR, { recursive: true, mode: 0o700 });
  writeFileSync(path, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
}
