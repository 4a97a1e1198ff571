// JSON logs in which passwords, codes, tokens, CSRF tokens and auth/cookie headers never appear: pino redacts them to '[redacted]'.
import pino from 'pino';

export type Logger = pino.Logger;

export const REDACTED = '[redacted]';

/**
 * Keys that hold a secret wherever they appear. Redacted at the top level and up to three levels
 * down (`{ password }`, `{ body: { password } }`, `{ req: { body: { password } } }`, …): pino's
 * redaction has no recursive wildcard, and deeper objects are not logged in this code base.
 */
const SECRET_KEYS = [
  'password',
  'passwordHash',
  'newPassword',
  'currentPassword',
  'client_secret',
  'refresh_token',
  'access_token',
  'id_token',
  'token',
  'code_verifier',
  '_csrf',
  'authorization',
  'cookie',
  '["set-cookie"]',
] as const;

/**
 * `code` is the OAuth authorization code (RFC 6749 §4.1.2) or a one-time SMS code, but `err.code`
 * is an error code we want to keep (ECONNREFUSED, approval.expired). So `code` is redacted at the
 * top level and wherever request input travels, not under `err`.
 */
const CODE_CONTAINERS = ['body', 'query', 'params', 'form', 'input', 'request.body', 'request.query', 'req.body', 'req.query'] as const;

/** Header paths spelt out, for readers grepping for them; the generic keys above cover them too. */
const HEADER_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["set-cookie"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'headers["set-cookie"]',
] as const;

function join(prefix: string, key: string): string {
  if (!prefix) return key;
  return key.startsWith('[') ? `${prefix}${key}` : `${prefix}.${key}`;
}

export function redactPaths(): string[] {
  const depths = ['', '*', '*.*', '*.*.*'];
  const paths = new Set<string>(HEADER_PATHS);
  for (const key of SECRET_KEYS) for (const depth of depths) paths.add(join(depth, key));
  paths.add('code');
  for (const container of CODE_CONTAINERS) paths.add(`${container}.code`);
  return [...paths];
}

export function createLogger(opts: { level: string; destination?: pino.DestinationStream }): Logger {
  const options: pino.LoggerOptions = {
    level: opts.level,
    redact: { paths: redactPaths(), censor: REDACTED },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    serializers: { err: pino.stdSerializers.err },
  };
  return opts.destination ? pino(options, opts.destination) : pino(options);
}
