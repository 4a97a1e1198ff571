// Recognises "a dependency is down or hung" (Redis via ioredis, MongoDB via mongoose, a refused/reset socket),
// so that callers answer 503 error.unavailable (try again) instead of 500 error.generic (our bug).

/** Node socket error codes that mean the other side is not reachable (or went away mid-request). */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTCONN', 'EAI_AGAIN']);

/** Error class names of ioredis and the MongoDB driver / mongoose for a lost or unreachable server. */
const OUTAGE_NAMES = new Set([
  'MaxRetriesPerRequestError',
  'ClusterAllFailedError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoServerSelectionError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongooseServerSelectionError',
]);

/**
 * ioredis rejects commands with plain Errors whose messages are fixed strings (ioredis 5: built/Command.js
 * "Command timed out" for commandTimeout — a hung server; built/utils CONNECTION_CLOSED_ERROR_MSG; built/Redis.js
 * when the offline queue is off). These are the only texts matched, and only from the start of the message.
 */
const IOREDIS_MESSAGES = ['Command timed out', 'Connection is closed.', "Stream isn't writeable", 'Reached the max retries per request limit'];

/** True when `err` (or its `cause`, up to 3 levels) says a store or network dependency is unavailable. */
export function isDependencyOutage(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== 'object' || depth > 3) return false;
  const e = err as { name?: unknown; code?: unknown; message?: unknown; cause?: unknown };
  if (typeof e.name === 'string' && OUTAGE_NAMES.has(e.name)) return true;
  if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return true;
  if (typeof e.message === 'string' && IOREDIS_MESSAGES.some((m) => (e.message as string).startsWith(m))) return true;
  return isDependencyOutage(e.cause, depth + 1);
}
