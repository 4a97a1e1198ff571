// Answering one sign-in request: options bound to this request and answer → the authenticator (user verification) →
// the decision. The list is redrawn first and the outcome shown on top, so a decided request is already gone from it.
import { ApiError } from '../api.js';
import { message } from '../dom.js';
import { assertionJson, ceremony, requestOptions, webAuthnSupported } from '../webauthn.js';

/**
 * Answers `item` ({approval, account}) with `decision` ('approve' | 'deny'), the chosen `number` (or null) and `notMe`.
 * `list` is the approvals screen's side: {busy, setBusy(busy), refresh(force) → Promise<problems>, showNotice(kind, text, problems)};
 * one answer at a time. Failures are shown in `errorSlot`; a request that is gone (404/409/410/422) redraws the list.
 */
export async function answerApproval(app, list, item, decision, number, notMe, errorSlot) {
  const { t, api } = app;
  if (list.busy()) return;
  const { approval, account } = item;
  const card = document.getElementById('approval-' + approval.id);
  const buttons = card ? [...card.querySelectorAll('button')] : [];
  list.setBusy(true);
  buttons.forEach((b) => (b.disabled = true));
  errorSlot.replaceChildren(message('info', t('approval.working')));
  try {
    if (!webAuthnSupported()) throw new ApiError(0, 'unsupported', t('error.unsupported'));
    const query = new window.URLSearchParams({ decision });
    if (number) query.set('number', number);
    if (notMe) query.set('notMe', '1');
    const options = await api('GET', '/approvals/' + encodeURIComponent(approval.id) + '/webauthn-options?' + query.toString(), { account });
    const credential = await ceremony(() => navigator.credentials.get({ publicKey: requestOptions(options) }), t);
    const result = await api('POST', '/approvals/' + encodeURIComponent(approval.id) + '/webauthn-decision', {
      account,
      body: { decision, number: number || null, notMe: Boolean(notMe), assertion: assertionJson(credential) },
    });
    const text = notMe ? t('approval.notMeDone') : result.status === 'approved' ? t('approval.approved', { client: approval.clientName }) : t('approval.denied', { client: approval.clientName });
    list.setBusy(false);
    // The list first, then the outcome: when the notice appears, the decided request is already gone from the list.
    const problems = await list.refresh(true);
    list.showNotice(result.status === 'approved' ? 'success' : 'info', text, problems);
    const notice = document.getElementById('approvals-notice');
    if (notice) {
      notice.setAttribute('tabindex', '-1');
      notice.focus();
    }
  } catch (error) {
    list.setBusy(false);
    buttons.forEach((b) => (b.disabled = false));
    errorSlot.replaceChildren(message('error', error instanceof ApiError ? error.message : t('error.generic')));
    // A decided, expired or unknown request is gone: show the list as it is now, with the reason on top.
    if (error instanceof ApiError && [404, 409, 410, 422].includes(error.status)) {
      const problems = await list.refresh(true);
      list.showNotice('error', error.message, problems);
    }
  }
}
