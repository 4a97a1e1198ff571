// The waiting page learns the approval's outcome by itself (SSE, else long polling) and continues without a click.
(function () {
  'use strict';
  var root = document.getElementById('waiting');
  if (!root) return;
  var base = root.getAttribute('data-base');
  var done = false;

  function onStatus(status) {
    if (done || status === 'pending') return;
    done = true;
    if (status === 'approved') location.assign(base + '/finish');
    else if (status === 'cancelled') location.assign(base + '/abort');
    else location.assign(base + '/approval');
  }

  function poll() {
    if (done) return;
    fetch(base + '/approval/status?wait=1', { credentials: 'same-origin', headers: { accept: 'application/json' } })
      .then(function (r) { return r.json(); })
      .then(function (body) { onStatus(body.status); if (!done) poll(); })
      .catch(function () { setTimeout(poll, 3000); });
  }

  if (!('EventSource' in window)) return poll();
  var failures = 0;
  var source = new EventSource(base + '/approval/events');
  source.addEventListener('status', function (event) {
    failures = 0;
    onStatus(JSON.parse(event.data).status);
    if (done) source.close();
  });
  source.onerror = function () {
    failures += 1;
    if (failures >= 3 && !done) {
      source.close();
      poll();
    }
  };
})();
