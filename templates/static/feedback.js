// "Did this help?" without leaving the page: posts the article's feedback
// form (POST /articles/feedback, the same fields as without JavaScript) with
// fetch and shows the thanks in place, in a polite live region. Without this
// script, or when the fetch fails, the form posts normally and the server
// answers 303 back to the article with ?feedback=thanks.
(function () {
  'use strict';
  var form = document.querySelector('[data-feedback-form]');
  var status = document.getElementById('feedback-status');
  if (!form || !status || !window.fetch || !window.URLSearchParams || !window.FormData) return;
  var postNormally = false;

  function showThanks() {
    form.hidden = true;
    status.textContent = status.getAttribute('data-thanks');
  }

  form.addEventListener('submit', function (event) {
    var button = event.submitter;
    // An old browser does not say which button was pressed: let the form post.
    if (postNormally || !button || button.name !== 'helpful') return;
    event.preventDefault();
    var body = new URLSearchParams(new FormData(form));
    body.set('helpful', button.value);
    var buttons = form.querySelectorAll('button');
    for (var i = 0; i < buttons.length; i++) buttons[i].disabled = true;
    fetch(form.action, {
      method: 'POST',
      body: body,
      credentials: 'same-origin',
      redirect: 'manual' // the 303 to the thank-you page is the success
    }).then(function (response) {
      if (response.type === 'opaqueredirect' || response.ok) {
        showThanks();
        return;
      }
      throw new Error('feedback refused');
    }).catch(function () {
      // The server's own page explains what went wrong (an expired form, ...).
      for (var j = 0; j < buttons.length; j++) buttons[j].disabled = false;
      postNormally = true;
      button.click();
    });
  });
})();
