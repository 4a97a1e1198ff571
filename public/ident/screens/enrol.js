// "Zugang hinzufügen": login id and password → the activation code from the SMS → this browser enrolled → done.
// Says only what happened: "sent" only when the SMS provider accepted the message.
import { busyButton, field, h, message } from '../dom.js';
import { enrol } from '../enrolment.js';

/** The enrolment screens; `show(notice?)` starts at the login form (prefilled from ?enrol=). */
export function createEnrolScreen(app) {
  const { t, api, mount } = app;

  function showLogin(notice) {
    const errorSlot = h('div', { id: 'enrol-error' });
    if (notice) errorSlot.append(message(notice.kind, notice.text));
    const submit = h('button', { type: 'submit', class: 'primary', id: 'enrol-submit', text: t('enrol.submit') });
    const form = h(
      'form',
      {
        id: 'enrol-form',
        novalidate: true,
        onsubmit: async (event) => {
          event.preventDefault();
          const loginId = form.elements.loginId.value.trim();
          const password = form.elements.password.value;
          if (!loginId || !password) {
            errorSlot.replaceChildren(message('error', t('enrol.missingFields')));
            (loginId ? form.elements.password : form.elements.loginId).focus();
            return;
          }
          busyButton(submit, true);
          try {
            const started = await api('POST', '/enrolments', { body: { loginId, password } });
            showCode(started);
          } catch (error) {
            busyButton(submit, false);
            errorSlot.replaceChildren(message('error', app.errorText(error)));
            form.elements.password.focus();
          }
        },
      },
      ...field('loginId', t('enrol.loginId'), { type: 'text', autocomplete: 'username', required: true, value: app.params.get('enrol') || '' }),
      ...field('password', t('enrol.password'), { type: 'password', autocomplete: 'current-password', required: true }),
      submit,
    );
    mount(t('enrol.heading'), h('p', { class: 'intro', text: t('enrol.intro') }), errorSlot, form);
    const prefilled = form.elements.loginId.value;
    if (prefilled) form.elements.password.focus();
  }

  function showCode(started) {
    // Say only what happened: "sent" only when the SMS provider accepted the message (delivery 'sent').
    const codeIntro = () => t(started.delivery === 'unknown' ? 'enrol.codeUnconfirmed' : 'enrol.codeIntro', { mobile: started.mobile });
    const errorSlot = h('div', { id: 'enrol-error' });
    const status = h('p', { class: 'muted small', id: 'enrol-status', role: 'status' });
    const submit = h('button', { type: 'submit', class: 'primary', id: 'enrol-register', text: t('enrol.register') });
    const form = h(
      'form',
      {
        id: 'code-form',
        novalidate: true,
        onsubmit: async (event) => {
          event.preventDefault();
          const code = form.elements.code.value.replace(/\s+/g, '');
          if (!/^\d{4,10}$/.test(code)) {
            form.elements.code.setAttribute('aria-invalid', 'true');
            errorSlot.replaceChildren(message('error', t('enrol.codeInvalid', { digits: started.codeLength || 6 })));
            form.elements.code.focus();
            return;
          }
          form.elements.code.removeAttribute('aria-invalid');
          busyButton(submit, true);
          errorSlot.replaceChildren();
          status.textContent = t('enrol.working');
          try {
            const account = await enrol(app, started, code);
            showDone(account);
          } catch (error) {
            busyButton(submit, false);
            status.textContent = '';
            if (error.code === 'enrolment.codeExpired' || error.code === 'enrolment.tooManyTries') {
              showLogin({ kind: 'error', text: error.message });
              return;
            }
            errorSlot.replaceChildren(message('error', error.message));
            form.elements.code.focus();
          }
        },
      },
      ...field('code', t('enrol.code'), { type: 'text', inputmode: 'numeric', autocomplete: 'one-time-code', pattern: '[0-9]*', maxlength: String(started.codeLength || 10), required: true, 'aria-describedby': 'code-hint' }),
      h('p', { class: 'muted small', id: 'code-hint', text: t('enrol.codeHint') }),
      submit,
      status,
    );
    mount(
      t('enrol.codeHeading'),
      h('p', { class: 'intro', text: codeIntro() }),
      errorSlot,
      form,
      h('button', { type: 'button', class: 'secondary', onclick: () => showLogin(), text: t('enrol.back') }),
    );
    form.elements.code.focus();
  }

  function showDone(account) {
    mount(
      t('enrol.doneHeading'),
      message('success', t('enrol.done', { number: account.accessNumber, name: account.accountName })),
      h('p', { id: 'enrol-push', text: account.push ? t('enrol.donePush') : t('enrol.doneNoPush') }),
      account.push ? null : h('a', { class: 'button secondary', href: '#accounts', id: 'enrol-push-later', text: t('enrol.pushLater') }),
      h('a', { class: 'button primary', href: '#approvals', id: 'enrol-done', text: t('enrol.toApprovals') }),
    );
  }

  return { show: showLogin };
}
