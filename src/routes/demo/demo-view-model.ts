// Prepares token results for display: pretty JSON with chosen claims marked, and the token response without any raw token.
export interface JsonLine {
  text: string;
  highlight: boolean;
}

/** `value` as indented JSON, one entry per line; top-level `keys` (including multi-line arrays/objects) are marked. */
export function jsonLines(value: object, keys: readonly string[]): JsonLine[] {
  const lines = JSON.stringify(value, null, 2).split('\n');
  const out: JsonLine[] = [];
  let inside = false;
  for (const text of lines) {
    if (inside) {
      out.push({ text, highlight: true });
      if (/^ {2}[\]}],?$/.test(text)) inside = false;
      continue;
    }
    const match = /^ {2}"((?:[^"\\]|\\.)*)": (.*)$/.exec(text);
    const marked = match !== null && keys.includes(match[1]!);
    out.push({ text, highlight: marked });
    if (marked && /[[{]$/.test(match[2]!)) inside = true;
  }
  return out;
}

export interface TokenField {
  name: string;
  /** Shown as is; undefined for a token (see `present`). */
  value?: string;
  /** For the tokens themselves: only whether they were issued. */
  present?: boolean;
}

const TOKEN_KEYS = ['access_token', 'id_token', 'refresh_token'] as const;

/** Every field of a token endpoint response, but only the existence of the tokens. */
export function tokenFields(response: object): TokenField[] {
  const record = response as Record<string, unknown>;
  const fields: TokenField[] = [];
  for (const [name, value] of Object.entries(record)) {
    if ((TOKEN_KEYS as readonly string[]).includes(name) || typeof value === 'function' || value === undefined) continue;
    fields.push({ name, value: typeof value === 'string' ? value : JSON.stringify(value) });
  }
  for (const name of TOKEN_KEYS) fields.push({ name, present: typeof record[name] === 'string' && record[name] !== '' });
  return fields;
}
