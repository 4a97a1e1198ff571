// "Freigabe": the open sign-in requests of every account in this browser, refreshed every few seconds while the page is
// visible. Only the newest refresh draws, so a request decided meanwhile never comes back. This screen owns its state.
import { h, message } from '../dom.js';
import { answerApproval } from './approval-answer.js';
import { approvalCard } from './approval-card.js';

const REFRESH_MS = 5000;

/**
 * The approvals screen: show(), stop() (when another screen is shown), refresh(force) and focusOn(approvalId) (the
 * request a notification or ?approval= points at gets the focus once it is listed).
 */
export function createApprovalsScreen(app, focusId) {
  const { t, accounts, mount } = app;
  // generation counts refreshes; a refresh answered after a newer one started (e.g. one begun before a decision) is stale.
  const state = { active: false, signature: '', busy: false, timer: null, list: null, updated: null, generation: 0, forceNext: false, latest: null, focusId };
  const side = { busy: () => state.busy, setBusy: (busy) => (state.busy = busy), refresh, showNotice };

  function stop() {
    state.active = false;
    if (state.timer) clearInterval(state.timer);
    state.timer = null;
  }

  async function show() {
    state.active = true;
    const list = await accounts.list();
    state.signature = '';
    state.list = h('div', { id: 'approval-list', 'aria-live': 'polite' });
    state.updated = h('p', { class: 'muted small', id: 'approvals-updated' });
    const noticeSlot = h('div', { id: 'approvals-notice' });
    if (list.length === 0) {
      mount(t('approvals.heading'), noticeSlot, h('p', { class: 'intro', text: t('approvals.noAccounts') }), h('a', { class: 'button primary', href: '#enrol', text: t('nav.add') }));
      return;
    }
    mount(
      t('approvals.heading'),
      noticeSlot,
      state.list,
      h('button', { type: 'button', class: 'secondary', id: 'approvals-refresh', onclick: () => refresh(true), text: t('approvals.refresh') }),
      state.updated,
    );
    state.list.append(h('p', { class: 'muted', text: t('approvals.loading') }));
    await refresh(true);
    state.timer = setInterval(() => {
      if (document.visibilityState === 'visible') refresh();
    }, REFRESH_MS);
  }

  function showNotice(kind, text, problems = []) {
    const slot = document.getElementById('approvals-notice');
    if (slot) slot.replaceChildren(message(kind, text), ...problems.map((problem) => message('error', problem)));
  }

  /**
   * Loads the open requests of every account and shows them. Only the newest refresh draws: one whose answers
   * arrive after a newer refresh began (say, one started before a decision) is dropped, so a decided request
   * never reappears. Resolves with the problems it met (already shown unless it was dropped).
   */
  function refresh(force) {
    if (!state.active || state.busy || !state.list) return Promise.resolve([]);
    const run = loadAndDraw(++state.generation, force);
    state.latest = run;
    return run;
  }

  async function loadAndDraw(generation, force) {
    const items = [];
    const problems = [];
    await Promise.all(
      (await accounts.list()).map(async (account) => {
        try {
          const body = await app.api('GET', '/approvals', { account });
          for (const approval of body.approvals) items.push({ approval, account });
        } catch (error) {
          if (error.code === 'device.unknown') {
            await accounts.forget(account.deviceId);
            problems.push(t('error.removedElsewhere', { number: account.accessNumber }));
          } else problems.push(error.message);
        }
      }),
    );
    const unique = [...new Set(problems)];
    if (generation !== state.generation) {
      // A newer refresh draws instead; it must draw even if nothing changed when this one was asked to.
      if (force) state.forceNext = true;
      await state.latest; // resolves once the list is drawn from the newer answers
      return unique;
    }
    if (!state.active || state.busy) return unique;
    items.sort((a, b) => a.approval.createdAt.localeCompare(b.approval.createdAt));
    if (unique.length) showNotice('error', unique.join(' '));
    state.updated.textContent = t('approvals.updated', { time: app.i18n.timeFormat.format(new Date()) });
    const signature = items.map((i) => i.approval.id).join(',');
    if (!force && !state.forceNext && signature === state.signature) return unique;
    state.forceNext = false;
    state.signature = signature;
    draw(items);
    return unique;
  }

  function draw(items) {
    const list = state.list;
    const typed = {};
    for (const input of list.querySelectorAll('input[data-approval]')) typed[input.getAttribute('data-approval')] = input.value;
    const hadFocus = list.contains(document.activeElement) ? document.activeElement.id : null;
    if (items.length === 0) {
      list.replaceChildren(h('p', { class: 'empty', text: t('approvals.none') }));
      return;
    }
    const answer = (item) => (decision, number, notMe, errorSlot) => answerApproval(app, side, item, decision, number, notMe, errorSlot);
    list.replaceChildren(h('ul', { class: 'approval-list' }, items.map((item) => h('li', {}, approvalCard(app.i18n, item, typed[item.approval.id] || '', answer(item))))));
    const target = (hadFocus && document.getElementById(hadFocus)) || (state.focusId && document.getElementById('approval-' + state.focusId));
    if (target) {
      const focusable = target.matches('input, button') ? target : target.querySelector('input, button');
      (focusable || target).focus();
      if (target.scrollIntoView) target.scrollIntoView({ block: 'nearest' });
    }
    if (state.focusId && document.getElementById('approval-' + state.focusId)) state.focusId = null;
  }

  return { show, stop, refresh, focusOn: (approvalId) => (state.focusId = approvalId) };
}
