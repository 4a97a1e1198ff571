// The waiting page learns the approval's outcome by itself (SSE, else long polling) and continues without a click.
// It never gives up while the approval can still be answered: a cut stream or an error answer (503 while a store
// is down, a restarting instance) is retried with growing pauses; after repeated stream failures it long-polls.
(function () {
  'use strict';
  var root = document.getElementById('waiting');
  if (!root) return;
  var base = root.getAttribute('data-base');
  // The reconnecting notice has its own line: the status line below it keeps counting down (countdown.js).
  var notice = document.getElementById('approval-connection');
  // Worth trying until the approval has expired (plus a little: the server has the last word on the outcome).
  var deadline = Date.now() + (Number(root.getAttribute('data-seconds-left')) || 120) * 1000 + 5000;
  var STREAM_FAILURES_BEFORE_POLLING = 3;
  var done = false;
  var failures = 0;
  var streamFailures = 0;
  var source = null;

  function go(path) {
    done = true;
    if (source) source.close();
    location.assign(base + path);
  }

  function onStatus(status) {
    if (done) return;
    failures = 0;
    if (notice && !notice.hidden) notice.hidden = true;
    if (status === 'pending') return;
    if (status === 'approved') go('/finish');
    else if (status === 'cancelled') go('/abort');
    else go('/approval');
  }

  /** 1 s, 2 s, 4 s … at most 15 s, each with jitter so that many pages do not retry in step. */
  function nextDelay() {
    var ms = Math.min(1000 * Math.pow(2, failures), 15000);
    failures += 1;
    return ms / 2 + Math.random() * (ms / 2);
  }

  function retryLater(fn) {
    if (done) return;
    // Expired meanwhile: the approval page shows what happened (or that the service is still unavailable).
    if (Date.now() > deadline) return go('/approval');
    if (notice) notice.hidden = false;
    setTimeout(fn, nextDelay());
  }

  function poll() {
    if (done) return;
    fetch(base + '/approval/status?wait=1', { credentials: 'same-origin', headers: { accept: 'application/json' } })
      .then(function (r) {
        if (!r.ok) throw new Error('HTTP ' + r.status);
        return r.json();
      })
      .then(function (body) {
        if (!body || typeof body.status !== 'string') throw new Error('no status');
        onStatus(body.status);
        if (!done) poll();
      })
      .catch(function () {
        retryLater(poll);
      });
  }

  function listen() {
    if (done) return;
    var current = new EventSource(base + '/approval/events');
    source = current;
    current.addEventListener('status', function (event) {
      streamFailures = 0;
      onStatus(JSON.parse(event.data).status);
    });
    // The instance is shutting down: connect again at once (the load balancer picks another one).
    current.addEventListener('reconnect', function () {
      current.close();
      if (!done) setTimeout(listen, 200 + Math.random() * 800);
    });
    current.onerror = function () {
      if (done) return;
      streamFailures += 1;
      if (streamFailures >= STREAM_FAILURES_BEFORE_POLLING) {
        current.close();
        return retryLater(poll);
      }
      // CLOSED: the server answered with an error (e.g. 503); the browser will not retry by itself, so we do.
      // CONNECTING: the browser retries by itself (after the stream's `retry` delay).
      if (current.readyState === EventSource.CLOSED) retryLater(listen);
    };
  }

  if ('EventSource' in window) listen();
  else poll();
})();
