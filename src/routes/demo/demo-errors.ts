// Turns IdP answers and openid-client failures into a short bilingual message plus a safe technical detail: never a stack trace.
import * as client from 'openid-client';
import type { DemoMessageKey } from './demo-messages.js';

export interface DemoFailure {
  /** The main message, a demo text key. */
  key: DemoMessageKey;
  /** A short technical detail (OAuth error code and description, or the library's error code). */
  detail?: string;
  status: number;
}

const MAX_DETAIL = 300;

function clip(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > MAX_DETAIL ? `${oneLine.slice(0, MAX_DETAIL)}…` : oneLine;
}

function oauthDetail(error: string, description?: string): string {
  return clip(description ? `${error}: ${description}` : error);
}

/** An error returned to the redirect URI (`?error=...`). */
export function fromAuthorizationError(error: string, description?: string): DemoFailure {
  return { key: error === 'access_denied' ? 'error.accessDenied' : 'error.idp', detail: oauthDetail(error, description), status: 400 };
}

/** fetch() failing to reach the server (by name, not instanceof: undici's errors may come from another realm). */
function isUnreachable(err: unknown): boolean {
  const e = err as { name?: unknown; message?: unknown; code?: unknown; cause?: { code?: unknown } } | undefined;
  if (!e || typeof e !== 'object') return false;
  const code = typeof e.cause?.code === 'string' ? e.cause.code : typeof e.code === 'string' ? e.code : '';
  return (e.name === 'TypeError' && typeof e.message === 'string' && /fetch failed/i.test(e.message))
    || /^(ECONNREFUSED|ENOTFOUND|ECONNRESET|ETIMEDOUT|EAI_AGAIN)$/.test(code)
    || e.name === 'TimeoutError' || e.name === 'AbortError';
}

/** Any failure of discovery, the code exchange, userinfo or the refresh grant; `fallback` says which step failed. */
export function describeFailure(err: unknown, fallback: DemoMessageKey): DemoFailure {
  if (err instanceof client.AuthorizationResponseError) return fromAuthorizationError(err.error, err.error_description);
  if (err instanceof client.ResponseBodyError) return { key: fallback, detail: oauthDetail(err.error, err.error_description), status: 400 };
  if (isUnreachable(err) || isUnreachable((err as { cause?: unknown } | undefined)?.cause)) return { key: 'error.unreachable', status: 502 };
  if (err instanceof client.ClientError) {
    const cause = err.cause instanceof Error && err.cause.message !== err.message ? err.cause.message : undefined;
    return { key: 'error.response', detail: clip([err.code, err.message, cause].filter(Boolean).join(': ')), status: 400 };
  }
  return { key: 'error.generic', status: 500 };
}

/** A short reason for a failed userinfo request, shown beside the otherwise successful login. */
export function shortReason(err: unknown): string {
  if (err instanceof client.ResponseBodyError) return oauthDetail(err.error, err.error_description);
  if (err instanceof client.WWWAuthenticateChallengeError) {
    const challenge = err.cause[0];
    return clip(challenge ? `${challenge.scheme} ${String(challenge.parameters.error ?? '')}` : `HTTP ${err.status}`);
  }
  if (err instanceof client.ClientError) return clip(err.code ?? err.message);
  return 'error';
}
