// Agent console enhancements. The pages work without this file: answers are
// in readonly textareas to select by hand, and the page's "Reply in" field
// picks the answer language. This script only adds the copy buttons and the
// per-answer language picker, which stay hidden until it runs.
// Loaded with <script src defer>: the CSP allows no inline script.
(function () {
  'use strict';

  var status = document.getElementById('agent-status');
  var resetTimers = new WeakMap();

  // Polite live region: screen readers hear "Copied" without losing focus.
  // Emptied first so that a second copy is announced again.
  function announce(attribute) {
    if (!status) return;
    var text = status.getAttribute(attribute) || '';
    status.textContent = '';
    window.setTimeout(function () { status.textContent = text; }, 50);
  }

  // Sighted users see the button itself say "Copied" for a moment.
  function acknowledge(button, attribute) {
    var label = button.getAttribute('data-label') || button.textContent;
    button.setAttribute('data-label', label);
    button.textContent = status ? status.getAttribute(attribute) || label : label;
    window.clearTimeout(resetTimers.get(button));
    resetTimers.set(button, window.setTimeout(function () { button.textContent = label; }, 2000));
    announce(attribute);
  }

  // For browsers without the async clipboard (or outside a secure context,
  // e.g. plain http): select the textarea and use the old copy command.
  function copyBySelection(textarea, button) {
    var details = textarea.closest('details');
    var wasOpen = details ? details.open : true;
    if (details) details.open = true;
    textarea.focus();
    textarea.select();
    var copied = false;
    try {
      copied = document.execCommand('copy');
    } catch (error) {
      copied = false;
    }
    if (details && !wasOpen && copied) details.open = false;
    // Leave the text selected (and its details open) when copying failed, so
    // the agent can press Ctrl+C.
    if (copied) button.focus();
    return copied;
  }

  function copy(button) {
    var textarea = document.getElementById(button.getAttribute('data-copy-from'));
    if (!textarea) return;
    var text = textarea.value;
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(
        function () { acknowledge(button, 'data-copied'); },
        function () {
          acknowledge(button, copyBySelection(textarea, button) ? 'data-copied' : 'data-copy-failed');
        });
    } else {
      acknowledge(button, copyBySelection(textarea, button) ? 'data-copied' : 'data-copy-failed');
    }
  }

  function showLanguage(select) {
    var answer = select.closest('.agent-answer');
    if (!answer) return;
    var variants = answer.querySelectorAll('.answer-variant');
    for (var i = 0; i < variants.length; i++) {
      variants[i].hidden = variants[i].getAttribute('data-lang') !== select.value;
    }
  }

  document.addEventListener('click', function (event) {
    var button = event.target.closest ? event.target.closest('.copy-button') : null;
    if (button) copy(button);
  });

  document.addEventListener('change', function (event) {
    var select = event.target;
    if (select.classList && select.classList.contains('reply-picker__select')) showLanguage(select);
  });

  var controls = document.querySelectorAll('.copy-buttons, .reply-picker');
  for (var i = 0; i < controls.length; i++) controls[i].hidden = false;
  // A picker restored by the browser's back/forward cache keeps its value;
  // show the matching answer.
  var pickers = document.querySelectorAll('.reply-picker__select');
  for (var j = 0; j < pickers.length; j++) showLanguage(pickers[j]);
})();
