// Errors with stable codes: each knows its HTTP status and whether its message may be shown to users.
import type { MessageKey } from '../i18n/messages.js';

/** An error code: a key of the message catalogue (src/i18n/messages.ts), so a misspelt code fails the type check. */
export type ErrorCode = MessageKey;

export class AppError extends Error {
  constructor(
    /** Stable machine-readable code, e.g. `approval.expired`; also the i18n key of the user message. */
    readonly code: ErrorCode,
    readonly status: number = 400,
    /** Extra values for the user message (e.g. `{ until: '10:15' }`). */
    readonly params: Record<string, string | number> = {},
    /** Whether the message may be shown to the end user (never for internal errors). */
    readonly expose: boolean = status < 500,
  ) {
    super(code);
    this.name = 'AppError';
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}
