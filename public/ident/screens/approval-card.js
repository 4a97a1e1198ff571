// One open sign-in request as a card: who asks (relying party), for which account, when, from where; and the answers
// its number mode allows (type the number shown at the login, pick it among three, or just confirm), deny, or "not me".
import { h, message } from '../dom.js';

/**
 * The card for `item` ({approval, account}); `typedValue` keeps a number typed before a redraw. `answer(decision, number,
 * notMe, errorSlot)` is called with decision 'approve' or 'deny'; errorSlot is the card's place for messages.
 */
export function approvalCard(i18n, item, typedValue, answer) {
  const { t, dateFormat, timeFormat } = i18n;
  const { approval, account } = item;
  const id = approval.id;
  const headingId = 'approval-heading-' + id;
  const errorId = 'approval-error-' + id;
  const created = new Date(approval.createdAt);
  const facts = h(
    'dl',
    { class: 'facts' },
    h('dt', { text: t('approval.account') }),
    h('dd', { text: account.accountName + ' (' + account.accessNumber + ')' }),
    h('dt', { text: t('approval.time') }),
    h('dd', {}, h('time', { datetime: approval.createdAt, text: dateFormat.format(created) + ', ' + timeFormat.format(created) })),
    h('dt', { text: t('approval.ip') }),
    h('dd', { text: approval.ip }),
    h('dt', { text: t('approval.browser') }),
    h('dd', { text: approval.browser }),
  );
  const errorSlot = h('div', { id: errorId });
  const decide = (decision, number, notMe) => answer(decision, number, notMe, errorSlot);
  const controls = [];
  if (approval.numberMode === 'type') {
    const inputId = 'approval-number-' + id;
    const hintId = 'approval-hint-' + id;
    const input = h('input', { type: 'text', id: inputId, name: 'number', inputmode: 'numeric', autocomplete: 'off', pattern: '[0-9]*', maxlength: '10', 'data-approval': id, 'aria-describedby': hintId, value: typedValue });
    input.value = typedValue;
    const form = h(
      'form',
      {
        class: 'approve-form',
        novalidate: true,
        onsubmit: (event) => {
          event.preventDefault();
          const number = input.value.replace(/\s+/g, '');
          if (!number) {
            input.setAttribute('aria-invalid', 'true');
            errorSlot.replaceChildren(message('error', t('approval.numberMissing')));
            input.focus();
            return;
          }
          input.removeAttribute('aria-invalid');
          decide('approve', number, false);
        },
      },
      h('label', { for: inputId, text: t('approval.typeNumber') }),
      h('p', { class: 'muted small', id: hintId, text: t('approval.typeHint') }),
      input,
      h('button', { type: 'submit', class: 'primary', id: 'approve-' + id, text: t('approval.approve') }),
    );
    controls.push(form);
  } else if (approval.numberMode === 'pick' && approval.choices) {
    const pickId = 'approval-pick-' + id;
    controls.push(
      h('p', { id: pickId, text: t('approval.pickNumber') }),
      h(
        'div',
        { class: 'choices', role: 'group', 'aria-labelledby': pickId },
        approval.choices.map((choice) =>
          h('button', { type: 'button', class: 'choice', 'data-choice': choice, 'aria-label': t('approval.pickLabel', { number: choice }), onclick: () => decide('approve', choice, false), text: choice }),
        ),
      ),
    );
  } else {
    controls.push(h('button', { type: 'button', class: 'primary', id: 'approve-' + id, onclick: () => decide('approve', null, false), text: t('approval.approve') }));
  }
  controls.push(
    h(
      'div',
      { class: 'deny-actions' },
      h('button', { type: 'button', class: 'secondary', id: 'deny-' + id, onclick: () => decide('deny', null, false), text: t('approval.deny') }),
      h('button', { type: 'button', class: 'danger', id: 'notme-' + id, onclick: () => decide('deny', null, true), text: t('approval.notMe') }),
    ),
  );
  return h(
    'article',
    { class: 'approval', id: 'approval-' + id, 'aria-labelledby': headingId, tabindex: '-1' },
    h('h2', { id: headingId, text: t('approval.heading', { client: approval.clientName }) }),
    facts,
    h('p', { class: 'muted small', text: t('approval.expires', { time: timeFormat.format(new Date(approval.expiresAt)) }) }),
    errorSlot,
    ...controls,
  );
}
