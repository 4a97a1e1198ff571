// The financeIDENT web app: enrol accounts (device key + WebAuthn credential + Web Push), list and answer approvals.
// No framework, no inline script or style (strict CSP). Texts come from the page's JSON block #i18n.

const root = document.getElementById('app');
const tabbar = document.getElementById('tabbar');
const LANG = root.getAttribute('data-lang') === 'en' ? 'en' : 'de';
const VAPID_KEY = root.getAttribute('data-vapid-key') || '';
const TEXT = JSON.parse(document.getElementById('i18n').textContent || '{}');
const API = location.origin + '/ident/api';
const LOCALE = LANG === 'de' ? 'de-DE' : 'en-GB';
const REFRESH_MS = 5000;
const PUSH_TIMEOUT_MS = 3000;
const history = window.history;

function t(key, params) {
  const text = TEXT[key] || TEXT['error.generic'] || key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (params && params[name] !== undefined ? String(params[name]) : '{' + name + '}'));
}

// ---------- small helpers ----------

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), value);
    else if (name === 'text') el.textContent = value;
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof window.Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

function bytesToB64url(input) {
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  let binary = '';
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function b64urlToBytes(text) {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((text.length + 3) % 4);
  const binary = atob(b64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

const utf8 = (text) => new TextEncoder().encode(text);
const jsonB64url = (value) => bytesToB64url(utf8(JSON.stringify(value)));

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timeout')), ms);
    Promise.resolve(promise).then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

const timeFormat = new Intl.DateTimeFormat(LOCALE, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const dateFormat = new Intl.DateTimeFormat(LOCALE, { day: '2-digit', month: '2-digit', year: 'numeric' });

// ---------- local storage of accounts (IndexedDB; the private key is a non-extractable CryptoKey) ----------

let dbPromise = null;
function db() {
  if (!dbPromise) {
    dbPromise = new Promise((resolve, reject) => {
      const request = indexedDB.open('financeident', 1);
      request.onupgradeneeded = () => request.result.createObjectStore('accounts', { keyPath: 'deviceId' });
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }
  return dbPromise;
}

async function store(mode, action) {
  const database = await db();
  return new Promise((resolve, reject) => {
    const tx = database.transaction('accounts', mode);
    const request = action(tx.objectStore('accounts'));
    tx.oncomplete = () => resolve(request ? request.result : undefined);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

const listAccounts = async () => ((await store('readonly', (s) => s.getAll())) || []).sort((a, b) => a.createdAt - b.createdAt);
const saveAccount = (account) => store('readwrite', (s) => s.put(account));
const forgetAccount = (deviceId) => store('readwrite', (s) => s.delete(deviceId));

// ---------- the device API ----------

class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details || {};
  }
}

const clockFormat = new Intl.DateTimeFormat(LOCALE, { hour: '2-digit', minute: '2-digit' });

/** The text for an API error; times in it are shown in this device's local time ("ab 09:44 Uhr"). */
function errorText(error) {
  if (error.code === 'login.locked' && error.details && error.details.until) {
    const until = new Date(error.details.until);
    if (!isNaN(until.getTime())) return t('error.locked', { time: clockFormat.format(until) });
  }
  return error.message;
}

/** A fresh device JWS (ES256, typ fi-device+jwt, kid = device id, one-time jti). */
async function deviceToken(account) {
  const header = { alg: 'ES256', typ: 'fi-device+jwt', kid: account.deviceId };
  const payload = { aud: API, iat: Math.floor(Date.now() / 1000), jti: bytesToB64url(crypto.getRandomValues(new Uint8Array(18))) };
  const input = jsonB64url(header) + '.' + jsonB64url(payload);
  const signature = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, account.privateKey, utf8(input));
  return input + '.' + bytesToB64url(signature);
}

async function api(method, path, options) {
  const opts = options || {};
  const headers = { accept: 'application/json', 'accept-language': LANG };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (opts.account) headers.authorization = 'Device ' + (await deviceToken(opts.account));
  let response;
  try {
    response = await fetch(API + path, { method, headers, credentials: 'same-origin', body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
  } catch {
    throw new ApiError(0, 'network', t('error.network'));
  }
  if (response.status === 204) return null;
  let json = {};
  try {
    json = await response.json();
  } catch {
    json = {};
  }
  if (!response.ok) throw new ApiError(response.status, json.error || 'http', json.message || t('error.generic'), json.details);
  return json;
}

// ---------- WebAuthn (JSON options from the server <-> the browser's binary API) ----------

function creationOptions(json) {
  return {
    ...json,
    challenge: b64urlToBytes(json.challenge),
    user: { ...json.user, id: b64urlToBytes(json.user.id) },
    excludeCredentials: (json.excludeCredentials || []).map((c) => ({ ...c, id: b64urlToBytes(c.id) })),
  };
}

function requestOptions(json) {
  return { ...json, challenge: b64urlToBytes(json.challenge), allowCredentials: (json.allowCredentials || []).map((c) => ({ ...c, id: b64urlToBytes(c.id) })) };
}

function credentialJson(credential, response) {
  const out = { id: credential.id, rawId: bytesToB64url(credential.rawId), type: credential.type, response, clientExtensionResults: credential.getClientExtensionResults() };
  if (credential.authenticatorAttachment) out.authenticatorAttachment = credential.authenticatorAttachment;
  return out;
}

function registrationJson(credential) {
  const r = credential.response;
  const response = { clientDataJSON: bytesToB64url(r.clientDataJSON), attestationObject: bytesToB64url(r.attestationObject) };
  if (typeof r.getTransports === 'function') response.transports = r.getTransports();
  return credentialJson(credential, response);
}

function assertionJson(credential) {
  const r = credential.response;
  const response = { clientDataJSON: bytesToB64url(r.clientDataJSON), authenticatorData: bytesToB64url(r.authenticatorData), signature: bytesToB64url(r.signature) };
  if (r.userHandle) response.userHandle = bytesToB64url(r.userHandle);
  return credentialJson(credential, response);
}

const webAuthnSupported = () => typeof PublicKeyCredential !== 'undefined' && !!navigator.credentials;

/** Runs a WebAuthn ceremony; a refusal by the user or the authenticator becomes a clear message. */
async function ceremony(run) {
  try {
    const credential = await run();
    if (!credential) throw new Error('no credential');
    return credential;
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw new ApiError(0, 'webauthn.cancelled', t('error.webauthnCancelled'));
  }
}

// ---------- service worker and Web Push ----------

let swRegistration = null;
if ('serviceWorker' in navigator) {
  swRegistration = navigator.serviceWorker.register('/ident/sw.js', { scope: '/ident/' }).catch(() => null);
  navigator.serviceWorker.addEventListener('message', (event) => {
    const data = event.data || {};
    if (data.type === 'open-approval' && data.approvalId) {
      focusApprovalId = data.approvalId;
      go('approvals');
    }
    if (data.type === 'approval' || data.type === 'open-approval') refreshApprovals();
  });
}

/**
 * A push subscription when notifications are (or can be) allowed; null otherwise. Never waits long:
 * `subscribe` may never settle (no push service), so the app goes on without push after a few seconds.
 */
async function pushSubscription() {
  try {
    if (!swRegistration || !('PushManager' in window) || !('Notification' in window) || !VAPID_KEY) return null;
    let permission = Notification.permission;
    if (permission === 'default') permission = await withTimeout(Notification.requestPermission(), 60000);
    if (permission !== 'granted') return null;
    const registration = await withTimeout(swRegistration, PUSH_TIMEOUT_MS);
    if (!registration) return null;
    let subscription = await withTimeout(registration.pushManager.getSubscription(), PUSH_TIMEOUT_MS).catch(() => null);
    if (!subscription) {
      subscription = await withTimeout(registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: b64urlToBytes(VAPID_KEY) }), PUSH_TIMEOUT_MS);
    }
    const json = typeof subscription.toJSON === 'function' ? subscription.toJSON() : subscription;
    if (!json || typeof json.endpoint !== 'string' || !json.endpoint.startsWith('https://') || !json.keys) return null;
    return { endpoint: json.endpoint, keys: { p256dh: json.keys.p256dh, auth: json.keys.auth } };
  } catch {
    return null;
  }
}

function deviceFacts() {
  const ua = navigator.userAgent;
  const browser = /Edg\/(\d+)/.exec(ua) ? ['Edge', /Edg\/(\d+)/.exec(ua)[1]] : /Firefox\/(\d+)/.exec(ua) ? ['Firefox', /Firefox\/(\d+)/.exec(ua)[1]] : /Chrom(?:e|ium)\/(\d+)/.exec(ua) ? ['Chrome', /Chrom(?:e|ium)\/(\d+)/.exec(ua)[1]] : /Version\/(\d+).*Safari/.exec(ua) ? ['Safari', /Version\/(\d+)/.exec(ua)[1]] : ['Browser', '1'];
  const os = /Android/.test(ua) ? 'Android' : /iPhone|iPad|iPod/.test(ua) ? 'iOS' : /Mac OS X/.test(ua) ? 'macOS' : /Windows/.test(ua) ? 'Windows' : /Linux/.test(ua) ? 'Linux' : '';
  return { name: ('Web-App ' + browser[0] + (os ? (LANG === 'de' ? ' auf ' : ' on ') + os : '')).slice(0, 100), platform: 'web', osVersion: (browser[0] + ' ' + browser[1]).slice(0, 20) };
}

// ---------- screens ----------

let screen = null;
let focusApprovalId = null;
const params = new window.URLSearchParams(location.search);
if (params.get('approval')) focusApprovalId = params.get('approval');

function message(kind, text) {
  const role = kind === 'error' ? 'alert' : 'status';
  return h('div', { class: 'alert alert-' + kind, role }, h('p', { text }));
}

/** Replaces the screen's content and moves focus to its heading (screen readers announce the new screen). */
function mount(title, ...content) {
  const heading = h('h1', { id: 'screen-heading', tabindex: '-1', text: title });
  root.replaceChildren(heading, ...content);
  document.title = title + ' – financeIDENT';
  heading.focus();
}

function setTabs(active) {
  tabbar.hidden = false;
  for (const link of tabbar.querySelectorAll('a')) {
    if (link.getAttribute('data-screen') === active) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

function go(name) {
  if (location.hash !== '#' + name) history.replaceState(null, '', location.pathname + location.search + '#' + name);
  show(name);
}

async function show(name) {
  screen = name;
  stopRefresh();
  setTabs(name);
  if (name === 'accounts') return showAccounts();
  if (name === 'enrol') return showEnrolLogin();
  return showApprovals();
}

// ----- Freigabe -----

// generation: counts refreshes; a refresh answered after a newer one started (e.g. one begun before a decision) is stale.
const approvalState = { signature: '', notice: null, busy: false, timer: null, list: null, updated: null, generation: 0, forceNext: false, latest: null };

function stopRefresh() {
  if (approvalState.timer) clearInterval(approvalState.timer);
  approvalState.timer = null;
}

async function showApprovals() {
  const accounts = await listAccounts();
  approvalState.signature = '';
  approvalState.list = h('div', { id: 'approval-list', 'aria-live': 'polite' });
  approvalState.updated = h('p', { class: 'muted small', id: 'approvals-updated' });
  const noticeSlot = h('div', { id: 'approvals-notice' });
  if (approvalState.notice) noticeSlot.append(message(approvalState.notice.kind, approvalState.notice.text));
  approvalState.notice = null;
  if (accounts.length === 0) {
    mount(t('approvals.heading'), noticeSlot, h('p', { class: 'intro', text: t('approvals.noAccounts') }), h('a', { class: 'button primary', href: '#enrol', text: t('nav.add') }));
    return;
  }
  mount(
    t('approvals.heading'),
    noticeSlot,
    approvalState.list,
    h('button', { type: 'button', class: 'secondary', id: 'approvals-refresh', onclick: () => refreshApprovals(true), text: t('approvals.refresh') }),
    approvalState.updated,
  );
  approvalState.list.append(h('p', { class: 'muted', text: t('approvals.loading') }));
  await refreshApprovals(true);
  approvalState.timer = setInterval(() => {
    if (document.visibilityState === 'visible') refreshApprovals();
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
function refreshApprovals(force) {
  if (screen !== 'approvals' || approvalState.busy || !approvalState.list) return Promise.resolve([]);
  const run = loadAndDrawApprovals(++approvalState.generation, force);
  approvalState.latest = run;
  return run;
}

async function loadAndDrawApprovals(generation, force) {
  const accounts = await listAccounts();
  const items = [];
  const problems = [];
  await Promise.all(
    accounts.map(async (account) => {
      try {
        const body = await api('GET', '/approvals', { account });
        for (const approval of body.approvals) items.push({ approval, account });
      } catch (error) {
        if (error.code === 'device.unknown') {
          await forgetAccount(account.deviceId);
          problems.push(t('error.removedElsewhere', { number: account.accessNumber }));
        } else problems.push(error.message);
      }
    }),
  );
  const unique = [...new Set(problems)];
  if (generation !== approvalState.generation) {
    // A newer refresh draws instead; it must draw even if nothing changed when this one was asked to.
    if (force) approvalState.forceNext = true;
    await approvalState.latest; // resolves once the list is drawn from the newer answers
    return unique;
  }
  if (screen !== 'approvals' || approvalState.busy) return unique;
  items.sort((a, b) => a.approval.createdAt.localeCompare(b.approval.createdAt));
  if (unique.length) showNotice('error', unique.join(' '));
  approvalState.updated.textContent = t('approvals.updated', { time: timeFormat.format(new Date()) });
  const signature = items.map((i) => i.approval.id).join(',');
  if (!force && !approvalState.forceNext && signature === approvalState.signature) return unique;
  approvalState.forceNext = false;
  approvalState.signature = signature;
  renderApprovalList(items);
  return unique;
}

function renderApprovalList(items) {
  const list = approvalState.list;
  const typed = {};
  for (const input of list.querySelectorAll('input[data-approval]')) typed[input.getAttribute('data-approval')] = input.value;
  const hadFocus = list.contains(document.activeElement) ? document.activeElement.id : null;
  if (items.length === 0) {
    list.replaceChildren(h('p', { class: 'empty', text: t('approvals.none') }));
    return;
  }
  list.replaceChildren(h('ul', { class: 'approval-list' }, items.map((item) => h('li', {}, approvalCard(item, typed[item.approval.id] || '')))));
  const target = (hadFocus && document.getElementById(hadFocus)) || (focusApprovalId && document.getElementById('approval-' + focusApprovalId));
  if (target) {
    const focusable = target.matches('input, button') ? target : target.querySelector('input, button');
    (focusable || target).focus();
    if (target.scrollIntoView) target.scrollIntoView({ block: 'nearest' });
  }
  if (focusApprovalId && document.getElementById('approval-' + focusApprovalId)) focusApprovalId = null;
}

function approvalCard(item, typedValue) {
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
  const answer = (decision, number, notMe) => answerApproval(item, decision, number, notMe, errorSlot);
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
          answer('approve', number, false);
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
          h('button', { type: 'button', class: 'choice', 'data-choice': choice, 'aria-label': t('approval.pickLabel', { number: choice }), onclick: () => answer('approve', choice, false), text: choice }),
        ),
      ),
    );
  } else {
    controls.push(h('button', { type: 'button', class: 'primary', id: 'approve-' + id, onclick: () => answer('approve', null, false), text: t('approval.approve') }));
  }
  controls.push(
    h(
      'div',
      { class: 'deny-actions' },
      h('button', { type: 'button', class: 'secondary', id: 'deny-' + id, onclick: () => answer('deny', null, false), text: t('approval.deny') }),
      h('button', { type: 'button', class: 'danger', id: 'notme-' + id, onclick: () => answer('deny', null, true), text: t('approval.notMe') }),
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

/** One answer: options bound to this approval and answer → the authenticator (user verification) → the decision. */
async function answerApproval(item, decision, number, notMe, errorSlot) {
  if (approvalState.busy) return;
  const { approval, account } = item;
  const card = document.getElementById('approval-' + approval.id);
  const buttons = card ? [...card.querySelectorAll('button')] : [];
  approvalState.busy = true;
  buttons.forEach((b) => (b.disabled = true));
  errorSlot.replaceChildren(message('info', t('approval.working')));
  try {
    if (!webAuthnSupported()) throw new ApiError(0, 'unsupported', t('error.unsupported'));
    const query = new window.URLSearchParams({ decision });
    if (number) query.set('number', number);
    if (notMe) query.set('notMe', '1');
    const options = await api('GET', '/approvals/' + encodeURIComponent(approval.id) + '/webauthn-options?' + query.toString(), { account });
    const credential = await ceremony(() => navigator.credentials.get({ publicKey: requestOptions(options) }));
    const result = await api('POST', '/approvals/' + encodeURIComponent(approval.id) + '/webauthn-decision', {
      account,
      body: { decision, number: number || null, notMe: Boolean(notMe), assertion: assertionJson(credential) },
    });
    const text = notMe ? t('approval.notMeDone') : result.status === 'approved' ? t('approval.approved', { client: approval.clientName }) : t('approval.denied', { client: approval.clientName });
    approvalState.busy = false;
    // The list first, then the outcome: when the notice appears, the decided request is already gone from the list.
    const problems = await refreshApprovals(true);
    showNotice(result.status === 'approved' ? 'success' : 'info', text, problems);
    const notice = document.getElementById('approvals-notice');
    if (notice) {
      notice.setAttribute('tabindex', '-1');
      notice.focus();
    }
  } catch (error) {
    approvalState.busy = false;
    buttons.forEach((b) => (b.disabled = false));
    errorSlot.replaceChildren(message('error', error instanceof ApiError ? error.message : t('error.generic')));
    // A decided, expired or unknown request is gone: show the list as it is now, with the reason on top.
    if (error instanceof ApiError && [404, 409, 410, 422].includes(error.status)) {
      const problems = await refreshApprovals(true);
      showNotice('error', error.message, problems);
    }
  }
}

// ----- Zugänge -----

async function showAccounts(notice) {
  const accounts = await listAccounts();
  const content = [];
  if (notice) content.push(message(notice.kind, notice.text));
  if (accounts.length === 0) {
    content.push(h('p', { class: 'intro', text: t('accounts.none') }));
  } else {
    content.push(h('p', { class: 'intro', text: t('accounts.intro') }));
    content.push(h('ul', { class: 'account-list' }, accounts.map((account) => h('li', {}, accountCard(account)))));
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
    const no = h('button', { type: 'button', class: 'secondary', onclick: () => showAccounts(), text: t('accounts.cancel') });
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
    await forgetAccount(account.deviceId);
    await showAccounts({ kind: 'success', text: t('accounts.removed', { number: account.accessNumber }) });
  }
  return h(
    'article',
    { class: 'account', 'aria-labelledby': headingId },
    h('h2', { id: headingId, text: account.accountName }),
    h('p', { class: 'muted', text: t('accounts.accessNumber', { number: account.accessNumber }) }),
    h('p', { class: 'small', text: t('accounts.since', { date: dateFormat.format(new Date(account.createdAt)) }) + ' · ' + (account.push ? t('accounts.push') : t('accounts.noPush')) }),
    pushSlot,
    actions,
  );
}

/** Asks for notifications and stores the subscription for this account's device; says plainly when it is not possible. */
async function turnPushOn(account, button, slot) {
  busyButton(button, true);
  const push = await pushSubscription();
  if (!push) {
    busyButton(button, false);
    slot.replaceChildren(message('error', t('accounts.pushUnavailable')), button);
    return;
  }
  try {
    await api('PUT', '/devices/' + encodeURIComponent(account.deviceId) + '/push', { account, body: { pushSubscription: push } });
  } catch (error) {
    busyButton(button, false);
    slot.replaceChildren(message('error', errorText(error)), button);
    return;
  }
  await saveAccount({ ...account, push: true });
  await showAccounts({ kind: 'success', text: t('accounts.pushDone', { number: account.accessNumber }) });
}

// ----- Enrolment: login id + password → SMS code → device key, WebAuthn credential, push → done -----

function field(id, label, attrs) {
  return [h('label', { for: id, text: label }), h('input', { id, name: id, ...attrs })];
}

function busyButton(button, busy) {
  button.disabled = busy;
  button.setAttribute('aria-busy', busy ? 'true' : 'false');
}

function showEnrolLogin(notice) {
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
          showEnrolCode(started);
        } catch (error) {
          busyButton(submit, false);
          errorSlot.replaceChildren(message('error', errorText(error)));
          form.elements.password.focus();
        }
      },
    },
    ...field('loginId', t('enrol.loginId'), { type: 'text', autocomplete: 'username', required: true, value: params.get('enrol') || '' }),
    ...field('password', t('enrol.password'), { type: 'password', autocomplete: 'current-password', required: true }),
    submit,
  );
  mount(t('enrol.heading'), h('p', { class: 'intro', text: t('enrol.intro') }), errorSlot, form);
  const prefilled = form.elements.loginId.value;
  if (prefilled) form.elements.password.focus();
}

function showEnrolCode(started) {
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
          const account = await enrol(started, code);
          showEnrolDone(account);
        } catch (error) {
          busyButton(submit, false);
          status.textContent = '';
          if (error.code === 'enrolment.codeExpired' || error.code === 'enrolment.tooManyTries') {
            showEnrolLogin({ kind: 'error', text: error.message });
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
    h('button', { type: 'button', class: 'secondary', onclick: () => showEnrolLogin(), text: t('enrol.back') }),
  );
  form.elements.code.focus();
}

async function enrol(started, code) {
  if (!webAuthnSupported() || !crypto.subtle) throw new ApiError(0, 'unsupported', t('error.unsupported'));
  const id = encodeURIComponent(started.enrolmentId);
  // The device key signs API requests; it never leaves this browser (non-extractable, kept in IndexedDB).
  const keys = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
  const publicJwk = await crypto.subtle.exportKey('jwk', keys.publicKey);
  const options = await api('POST', '/enrolments/' + id + '/webauthn-options', { body: {} });
  const credential = await ceremony(() => navigator.credentials.create({ publicKey: creationOptions(options) }));
  const push = await pushSubscription();
  const facts = deviceFacts();
  const result = await api('POST', '/enrolments/' + id + '/complete', {
    body: {
      code,
      publicKeyJwk: { kty: 'EC', crv: 'P-256', x: publicJwk.x, y: publicJwk.y },
      pushSubscription: push,
      name: facts.name,
      platform: facts.platform,
      osVersion: facts.osVersion,
      webauthn: registrationJson(credential),
    },
  });
  const account = {
    deviceId: result.deviceId,
    accessNumber: result.account.accessNumber,
    accountName: result.account.name,
    privateKey: keys.privateKey,
    credentialId: credential.id,
    push: Boolean(push),
    createdAt: Date.now(),
  };
  await saveAccount(account);
  return account;
}

function showEnrolDone(account) {
  mount(
    t('enrol.doneHeading'),
    message('success', t('enrol.done', { number: account.accessNumber, name: account.accountName })),
    h('p', { id: 'enrol-push', text: account.push ? t('enrol.donePush') : t('enrol.doneNoPush') }),
    account.push ? null : h('a', { class: 'button secondary', href: '#accounts', id: 'enrol-push-later', text: t('enrol.pushLater') }),
    h('a', { class: 'button primary', href: '#approvals', id: 'enrol-done', text: t('enrol.toApprovals') }),
  );
}

// ---------- start ----------

document.getElementById('tab-approvals').textContent = t('nav.approvals');
document.getElementById('tab-accounts').textContent = t('nav.accounts');
document.querySelector('#tab-enrol .tab-text').textContent = t('nav.addShort');
tabbar.setAttribute('aria-label', t('nav.label'));

window.addEventListener('hashchange', () => show(location.hash.slice(1) || 'approvals'));
window.addEventListener('focus', () => refreshApprovals());
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible') refreshApprovals();
});

(async () => {
  let first = location.hash.slice(1);
  if (!['approvals', 'accounts', 'enrol'].includes(first)) {
    const accounts = await listAccounts();
    first = params.get('enrol') || accounts.length === 0 ? 'enrol' : 'approvals';
    if (params.get('approval')) first = 'approvals';
  }
  go(first);
})();
