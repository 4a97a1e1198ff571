// Service worker and Web Push: registers /ident/sw.js (scope /ident/), hands its messages on, and subscribes this
// browser for push without ever waiting long (a subscription may never settle when there is no push service).
import { b64urlToBytes } from './encoding.js';

const PUSH_TIMEOUT_MS = 3000;
const PERMISSION_TIMEOUT_MS = 60000;

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

/** Registers the service worker; `onMessage(data)` gets each message it posts. Resolves with the registration, or null. */
export function startServiceWorker(onMessage) {
  if (!('serviceWorker' in navigator)) return null;
  const registration = navigator.serviceWorker.register('/ident/sw.js', { scope: '/ident/' }).catch(() => null);
  navigator.serviceWorker.addEventListener('message', (event) => onMessage(event.data || {}));
  return registration;
}

/**
 * The function that yields this browser's push subscription ({endpoint (https), keys: {p256dh, auth}}) when notifications
 * are (or can be) allowed, null otherwise; it asks for permission when none was given yet and never throws.
 */
export function pushSubscriber(swRegistration, vapidKey) {
  return async function pushSubscription() {
    try {
      if (!swRegistration || !('PushManager' in window) || !('Notification' in window) || !vapidKey) return null;
      let permission = Notification.permission;
      if (permission === 'default') permission = await withTimeout(Notification.requestPermission(), PERMISSION_TIMEOUT_MS);
      if (permission !== 'granted') return null;
      const registration = await withTimeout(swRegistration, PUSH_TIMEOUT_MS);
      if (!registration) return null;
      let subscription = await withTimeout(registration.pushManager.getSubscription(), PUSH_TIMEOUT_MS).catch(() => null);
      if (!subscription) {
        subscription = await withTimeout(registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: b64urlToBytes(vapidKey) }), PUSH_TIMEOUT_MS);
      }
      const json = typeof subscription.toJSON === 'function' ? subscription.toJSON() : subscription;
      if (!json || typeof json.endpoint !== 'string' || !json.endpoint.startsWith('https://') || !json.keys) return null;
      return { endpoint: json.endpoint, keys: { p256dh: json.keys.p256dh, auth: json.keys.auth } };
    } catch {
      return null;
    }
  };
}
