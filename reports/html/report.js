// Filters and pages the findings lists of a continuity HTML report. Plain
// browser JavaScript, inlined into the page: no external assets, works offline.
// Without JavaScript the page shows a few findings per check, rendered by the
// template; the rows built here mirror reports/html/partials/finding.html.hbs.
(function () {
  'use strict';
  var PAGE_SIZE = 50;
  var OPEN = ['fail', 'error', 'warn', 'unknown'];

  function el(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      node.setAttribute(name, attributes[name]);
    });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined) return;
      node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    });
    return node;
  }

  function badge(status) {
    return el('span', { class: 'badge s-' + status }, [status]);
  }

  function evidenceTable(evidence) {
    return el('table', { class: 'evidence' }, [
      el('caption', {}, ['Evidence']),
      el('thead', {}, [
        el('tr', {}, [el('th', { scope: 'col' }, ['Source']), el('th', { scope: 'col' }, ['Field']), el('th', { scope: 'col' }, ['Value'])]),
      ]),
      el(
        'tbody',
        {},
        evidence.map(function (e) {
          return el('tr', {}, [el('td', {}, [e[0]]), el('td', {}, [el('code', {}, [e[1]])]), el('td', { class: 'mono' }, [e[2]])]);
        }),
      ),
    ]);
  }

  function waiverLine(w) {
    if (!w) return null;
    return w[3]
      ? el('p', { class: 'waiver expired' }, ['Waiver expired on ' + w[2] + ' (was approved by ' + w[1] + ': ' + w[0] + ')'])
      : el('p', { class: 'waiver' }, ['Waived until ' + w[2] + ' by ' + w[1] + ': ' + w[0]]);
  }

  function findingRow(f, check) {
    var remediation = f.x !== undefined ? f.x : check.remediation;
    var details = el('details', {}, [
      el('summary', {}, ['Evidence (' + f.e.length + ') and remediation']),
      f.e.length ? evidenceTable(f.e) : el('p', { class: 'note' }, ['No evidence recorded.']),
      f.l ? el('p', { class: 'note' }, ['Location: ', el('code', {}, [f.l])]) : null,
      el('p', { class: 'remediation' }, [
        el('strong', {}, ['Remediation: ']),
        remediation,
        check.docs ? ' ' : null,
        check.docs ? el('a', { href: check.docs }, ['Documentation']) : null,
      ]),
    ]);
    return el('tr', { 'data-status': f.s, 'data-severity': f.v, 'data-check': check.id }, [
      el('td', {}, [badge(f.s)]),
      el('td', {}, [el('span', { class: 'sev sev-' + f.v }, [f.v])]),
      el('td', {}, [el('code', {}, [check.id]), el('br'), el('span', { class: 'note' }, [check.title])]),
      el('td', { class: 'resource' }, [f.r]),
      el('td', {}, [el('div', {}, [f.m]), waiverLine(f.w), details]),
    ]);
  }

  function initFindings(section) {
    var data = JSON.parse(document.getElementById(section.getAttribute('data-findings')).textContent);
    var form = section.querySelector('form.filters');
    var tbody = section.querySelector('tbody[data-rows]');
    var pager = section.querySelector('.pager');
    var output = pager.querySelector('output');
    var previous = pager.querySelector('[data-page="previous"]');
    var next = pager.querySelector('[data-page="next"]');
    var page = 0;
    var printing = false;

    function matching() {
      var status = form.elements.status.value;
      var severity = form.elements.severity.value;
      var check = form.elements.check.value;
      var text = form.elements.q.value.trim().toLowerCase();
      return data.findings.filter(function (f) {
        var c = data.checks[f.c];
        if (status === 'open' ? OPEN.indexOf(f.s) < 0 : status && f.s !== status) return false;
        if (severity && f.v !== severity) return false;
        if (check && (check.indexOf('row:') === 0 ? 'row:' + c.row !== check : c.id !== check)) return false;
        if (text && f.r.toLowerCase().indexOf(text) < 0 && f.m.toLowerCase().indexOf(text) < 0) return false;
        return true;
      });
    }

    function render() {
      var rows = matching();
      var pages = Math.max(1, Math.ceil(rows.length / PAGE_SIZE));
      page = Math.min(page, pages - 1);
      var shown = printing ? rows : rows.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE);
      var fragment = document.createDocumentFragment();
      shown.forEach(function (f) {
        fragment.appendChild(findingRow(f, data.checks[f.c]));
      });
      if (rows.length === 0) {
        fragment.appendChild(el('tr', { class: 'more' }, [el('td', { colspan: '5' }, ['No finding matches these filters.'])]));
      }
      tbody.replaceChildren(fragment);
      var first = rows.length === 0 ? 0 : page * PAGE_SIZE + 1;
      output.textContent =
        rows.length === 0
          ? 'No matching findings (of ' + data.findings.length + ').'
          : 'Showing ' + first + '–' + (first + shown.length - 1) + ' of ' + rows.length + ' matching findings (of ' + data.findings.length + '), page ' + (page + 1) + ' of ' + pages + '.';
      previous.disabled = page === 0;
      next.disabled = page >= pages - 1;
    }

    form.addEventListener('input', function () {
      page = 0;
      render();
    });
    form.addEventListener('submit', function (event) {
      event.preventDefault();
    });
    form.addEventListener('reset', function () {
      // The form resets its fields after this event; render once they are reset.
      setTimeout(function () {
        page = 0;
        render();
      }, 0);
    });
    previous.addEventListener('click', function () {
      page -= 1;
      render();
    });
    next.addEventListener('click', function () {
      page += 1;
      render();
    });
    window.addEventListener('beforeprint', function () {
      printing = true;
      render();
    });
    window.addEventListener('afterprint', function () {
      printing = false;
      render();
    });
    render();
  }

  function initMatrixFilter(form) {
    var table = document.getElementById(form.getAttribute('data-matrix-filter'));
    var output = form.querySelector('output');
    var rows = Array.prototype.slice.call(table.querySelectorAll('tbody tr[data-name]'));
    function apply() {
      var text = form.elements.q.value.trim().toLowerCase();
      var status = form.elements.status.value;
      var visible = 0;
      rows.forEach(function (row) {
        var show =
          (!text || row.getAttribute('data-name').toLowerCase().indexOf(text) >= 0) &&
          (!status || row.getAttribute('data-statuses').split(' ').indexOf(status) >= 0);
        row.hidden = !show;
        if (show) visible += 1;
      });
      output.textContent = visible + ' of ' + rows.length + ' services shown.';
    }
    form.addEventListener('input', apply);
    form.addEventListener('submit', function (event) {
      event.preventDefault();
    });
    form.addEventListener('reset', function () {
      setTimeout(apply, 0);
    });
    apply();
  }

  Array.prototype.forEach.call(document.querySelectorAll('[data-js-only]'), function (node) {
    node.hidden = false;
  });
  Array.prototype.forEach.call(document.querySelectorAll('[data-no-js]'), function (node) {
    node.hidden = true;
  });
  Array.prototype.forEach.call(document.querySelectorAll('[data-findings]'), initFindings);
  Array.prototype.forEach.call(document.querySelectorAll('[data-matrix-filter]'), initMatrixFilter);
  // Print every evidence and remediation block (the stylesheet does too where ::details-content is supported).
  window.addEventListener('beforeprint', function () {
    Array.prototype.forEach.call(document.querySelectorAll('details:not(.chart-data)'), function (node) {
      node.open = true;
    });
  });
})();
