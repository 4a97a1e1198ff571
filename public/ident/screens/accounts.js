// "Zugänge": the accounts enrolled in this browser, each with its access number, date and push state; push can be
// turned on later, and an account removed (after a confirmation) here and on the server.
import { busyButton, h, message } from '../dom.js';

/** The accounts screen; `show(notice?)` draws the list with an optional {kind, text} notice on top. */
export function createAccountsScreen(app) {
  const { t, api, accounts, mount } = app;

  async function show(notice) {
    const list = await accounts.list();
    const content = [];
    if (notice) content.push(message(notice.kind, notice.text));
    if (list.length === 0) {
      content.push(h('p', { class: 'intro', text: t('accounts.none') }));
    } else {
      content.push(h('p', { class: 'intro', text: t('accounts.intro') }));
      content.push(h('ul', { class: 'account-list' }, list.map((account) => h('li', {}, accountCard(account)))));
    }
    content.push(h('a', { class: 'button primary', href: '#enrol', id: 'accounts-add', text: '+ ' + t('nav.add') }));
    mount(t('accounts.heading'), ...content);
  }

  function accountCard(account) {
    const headingId = 'account-' + account.deviceId;
    const actions = h('div', { class: 'account-actions' });
    const removeButton = h('button', {
      type: 'button',
      class: 'danger',
      'aria-label': t('accounts.removeLabel', { number: account.accessNumber }),
      onclick: () => confirmRemove(),
      text: t('accounts.remove'),
    });
    actions.append(removeButton);
    const pushSlot = h('div', { class: 'push-slot' });
    if (!account.push) {
      const pushButton = h('button', { type: 'button', class: 'secondary', id: 'push-on-' + account.deviceId, onclick: () => turnPushOn(account, pushButton, pushSlot), text: t('accounts.pushOn') });
      pushSlot.append(pushButton);
    }
    function confirmRemove() {
      const question = h('p', { id: 'confirm-' + account.deviceId, text: t('accounts.confirmRemove', { number: account.accessNumber }) });
      const yes = h('button', { type: 'button', class: 'danger', onclick: () => remove(), text: t('accounts.confirmYes') });
      const no = h('button', { type: 'button', class: 'secondary', onclick: () => show(), text: t('accounts.cancel') });
      actions.replaceChildren(h('div', { class: 'alert alert-warning', role: 'group', 'aria-labelledby': 'confirm-' + account.deviceId }, question, h('div', { class: 'actions' }, yes, no)));
      yes.focus();
    }
    async function remove() {
      try {
        await api('DELETE', '/devices/' + encodeURIComponent(account.deviceId), { account });
      } catch (error) {
        // Removed elsewhere already (e.g. by the broker): forget it here too.
        if (error.code !== 'device.unknown') {
          actions.replaceChildren(message('error', error.message), removeButton);
          return;
        }
      }
      await accounts.forget(account.deviceId);
      await show({ kind: 'success', text: t('accounts.removed', { number: account.accessNumber }) });
    }
    return h(
      'article',
      { class: 'account', 'aria-labelledby': headingId },
      h('h2', { id: headingId, text: account.accountName }),
      h('p', { class: 'muted', text: t('accounts.accessNumber', { number: account.accessNumber }) }),
      h('p', { class: 'small', text: t('accounts.since', { date: app.i18n.dateFormat.format(new Date(account.createdAt)) }) + ' · ' + (account.push ? t('accounts.push') : t('accounts.noPush')) }),
      pushSlot,
      actions,
    );
  }

  /** Asks for notifications and stores the subscription for this account's device; says plainly when it is not possible. */
  async function turnPushOn(account, button, slot) {
    busyButton(button, true);
    const push = await app.pushSubscription();
    if (!push) {
      busyButton(button, false);
      slot.replaceChildren(message('error', t('accounts.pushUnavailable')), button);
      return;
    }
    try {
      await api('PUT', '/devices/' + encodeURIComponent(account.deviceId) + '/push', { account, body: { pushSubscription: push } });
    } catch (error) {
      busyButton(button, false);
      slot.replaceChildren(message('error', app.errorText(error)), button);
      return;
    }
    await accounts.save({ ...account, push: true });
    await show({ kind: 'success', text: t('accounts.pushDone', { number: account.accessNumber }) });
  }

  return { show };
}
