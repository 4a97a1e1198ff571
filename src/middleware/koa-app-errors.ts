// Errors Koa reports outside the error handler (mostly a client that went away while a stream was written):
// one JSON log line each, expected disconnects at debug level — never Koa's multi-line console stack trace.
import type { Context } from 'koa';

interface AppErrorLog {
  debug(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** Error codes of a client that closed its connection (page closed, stream cut, proxy timeout). */
const DISCONNECT_CODES = new Set(['ERR_STREAM_PREMATURE_CLOSE', 'ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ERR_STREAM_DESTROYED', 'ERR_STREAM_WRITE_AFTER_END']);

export function isClientDisconnect(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  return (typeof e?.code === 'string' && DISCONNECT_CODES.has(e.code)) || e?.message === 'aborted';
}

/** The listener for `app.on('error')`; replaces Koa's default, which prints stacks to stderr. */
export function appErrorLogger(log: AppErrorLog): (err: unknown, ctx?: Context) => void {
  return function appErrorLogger(err, ctx) {
    const where = { requestId: ctx?.state?.requestId as string | undefined, path: ctx?.path };
    if (isClientDisconnect(err)) {
      log.debug({ ...where, code: (err as { code?: string }).code ?? 'aborted' }, 'client disconnected');
      return;
    }
    if ((err as { status?: number; expose?: boolean } | null)?.expose) return;
    log.error({ ...where, err }, 'response failed');
  };
}
