// Live progress of a rollout mailing on /broker/mailings/<id>: asks the progress endpoint every 1.5 s until done.
(function () {
  'use strict';
  var box = document.getElementById('mailing-progress');
  if (!box) return;
  var status = document.getElementById('mailing-status');
  var counts = document.getElementById('mailing-counts');
  var bar = document.getElementById('mailing-bar');
  function fill(p) {
    return box.getAttribute('data-counts').replace(/\{(\w+)\}/g, function (_, k) { return String(p[k]); });
  }
  function poll() {
    fetch(box.getAttribute('data-url'), { headers: { accept: 'application/json' }, credentials: 'same-origin' })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (p) {
        if (!p) return;
        status.textContent = p.status === 'done' ? box.getAttribute('data-done') : box.getAttribute('data-sending');
        counts.textContent = fill(p);
        bar.max = Math.max(p.total, 1);
        bar.value = p.sent + p.failed + p.unknown;
        box.setAttribute('data-status', p.status);
        if (p.status !== 'done') setTimeout(poll, 1500);
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  poll();
})();
