// The device simulator's command line: its flags (node:util parseArgs, strict), the two kinds of failure (exit code 2
// for a wrong call, 1 for a refusal), the server URL, positional arguments and plain-text output helpers.
import { parseArgs } from 'node:util';
import type { DeviceKeyState } from '../../src/ident-client/device-client.js';

/** A wrong call (exit code 2): unknown flag, missing argument, no device file. */
export class UsageError extends Error {}
/** Refused or nothing to do (exit code 1), e.g. no pending request to answer. */
export class Refusal extends Error {}

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

/** The flags and positionals of `argv`; throws (node's ERR_PARSE_ARGS_*) on an unknown flag or a missing value. */
export function parse(argv: string[]) {
  return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
}

export type Flags = ReturnType<typeof parse>['values'];

/** A command: the parsed flags and the positionals after the command's name. */
export type Command = (flags: Flags, positionals: string[]) => Promise<void>;

/** The server: --url, else $IDP_URL, else the one the device file was enrolled with, else http://localhost:3000. */
export function serverUrl(flags: Flags, state?: DeviceKeyState): string {
  return (flags.url ?? process.env.IDP_URL ?? state?.url ?? 'http://localhost:3000').replace(/\/+$/, '');
}

/** At most one positional argument; `what` names it when it is `required` and missing. */
export function oneArg(positionals: string[], what: string, required: boolean): string | undefined {
  if (positionals.length > 1) throw new UsageError(`Zu viele Argumente: ${positionals.join(' ')}`);
  if (required && !positionals[0]) throw new UsageError(`${what} fehlt.`);
  return positionals[0];
}

/** Rows as a plain-text table (columns padded to the widest cell). */
export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

/** An ISO time in German local form (30.11.2026, 09:44:12). */
export const time = (iso: string) => new Date(iso).toLocaleString('de-DE');
