// The financeIDENT web app's entry and router: enrol accounts (device key + WebAuthn credential + Web Push), list and
// answer approvals. No framework, no inline script or style (strict CSP); texts come from the page's JSON block #i18n.
// Each screen is a module under screens/ that owns its state; this file wires them to the page and the URL hash.
import { createApi, errorText } from './api.js';
import { mounter } from './dom.js';
import { createI18n } from './i18n.js';
import { pushSubscriber, startServiceWorker } from './push.js';
import { openAccountStore } from './storage.js';
import { createAccountsScreen } from './screens/accounts.js';
import { createApprovalsScreen } from './screens/approvals.js';
import { createEnrolScreen } from './screens/enrol.js';

const SCREENS = ['approvals', 'accounts', 'enrol'];

function start() {
  const root = document.getElementById('app');
  const tabbar = document.getElementById('tabbar');
  const lang = root.getAttribute('data-lang') === 'en' ? 'en' : 'de';
  const i18n = createI18n(JSON.parse(document.getElementById('i18n').textContent || '{}'), lang);
  const { t } = i18n;
  const params = new window.URLSearchParams(location.search);

  const swRegistration = startServiceWorker((data) => {
    if (data.type === 'open-approval' && data.approvalId) {
      approvals.focusOn(data.approvalId);
      go('approvals');
    }
    if (data.type === 'approval' || data.type === 'open-approval') approvals.refresh();
  });
  const app = {
    i18n,
    t,
    params,
    api: createApi(location.origin + '/ident/api', i18n),
    errorText: (error) => errorText(i18n, error),
    accounts: openAccountStore(),
    mount: mounter(root),
    pushSubscription: pushSubscriber(swRegistration, root.getAttribute('data-vapid-key') || ''),
  };
  const approvals = createApprovalsScreen(app, params.get('approval') || null);
  const accounts = createAccountsScreen(app);
  const enrol = createEnrolScreen(app);

  function setTabs(active) {
    tabbar.hidden = false;
    for (const link of tabbar.querySelectorAll('a')) {
      if (link.getAttribute('data-screen') === active) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
  }

  function show(name) {
    approvals.stop();
    setTabs(name);
    if (name === 'accounts') return accounts.show();
    if (name === 'enrol') return enrol.show();
    return approvals.show();
  }

  function go(name) {
    if (location.hash !== '#' + name) window.history.replaceState(null, '', location.pathname + location.search + '#' + name);
    show(name);
  }

  document.getElementById('tab-approvals').textContent = t('nav.approvals');
  document.getElementById('tab-accounts').textContent = t('nav.accounts');
  document.querySelector('#tab-enrol .tab-text').textContent = t('nav.addShort');
  tabbar.setAttribute('aria-label', t('nav.label'));

  window.addEventListener('hashchange', () => show(location.hash.slice(1) || 'approvals'));
  window.addEventListener('focus', () => approvals.refresh());
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') approvals.refresh();
  });

  (async () => {
    let first = location.hash.slice(1);
    if (!SCREENS.includes(first)) {
      const list = await app.accounts.list();
      first = params.get('enrol') || list.length === 0 ? 'enrol' : 'approvals';
      if (params.get('approval')) first = 'approvals';
    }
    go(first);
  })();
}

start();
