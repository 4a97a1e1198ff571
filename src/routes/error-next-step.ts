// The way on from an error page: the page of the flow the request belonged to, or what to do when there is none.
import type { MessageKey } from '../i18n/messages.js';

export interface NextStep {
  /** Where the button goes; absent when the way on is outside this service (the application). */
  href?: string;
  /** Message key of the button or hint. */
  label: MessageKey;
}

const UID = /^\/interaction\/([A-Za-z0-9_-]{1,128})(?:\/|$)/;

/** The next step after an error with `code` on a request for `path` (and its `interaction` query, if any). */
export function errorNextStep(path: string, code: string, query: Record<string, unknown> = {}): NextStep {
  const uid = UID.exec(path)?.[1];
  if (code === 'error.interactionExpired' || code.startsWith('oidc.')) return { label: 'error.next.app' };
  if (uid) return { href: `/interaction/${uid}`, label: 'notice.back' };
  if (path.startsWith('/password/')) {
    const interaction = typeof query.interaction === 'string' && /^[A-Za-z0-9_-]{8,128}$/.test(query.interaction) ? query.interaction : null;
    return { href: `/password/forgot${interaction ? `?interaction=${interaction}` : ''}`, label: 'error.next.password' };
  }
  if (path === '/account' || path.startsWith('/account/')) return { href: '/account', label: 'error.next.account' };
  if (path === '/demo' || path.startsWith('/demo/')) return { href: '/demo', label: 'error.next.demo' };
  return { label: 'error.next.app' };
}
