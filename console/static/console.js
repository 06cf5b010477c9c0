// Progressive enhancement: every page works without this script.
(function () {
  'use strict';
  // Phone numbers are masked; one toggle reveals them all (never stored: a reload masks them again).
  var toggle = document.querySelector('button.reveal');
  var phones = document.querySelectorAll('.phone[data-phone]');
  if (toggle && phones.length) {
    toggle.hidden = false;
    var masked = Array.prototype.map.call(phones, function (el) {
      return el.textContent;
    });
    toggle.addEventListener('click', function () {
      var reveal = toggle.getAttribute('aria-pressed') !== 'true';
      toggle.setAttribute('aria-pressed', String(reveal));
      toggle.textContent = reveal ? 'Mask phone numbers' : 'Show phone numbers';
      Array.prototype.forEach.call(phones, function (el, i) {
        el.textContent = reveal ? el.getAttribute('data-phone') : masked[i];
      });
    });
  }
  // Forms that change something big ask first.
  Array.prototype.forEach.call(document.querySelectorAll('form[data-confirm]'), function (form) {
    form.addEventListener('submit', function (event) {
      if (!window.confirm(form.getAttribute('data-confirm'))) event.preventDefault();
    });
  });
  // Running imports: live progress, rate and time left, every 2 s until they end.
  Array.prototype.forEach.call(
    document.querySelectorAll('pre[data-import][data-status="running"]'),
    function (pre) {
      var id = pre.getAttribute('data-import');
      var timer = setInterval(function () {
        fetch('/imports/' + encodeURIComponent(id) + '/progress', { headers: { accept: 'application/json' } })
          .then(function (r) {
            return r.json();
          })
          .then(function (view) {
            pre.textContent = view.lines.join('\n');
            pre.setAttribute('data-status', view.status);
            if (view.status !== 'running') clearInterval(timer);
          })
          .catch(function () {
            clearInterval(timer);
          });
      }, 2000);
    },
  );
})();
