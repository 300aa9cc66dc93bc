// Answers while the customer types, from /api/suggest.
//
// 1. A search box (input[data-suggest]) becomes the WAI-ARIA APG editable
//    combobox with a grid popup: one row per completion, and one row per
//    answer card with two cells, the card (Enter opens the article) and
//    "This answered my question". Up and Down move between rows, Left and
//    Right between the cells of a row, Enter acts, Escape closes. Focus stays
//    in the box (aria-activedescendant), so typing is never interrupted.
// 2. A description box (textarea[data-suggest-cards]) on the contact form
//    shows answer cards below it for the subject and description together:
//    plain links and buttons in the tab order, as a paragraph is no place for
//    arrow-key navigation.
//
// Requests are debounced and a newer one aborts the older. Events (opened,
// answered) go to /api/events; the server records what it showed itself.
// The forms work without this file. Loaded with <script src defer>: the CSP
// allows no inline script. Text from the API only goes through textContent.
(function () {
  'use strict';

  var MIN_CHARACTERS = 3;      // the API suggests from the third character on
  var DEBOUNCE_MS = 120;       // one request per pause in typing, not per key
  var PARAGRAPH_DEBOUNCE_MS = 400;
  var MAX_QUERY_BYTES = 1000;  // the API's limit is 1024 bytes

  function suggestUrl(text, lang) {
    return '/api/suggest?q=' + encodeURIComponent(text) +
        (lang ? '&ui=' + encodeURIComponent(lang) : '');
  }

  // Only links into this site: the API returns relative article URLs.
  function localUrl(url) {
    return typeof url === 'string' && url.charAt(0) === '/' && url.charAt(1) !== '/' ? url : '/';
  }

  // An article link that keeps the page's language (ui=), so the article
  // opens with the interface the customer is using.
  function withUi(url, lang) {
    if (!lang || url === '/') return url;
    var hash = url.indexOf('#');
    var path = hash < 0 ? url : url.slice(0, hash);
    var fragment = hash < 0 ? '' : url.slice(hash);
    return path + (path.indexOf('?') < 0 ? '?' : '&') + 'ui=' + encodeURIComponent(lang) + fragment;
  }

  // Reports what the customer did; sendBeacon survives leaving the page.
  function sendEvent(type, query, answer) {
    var body = JSON.stringify({ type: type, query: query, article: String(answer.id || ''),
                                lang: answer.lang || '' });
    if (navigator.sendBeacon && navigator.sendBeacon('/api/events',
        new Blob([body], { type: 'application/json' }))) return;
    fetch('/api/events', { method: 'POST', body: body, keepalive: true,
                           headers: { 'Content-Type': 'application/json' } })
      .catch(function () { /* analytics never get in the customer's way */ });
  }

  // Emptied first so that the same count is announced again for new text.
  function announce(status, labels, text) {
    if (!status) return;
    status.textContent = '';
    window.setTimeout(function () { status.textContent = text; }, 50);
  }

  function countText(labels, count) {
    return labels.getAttribute('data-announce-' + Math.min(count, 5)) || String(count);
  }

  // Fetches suggestions for whatever text() gives, one request at a time.
  function makeFetcher(text, lang, render) {
    var controller = null;
    var lastText = null;
    return function () {
      var value = text();
      if (value === lastText) return;
      lastText = value;
      if (controller) controller.abort();
      controller = null;
      if (value.trim().length < MIN_CHARACTERS) { render(null, value); return; }
      controller = new AbortController();
      fetch(suggestUrl(value, lang), { signal: controller.signal,
                                       headers: { Accept: 'application/json' } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) { if (data && text() === value) render(data, value); })
        .catch(function () { /* aborted or offline: the form still works */ });
    };
  }

  // The "This answered my question" control: records the event once and
  // says thank you in place.
  function answeredButton(labels, query, answer, status) {
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'suggest__answered';
    button.textContent = labels.getAttribute('data-label-answered') || '';
    button.addEventListener('click', function () { markAnswered(button, labels, query(), answer, status); });
    return button;
  }

  function markAnswered(button, labels, query, answer, status) {
    if (button.getAttribute('data-done')) return;
    button.setAttribute('data-done', 'true');
    sendEvent('answered', query, answer);
    var thanks = labels.getAttribute('data-label-thanks') || '';
    button.textContent = thanks;
    button.disabled = true;
    button.classList.add('suggest__answered--done');
    announce(status, labels, thanks);
  }

  function cardBody(answer, withLink, labels, onOpen, lang) {
    var box = document.createElement('div');
    box.className = 'suggest__card-body';
    if (answer.lang) box.lang = answer.lang;
    var title = document.createElement(withLink ? 'a' : 'span');
    title.className = 'suggest__card-title';
    title.textContent = answer.title || '';
    if (withLink) {
      title.href = withUi(localUrl(answer.url), lang);
      title.addEventListener('click', onOpen);
    }
    var text = document.createElement('p');
    text.className = 'suggest__card-answer';
    text.textContent = answer.answer || '';
    box.appendChild(title);
    box.appendChild(text);
    return box;
  }

  // 1. The search box as a combobox with a grid popup.
  function setUpCombobox(input) {
    var panel = document.getElementById(input.getAttribute('data-suggest'));
    if (!panel || input.getAttribute('role') === 'combobox') return;
    var grid = panel.querySelector('[role="grid"]');
    var status = document.getElementById(input.id + '-suggest-status');
    var form = input.form;
    var lang = input.getAttribute('data-suggest-lang') || '';
    // "submit" (the help page's search) or "fill" (the contact form's subject).
    var mode = input.getAttribute('data-suggest-mode') || 'submit';
    var timer = 0;
    var row = -1;
    var column = 0;
    var shownFor = '';

    input.setAttribute('role', 'combobox');
    input.setAttribute('aria-autocomplete', 'list');
    input.setAttribute('aria-haspopup', 'grid');
    input.setAttribute('aria-expanded', 'false');
    input.setAttribute('aria-controls', grid.id);

    function rows() { return grid.querySelectorAll('[role="row"]'); }
    function cells(r) { return r ? r.querySelectorAll('[role="gridcell"]') : []; }
    function isOpen() { return input.getAttribute('aria-expanded') === 'true'; }

    function setActive(newRow, newColumn) {
      var all = rows();
      row = newRow;
      column = 0;
      var active = null;
      for (var i = 0; i < all.length; i++) {
        var rowCells = cells(all[i]);
        for (var j = 0; j < rowCells.length; j++) {
          var on = i === newRow && j === Math.min(newColumn, rowCells.length - 1);
          rowCells[j].setAttribute('aria-selected', on ? 'true' : 'false');
          if (on) { active = rowCells[j]; column = j; }
        }
      }
      if (active) {
        input.setAttribute('aria-activedescendant', active.id);
        active.scrollIntoView({ block: 'nearest' });
      } else {
        input.removeAttribute('aria-activedescendant');
      }
    }

    function open() {
      if (!grid.firstChild) return;
      panel.hidden = false;
      input.setAttribute('aria-expanded', 'true');
    }

    function close() {
      setActive(-1, 0);
      panel.hidden = true;
      input.setAttribute('aria-expanded', 'false');
    }

    function chooseCompletion(text) {
      input.value = text;
      close();
      if (mode === 'submit') {
        if (form.requestSubmit) form.requestSubmit(); else form.submit();
      } else {
        input.dispatchEvent(new Event('input', { bubbles: true }));
      }
    }

    function openArticle(answer) {
      sendEvent('suggest_opened', shownFor, answer);
      window.location.href = withUi(localUrl(answer.url), lang);
    }

    function addRow(kind) {
      var r = document.createElement('div');
      r.setAttribute('role', 'row');
      r.className = 'suggest__row suggest__row--' + kind;
      grid.appendChild(r);
      return r;
    }

    function addCell(r, className, content) {
      var cell = document.createElement('div');
      cell.setAttribute('role', 'gridcell');
      cell.setAttribute('aria-selected', 'false');
      cell.className = className;
      cell.id = grid.id + '-' + grid.querySelectorAll('[role="gridcell"]').length;
      if (typeof content === 'string') cell.textContent = content; else cell.appendChild(content);
      r.appendChild(cell);
      return cell;
    }

    function render(data, text) {
      grid.textContent = '';
      shownFor = text;
      if (!data) { close(); return; }
      var completions = Array.isArray(data.completions) ? data.completions : [];
      var answers = Array.isArray(data.answers) ? data.answers : [];
      completions.forEach(function (completion) {
        if (typeof completion !== 'string') return;
        var cell = addCell(addRow('completion'), 'suggest__option', completion);
        cell.setAttribute('data-completion', completion);
      });
      answers.forEach(function (answer) {
        var r = addRow('answer');
        var card = addCell(r, 'suggest__card', cardBody(answer, false, panel, null));
        card.addEventListener('click', function () { openArticle(answer); });
        card.activate = function () { openArticle(answer); };
        var button = answeredButton(panel, function () { return shownFor; }, answer, status);
        button.tabIndex = -1;  // reached with the arrow keys, like every cell
        var action = addCell(r, 'suggest__action', button);
        action.activate = function () { markAnswered(button, panel, shownFor, answer, status); };
      });
      setActive(-1, 0);
      // An answer that arrives after the customer moved on, or after Escape
      // for the same text, stays closed.
      if (grid.firstChild && document.activeElement === input && input.value !== dismissed) open(); else close();
      if (document.activeElement === input) announce(status, panel, countText(panel, answers.length));
    }

    var fetchSuggestions = makeFetcher(function () { return input.value; }, lang, render);
    var dismissed = null;  // the text Escape was pressed on

    input.addEventListener('input', function () {
      dismissed = null;
      window.clearTimeout(timer);
      timer = window.setTimeout(fetchSuggestions, DEBOUNCE_MS);
    });

    input.addEventListener('keydown', function (event) {
      var all = rows();
      switch (event.key) {
        case 'ArrowDown':
          if (!isOpen()) { open(); return; }
          if (!all.length) return;
          event.preventDefault();
          setActive(row + 1 >= all.length ? 0 : row + 1, column);
          break;
        case 'ArrowUp':
          if (!isOpen() || !all.length) return;
          event.preventDefault();
          setActive(row <= 0 ? all.length - 1 : row - 1, column);
          break;
        case 'ArrowRight':
        case 'ArrowLeft':
          // Without an active row the caret moves in the text, as usual.
          if (!isOpen() || row < 0) return;
          event.preventDefault();
          var count = cells(all[row]).length;
          var step = event.key === 'ArrowRight' ? 1 : -1;
          setActive(row, (column + step + count) % count);
          break;
        case 'Enter':
          // Without an active cell Enter submits what was typed, as before.
          if (!isOpen() || row < 0) return;
          event.preventDefault();
          var cell = cells(all[row])[column];
          if (!cell) return;
          if (cell.hasAttribute('data-completion')) chooseCompletion(cell.getAttribute('data-completion'));
          else if (cell.activate) cell.activate();
          break;
        case 'Escape':
          dismissed = input.value;  // suggestions still on their way stay closed too
          if (isOpen()) { event.preventDefault(); close(); }
          break;
        default:
          break;
      }
    });

    // mousedown would move focus out of the input; the APG keeps it there.
    grid.addEventListener('mousedown', function (event) { event.preventDefault(); });
    grid.addEventListener('click', function (event) {
      var cell = event.target.closest('[data-completion]');
      if (cell) chooseCompletion(cell.getAttribute('data-completion'));
    });

    // Closes when focus leaves both the box and the panel (Tab, a click away).
    input.addEventListener('blur', function () {
      window.setTimeout(function () {
        if (!panel.contains(document.activeElement) && document.activeElement !== input) close();
      }, 0);
    });
    input.addEventListener('focus', function () {
      if (input.value.trim().length >= MIN_CHARACTERS) open();
    });
  }

  // 2. Answer cards under the contact form's description.
  function setUpCards(textarea) {
    var region = document.getElementById(textarea.getAttribute('data-suggest-cards'));
    if (!region || region.getAttribute('data-ready')) return;
    region.setAttribute('data-ready', 'true');
    var list = region.querySelector('.contact__cards-list');
    var status = document.getElementById(region.id + '-status');
    var subject = document.getElementById(textarea.getAttribute('data-suggest-with') || '');
    var lang = textarea.getAttribute('data-suggest-lang') || '';
    var timer = 0;
    var shownFor = '';
    var announced = -1;

    function text() {
      var parts = [];
      if (subject && subject.value.trim()) parts.push(subject.value.trim());
      if (textarea.value.trim()) parts.push(textarea.value.trim());
      var joined = parts.join('\n');
      // The API takes at most 1024 bytes; the start of a description says most.
      while (new Blob([joined]).size > MAX_QUERY_BYTES) joined = joined.slice(0, -50);
      return joined;
    }

    function render(data, value) {
      shownFor = value;
      var answers = data && Array.isArray(data.answers) ? data.answers : [];
      list.textContent = '';
      answers.forEach(function (answer) {
        var card = document.createElement('article');
        card.className = 'suggest__card contact__card';
        card.appendChild(cardBody(answer, true, region, function () {
          sendEvent('suggest_opened', shownFor, answer);
        }, lang));
        card.appendChild(answeredButton(region, function () { return shownFor; }, answer, status));
        list.appendChild(card);
      });
      region.hidden = answers.length === 0;
      // The count is announced when it changes, not on every pause in typing.
      if (data && answers.length !== announced) {
        announced = answers.length;
        announce(status, region, countText(region, answers.length));
      }
    }

    var fetchCards = makeFetcher(text, lang, render);
    function schedule() {
      window.clearTimeout(timer);
      timer = window.setTimeout(fetchCards, PARAGRAPH_DEBOUNCE_MS);
    }
    textarea.addEventListener('input', schedule);
    if (subject) subject.addEventListener('input', schedule);
    if (text().trim().length >= MIN_CHARACTERS) schedule();  // a form shown again with its text
  }

  var inputs = document.querySelectorAll('input[data-suggest]');
  for (var i = 0; i < inputs.length; i++) setUpCombobox(inputs[i]);
  var areas = document.querySelectorAll('textarea[data-suggest-cards]');
  for (var k = 0; k < areas.length; k++) setUpCards(areas[k]);
})();
