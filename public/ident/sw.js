// financeIDENT web app service worker (scope /ident/): a push wakes the app and shows a notification; a click opens the approval.
'use strict';

var GERMAN = !self.navigator || !self.navigator.language || self.navigator.language.slice(0, 2).toLowerCase() !== 'en';
var TEXT = GERMAN
  ? { title: 'Anmeldung bestätigen', body: 'Anmeldung bei {client} – bitte in financeIDENT bestätigen oder ablehnen.', fallback: 'Eine Anmeldung wartet auf Ihre Bestätigung.' }
  : { title: 'Confirm sign-in', body: 'Sign-in to {client} – please confirm or deny it in financeIDENT.', fallback: 'A sign-in is waiting for your confirmation.' };

self.addEventListener('install', function () {
  self.skipWaiting();
});

self.addEventListener('activate', function (event) {
  event.waitUntil(self.clients.claim());
});

function tellClients(message) {
  return self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then(function (list) {
    list.forEach(function (client) {
      client.postMessage(message);
    });
    return list;
  });
}

self.addEventListener('push', function (event) {
  var data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch {
    data = {};
  }
  var approvalId = typeof data.approvalId === 'string' ? data.approvalId : '';
  var client = typeof data.clientName === 'string' && data.clientName ? data.clientName : '';
  var url = '/ident/' + (approvalId ? '?approval=' + encodeURIComponent(approvalId) : '');
  var options = {
    body: client ? TEXT.body.replace('{client}', client) : TEXT.fallback,
    tag: approvalId || 'financeident-approval',
    renotify: true,
    requireInteraction: true,
    icon: '/public/ident/icon-192.png',
    badge: '/public/ident/icon-192.png',
    lang: GERMAN ? 'de' : 'en',
    data: { url: url, approvalId: approvalId },
  };
  if (typeof data.expiresAt === 'number') options.timestamp = Date.now();
  event.waitUntil(Promise.all([self.registration.showNotification(TEXT.title, options), tellClients({ type: 'approval', approvalId: approvalId })]));
});

self.addEventListener('notificationclick', function (event) {
  event.notification.close();
  var data = event.notification.data || {};
  var url = new URL(data.url || '/ident/', self.location.origin).href;
  event.waitUntil(
    self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then(function (list) {
      for (var i = 0; i < list.length; i++) {
        var client = list[i];
        if (client.url.indexOf(self.location.origin + '/ident/') === 0 && 'focus' in client) {
          client.postMessage({ type: 'open-approval', approvalId: data.approvalId || '' });
          return client.focus();
        }
      }
      return self.clients.openWindow ? self.clients.openWindow(url) : undefined;
    }),
  );
});
