// `pending`, `approve`, `deny`: the open sign-in requests of the account, answered with the device key (a request that
// shows a number in the browser needs --number; without an ID the newest open request is answered).
import { DeviceClient, type DeviceKeyState, type PendingApproval } from '../../src/ident-client/device-client.js';
import { oneArg, Refusal, serverUrl, table, time, UsageError, type Flags } from './cli.js';
import { loadState } from './state-file.js';

export async function pending(flags: Flags, positionals: string[]): Promise<void> {
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

export async function approve(flags: Flags, positionals: string[]): Promise<void> {
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

export async function deny(flags: Flags, positionals: string[]): Promise<void> {
  const state = loadState(flags);
  const client = new DeviceClient(serverUrl(flags, state));
  const { id } = await target(client, state, oneArg(positionals, 'ID', false));
  const result = await client.decide(state, id, 'deny', { notMe: flags['not-me'] ?? false });
  console.log(`Anfrage ${result.id}: ${result.status === 'denied' ? 'abgelehnt' : result.status}${flags['not-me'] ? ' (Das war ich nicht)' : ''}`);
}
