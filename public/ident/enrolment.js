// Enrolling this browser as a device of an account: a non-extractable P-256 device key, a WebAuthn credential with user
// verification, a push subscription when allowed, then the server's /complete with the activation code; the account is kept.
import { ApiError } from './api.js';
import { ceremony, creationOptions, registrationJson, webAuthnSupported } from './webauthn.js';

/** Name, platform and browser version this device is listed with ("Web-App Chrome auf Android"). */
export function deviceFacts(lang) {
  const ua = navigator.userAgent;
  const browser = /Edg\/(\d+)/.exec(ua) ? ['Edge', /Edg\/(\d+)/.exec(ua)[1]] : /Firefox\/(\d+)/.exec(ua) ? ['Firefox', /Firefox\/(\d+)/.exec(ua)[1]] : /Chrom(?:e|ium)\/(\d+)/.exec(ua) ? ['Chrome', /Chrom(?:e|ium)\/(\d+)/.exec(ua)[1]] : /Version\/(\d+).*Safari/.exec(ua) ? ['Safari', /Version\/(\d+)/.exec(ua)[1]] : ['Browser', '1'];
  const os = /Android/.test(ua) ? 'Android' : /iPhone|iPad|iPod/.test(ua) ? 'iOS' : /Mac OS X/.test(ua) ? 'macOS' : /Windows/.test(ua) ? 'Windows' : /Linux/.test(ua) ? 'Linux' : '';
  return { name: ('Web-App ' + browser[0] + (os ? (lang === 'de' ? ' auf ' : ' on ') + os : '')).slice(0, 100), platform: 'web', osVersion: (browser[0] + ' ' + browser[1]).slice(0, 20) };
}

/**
 * Completes the enrolment `started` (the answer of POST /enrolments) with the activation `code`. Resolves with the stored
 * account {deviceId, accessNumber, accountName, privateKey, credentialId, push, createdAt}; rejects with an ApiError.
 */
export async function enrol(app, started, code) {
  const { api, t } = app;
  if (!webAuthnSupported() || !crypto.subtle) throw new ApiError(0, 'unsupported', t('error.unsupported'));
  const id = encodeURIComponent(started.enrolmentId);
  // The device key signs API requests; it never leaves this browser (non-extractable, kept in IndexedDB).
  const keys = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
  const publicJwk = await crypto.subtle.exportKey('jwk', keys.publicKey);
  const options = await api('POST', '/enrolments/' + id + '/webauthn-options', { body: {} });
  const credential = await ceremony(() => navigator.credentials.create({ publicKey: creationOptions(options) }), t);
  const push = await app.pushSubscription();
  const facts = deviceFacts(app.i18n.lang);
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
  await app.accounts.save(account);
  return account;
}
