// Counts the waiting page's "about N seconds left" down once a second (texts for 1 and for N come from the page).
(function () {
  'use strict';
  var el = document.querySelector('[data-countdown-seconds]');
  if (!el) return;
  var left = Number(el.getAttribute('data-countdown-seconds'));
  var other = el.getAttribute('data-countdown-other') || '';
  var one = el.getAttribute('data-countdown-one') || other;
  if (!isFinite(left) || !other) return;
  // The status region is for outcomes; a number changing every second would be read out every second.
  el.setAttribute('aria-live', 'off');
  var end = Date.now() + left * 1000;
  function render() {
    var seconds = Math.max(0, Math.round((end - Date.now()) / 1000));
    el.textContent = (seconds === 1 ? one : other).replace('{seconds}', String(seconds));
    if (seconds === 0) clearInterval(timer);
  }
  var timer = setInterval(render, 1000);
})();
