// As-you-type suggestions for the help centre's search box: the WAI-ARIA APG
// editable combobox with list autocomplete. The form works without this file
// (a plain GET form); this script only adds the panel under the box with
// completions (a listbox) and answer cards from /api/suggest.
// Loaded with <script src defer>: the CSP allows no inline script. Text from
// the API only ever goes through textContent, never innerHTML.
(function () {
  'use strict';

  var MIN_CHARACTERS = 3;   // the API suggests from the third character on
  var DEBOUNCE_MS = 120;    // one request per pause in typing, not per key

  function setUp(input) {
    var panel = document.getElementById(input.getAttribute('data-suggest'));
    if (!panel || input.getAttribute('role') === 'combobox') return;
    var list = panel.querySelector('[role="listbox"]');
    var answers = panel.querySelector('.suggest__answers');
    var status = document.getElementById(input.id + '-suggest-status');
    var form = input.form;
    var lang = input.getAttribute('data-suggest-lang') || '';
    var timer = 0;
    var controller = null;
    var active = -1;
    var lastText = null;

    input.setAttribute('role', 'combobox');
    input.setAttribute('aria-autocomplete', 'list');
    input.setAttribute('aria-expanded', 'false');
    input.setAttribute('aria-controls', list.id);

    function options() { return list.querySelectorAll('[role="option"]'); }

    function isOpen() { return input.getAttribute('aria-expanded') === 'true'; }

    function setActive(index) {
      var items = options();
      active = index;
      for (var i = 0; i < items.length; i++) {
        items[i].setAttribute('aria-selected', i === index ? 'true' : 'false');
      }
      if (index >= 0 && items[index]) {
        input.setAttribute('aria-activedescendant', items[index].id);
        items[index].scrollIntoView({ block: 'nearest' });
      } else {
        input.removeAttribute('aria-activedescendant');
      }
    }

    function open() {
      if (!list.firstChild && !answers.firstChild) return;
      panel.hidden = false;
      input.setAttribute('aria-expanded', 'true');
    }

    function close() {
      setActive(-1);
      panel.hidden = true;
      input.setAttribute('aria-expanded', 'false');
    }

    // Emptied first so that the same count is announced again for new text.
    function announce(count) {
      if (!status) return;
      var key = 'data-announce-' + Math.min(count, 5);
      var text = panel.getAttribute(key) || String(count);
      status.textContent = '';
      window.setTimeout(function () { status.textContent = text; }, 50);
    }

    function choose(text) {
      input.value = text;
      close();
      if (form.requestSubmit) form.requestSubmit(); else form.submit();
    }

    function card(answer) {
      var article = document.createElement('article');
      article.className = 'suggest__card';
      if (answer.lang) article.lang = answer.lang;
      var title = document.createElement('h3');
      title.className = 'suggest__card-title';
      title.textContent = answer.title || '';
      var text = document.createElement('p');
      text.className = 'suggest__card-answer';
      text.textContent = answer.answer || '';
      var link = document.createElement('a');
      link.className = 'suggest__card-link';
      // Only links into this site: the API returns relative article URLs.
      link.href = typeof answer.url === 'string' && answer.url.charAt(0) === '/' &&
          answer.url.charAt(1) !== '/' ? answer.url : '/';
      link.textContent = panel.getAttribute('data-label-open') || '';
      article.appendChild(title);
      article.appendChild(text);
      article.appendChild(link);
      return article;
    }

    function render(data) {
      var completions = Array.isArray(data.completions) ? data.completions : [];
      var cards = Array.isArray(data.answers) ? data.answers : [];
      list.textContent = '';
      answers.textContent = '';
      completions.forEach(function (completion, index) {
        if (typeof completion !== 'string') return;
        var option = document.createElement('li');
        option.className = 'suggest__option';
        option.id = list.id + '-' + index;
        option.setAttribute('role', 'option');
        option.setAttribute('aria-selected', 'false');
        option.textContent = completion;
        list.appendChild(option);
      });
      if (cards.length) {
        var heading = document.createElement('h2');
        heading.className = 'suggest__answers-heading';
        heading.textContent = panel.getAttribute('data-label-answers') || '';
        answers.appendChild(heading);
        cards.forEach(function (answer) { answers.appendChild(card(answer)); });
      }
      setActive(-1);
      if (list.firstChild || answers.firstChild) open(); else close();
      announce(cards.length);
    }

    function fetchSuggestions() {
      var text = input.value;
      if (text === lastText) return;
      lastText = text;
      // The previous request's answer would be stale by the time it arrives.
      if (controller) controller.abort();
      if (text.trim().length < MIN_CHARACTERS) {
        controller = null;
        list.textContent = '';
        answers.textContent = '';
        close();
        return;
      }
      controller = new AbortController();
      var url = '/api/suggest?q=' + encodeURIComponent(text) +
          (lang ? '&lang=' + encodeURIComponent(lang) : '');
      fetch(url, { signal: controller.signal, headers: { Accept: 'application/json' } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) { if (data && input.value === text) render(data); })
        .catch(function () { /* aborted or offline: the form still works */ });
    }

    input.addEventListener('input', function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(fetchSuggestions, DEBOUNCE_MS);
    });

    input.addEventListener('keydown', function (event) {
      var items = options();
      switch (event.key) {
        case 'ArrowDown':
          if (!isOpen()) { open(); return; }
          if (!items.length) return;
          event.preventDefault();
          setActive(active + 1 >= items.length ? 0 : active + 1);
          break;
        case 'ArrowUp':
          if (!isOpen() || !items.length) return;
          event.preventDefault();
          setActive(active <= 0 ? items.length - 1 : active - 1);
          break;
        case 'Enter':
          // Without an active option Enter submits what was typed, as before.
          if (isOpen() && active >= 0 && items[active]) {
            event.preventDefault();
            choose(items[active].textContent);
          }
          break;
        case 'Escape':
          if (isOpen()) {
            event.preventDefault();
            close();
          }
          break;
        default:
          break;
      }
    });

    // mousedown would move focus out of the input; the APG keeps it there.
    list.addEventListener('mousedown', function (event) { event.preventDefault(); });
    list.addEventListener('click', function (event) {
      var option = event.target.closest('[role="option"]');
      if (option) choose(option.textContent);
    });

    // Closes when focus leaves both the box and the panel (Tab, a click away).
    form.addEventListener('focusout', function (event) {
      if (event.relatedTarget && (panel.contains(event.relatedTarget) ||
          event.relatedTarget === input)) return;
      window.setTimeout(function () {
        if (!panel.contains(document.activeElement) && document.activeElement !== input) close();
      }, 0);
    });
    input.addEventListener('focus', function () {
      if (input.value.trim().length >= MIN_CHARACTERS) open();
    });
  }

  var inputs = document.querySelectorAll('input[data-suggest]');
  for (var i = 0; i < inputs.length; i++) setUp(inputs[i]);
})();
