// `devices` and `remove-device`: the account's registered devices (this one marked), and removing one of them.
import { DeviceClient } from '../../src/ident-client/device-client.js';
import { oneArg, serverUrl, table, time, type Flags } from './cli.js';
import { loadState } from './state-file.js';

export async function devices(flags: Flags, positionals: string[]): Promise<void> {
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

export async function removeDevice(flags: Flags, positionals: string[]): Promise<void> {
  const id = oneArg(positionals, 'Geräte-ID', true)!;
  const state = loadState(flags);
  await new DeviceClient(serverUrl(flags, state)).removeDevice(state, id);
  console.log(`Gerät ${id} entfernt.${id === state.deviceId ? ' Die Gerätedatei ist damit wertlos.' : ''}`);
}
