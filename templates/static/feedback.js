// "Did this help?" without leaving the page: posts the article's feedback
// forms (POST /articles/feedback, the same fields as without JavaScript) with
// fetch. "Yes" shows the thanks in place, in a polite live region; "No" is
// sent at once and then asks why in place (the reasons form, related
// articles and the contact link, which the page holds hidden), and the
// reasons form shows the thanks. Without this script, or when a fetch fails,
// the forms post normally: the server answers 303 back to the article with
// ?feedback=no (the question why) or ?feedback=thanks.
(function () {
  'use strict';
  var form = document.querySelector('[data-feedback-form]');
  var status = document.getElementById('feedback-status');
  var no = document.querySelector('[data-feedback-no]');
  var reasonForm = document.querySelector('[data-feedback-reason-form]');
  if (!status || !window.fetch || !window.URLSearchParams || !window.FormData) return;

  function showThanks() {
    if (form) form.hidden = true;
    if (no) no.hidden = true;
    status.textContent = status.getAttribute('data-thanks');
  }

  function askWhy() {
    if (form) form.hidden = true;
    no.hidden = false;
    no.focus();
  }

  // Posts `target` with fetch (`helpful` from the pressed button, if any);
  // calls done() on success, else lets the form post as without script.
  function send(target, button, done) {
    var body = new URLSearchParams(new FormData(target));
    if (button && button.name === 'helpful') body.set('helpful', button.value);
    var buttons = target.querySelectorAll('button');
    for (var i = 0; i < buttons.length; i++) buttons[i].disabled = true;
    fetch(target.action, {
      method: 'POST',
      body: body,
      credentials: 'same-origin',
      redirect: 'manual' // the 303 back to the article is the success
    }).then(function (response) {
      if (response.type === 'opaqueredirect' || response.ok) {
        done();
        return;
      }
      throw new Error('feedback refused');
    }).catch(function () {
      // The server's own page explains what went wrong (an expired form, ...).
      for (var j = 0; j < buttons.length; j++) buttons[j].disabled = false;
      target.setAttribute('data-post-normally', '');
      if (button) button.click(); else target.submit();
    });
  }

  if (form) {
    form.addEventListener('submit', function (event) {
      var button = event.submitter;
      // An old browser does not say which button was pressed: let the form post.
      if (form.hasAttribute('data-post-normally') || !button || button.name !== 'helpful') return;
      event.preventDefault();
      send(form, button, button.value === '0' && no ? askWhy : showThanks);
    });
  }
  if (reasonForm) {
    reasonForm.addEventListener('submit', function (event) {
      if (reasonForm.hasAttribute('data-post-normally')) return;
      event.preventDefault();
      send(reasonForm, event.submitter, showThanks);
    });
  }
})();
