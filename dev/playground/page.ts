/**
 * The playground's page: the add-on menu as buttons, a live view of the spreadsheet, and the
 * real sidebar in a 300 px frame on the right, as in Google Sheets. Every value reaches the DOM
 * as text; the configuration rides in a JSON script tag with '<' escaped.
 */
export interface PageConfig {
  user: string;
  simUrl: string;
  spreadsheetName: string;
  menu: { caption: string; functionName: string }[];
}

export function playgroundPage(config: PageConfig): string {
  const json = JSON.stringify(config).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Keap Sheets Sync — local playground</title>
<style>${PAGE_CSS}</style>
</head>
<body>
<header class="top">
  <div>
    <strong id="doc-name"></strong>
    <span class="muted" id="who"></span>
  </div>
  <nav class="menu" aria-label="Add-on menu">
    <span class="muted">Extensions › Keap Sheets Sync:</span>
    <span id="menu-items"></span>
  </nav>
</header>
<div class="layout">
  <section class="sheet" aria-label="Spreadsheet">
    <div class="tabs" id="tabs" role="tablist"></div>
    <div class="grid-wrap"><table id="grid" data-testid="sheet-grid"></table></div>
    <details class="dev" id="dev">
      <summary>Dev controls (playground only, not part of the add-on)</summary>
      <p class="muted">These act on the local Keap simulator and the script properties, to see the sidebar's error states.</p>
      <button type="button" id="dev-revoke">Revoke Keap tokens</button>
      <button type="button" id="dev-fault">Make Keap refuse contact reads…</button>
      <button type="button" id="dev-clear-faults">Clear Keap errors</button>
      <button type="button" id="dev-unconfigure">Remove KEAP_CLIENT_ID</button>
      <button type="button" id="dev-configure">Restore client id and secret</button>
      <span id="dev-status" class="muted" role="status"></span>
    </details>
  </section>
  <aside class="panel" aria-label="Sidebar">
    <div class="panel-title"><span>Keap Sync</span><button type="button" id="sidebar-reload" title="Close and reopen the sidebar">⟳</button></div>
    <iframe id="sidebar-frame" name="sidebar" title="Keap Sync sidebar" src="/sidebar"></iframe>
  </aside>
</div>
<div id="alert-backdrop" hidden>
  <div id="alert" role="alertdialog" aria-modal="true" aria-labelledby="alert-title" data-testid="alert">
    <h2 id="alert-title"></h2>
    <p id="alert-body"></p>
    <div class="alert-buttons"><button type="button" id="alert-ok" class="action">OK</button></div>
  </div>
</div>
<script id="config" type="application/json">${json}</script>
<script>${PAGE_SCRIPT}</script>
</body>
</html>`;
}

const PAGE_CSS = `
* { box-sizing: border-box; }
html, body { margin: 0; height: 100%; }
body { font: 13px/1.4 Roboto, Arial, sans-serif; color: #202124; background: #f8f9fa; display: flex; flex-direction: column; }
.muted { color: #5f6368; }
.top { display: flex; flex-wrap: wrap; gap: 8px 24px; align-items: center; justify-content: space-between; padding: 8px 12px; background: #fff; border-bottom: 1px solid #dadce0; }
.top strong { font-size: 16px; font-weight: 500; margin-right: 8px; }
.menu button, .dev button { font: inherit; margin: 2px; padding: 4px 10px; border: 1px solid #dadce0; border-radius: 4px; background: #fff; color: #1a73e8; cursor: pointer; }
.menu button:hover, .dev button:hover { background: #f1f3f4; }
.layout { flex: 1; display: flex; min-height: 0; }
.sheet { flex: 1; min-width: 0; display: flex; flex-direction: column; padding: 8px; gap: 8px; }
.tabs { display: flex; gap: 4px; }
.tabs button { font: inherit; padding: 4px 12px; border: 1px solid #dadce0; border-radius: 4px 4px 0 0; background: #f1f3f4; cursor: pointer; }
.tabs button[aria-selected="true"] { background: #fff; color: #188038; font-weight: 500; }
.grid-wrap { flex: 1; overflow: auto; background: #fff; border: 1px solid #dadce0; }
table { border-collapse: collapse; font-size: 12px; }
th, td { border: 1px solid #e2e3e3; padding: 2px 6px; white-space: nowrap; max-width: 200px; overflow: hidden; text-overflow: ellipsis; }
th { background: #f8f9fa; color: #5f6368; font-weight: normal; position: sticky; top: 0; }
td.rowno { background: #f8f9fa; color: #5f6368; text-align: center; }
td.flag { cursor: pointer; }
td input { width: 100%; box-sizing: border-box; font: inherit; border: 2px solid #1a73e8; padding: 0 2px; }
tr.header td { font-weight: 500; }
.dev { background: #fff; border: 1px solid #dadce0; border-radius: 4px; padding: 6px 10px; }
.dev summary { cursor: pointer; color: #5f6368; }
.panel { width: 301px; flex: none; display: flex; flex-direction: column; background: #fff; border-left: 1px solid #dadce0; }
.panel-title { display: flex; justify-content: space-between; align-items: center; padding: 10px 12px; font-size: 16px; border-bottom: 1px solid #dadce0; }
.panel-title button { border: 0; background: none; font-size: 16px; cursor: pointer; color: #5f6368; }
#sidebar-frame { width: 300px; flex: 1; border: 0; }
#alert-backdrop { position: fixed; inset: 0; background: rgba(32,33,36,.4); display: flex; align-items: center; justify-content: center; }
#alert-backdrop[hidden] { display: none; }
.hidden-column { color: #80868b; background: #f1f3f4; }
#alert { background: #fff; border-radius: 8px; padding: 20px 24px; max-width: 520px; box-shadow: 0 4px 16px rgba(0,0,0,.3); }
#alert h2 { margin: 0 0 12px; font-size: 18px; font-weight: 400; }
#alert-body { white-space: pre-wrap; }
.alert-buttons { text-align: right; }
.alert-buttons button { font: inherit; padding: 6px 20px; border: 0; border-radius: 4px; background: #1a73e8; color: #fff; cursor: pointer; }
`;

const PAGE_SCRIPT = `
(function () {
  'use strict';
  var config = JSON.parse(document.getElementById('config').textContent);
  var shownTab = null;
  var byId = function (id) { return document.getElementById(id); };

  byId('doc-name').textContent = config.spreadsheetName;
  byId('who').textContent = 'signed in as ' + config.user + ' · Keap simulator at ' + config.simUrl;

  function post(path, body) {
    return fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body || {}),
    }).then(function (r) { return r.json(); });
  }

  function showAlert(title, body) {
    byId('alert-title').textContent = title || 'Keap Sync';
    byId('alert-body').textContent = body;
    byId('alert-backdrop').hidden = false;
    byId('alert-ok').focus();
  }
  byId('alert-ok').addEventListener('click', function () { byId('alert-backdrop').hidden = true; });

  function columnName(n) {
    var s = '';
    for (n += 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
    return s;
  }

  function renderSheet(data) {
    var tabs = byId('tabs');
    tabs.textContent = '';
    if (!data.tabs.some(function (t) { return t.name === shownTab; })) shownTab = data.tabs.length ? data.tabs[0].name : null;
    data.tabs.forEach(function (tab) {
      var b = document.createElement('button');
      b.type = 'button';
      b.setAttribute('role', 'tab');
      b.setAttribute('aria-selected', String(tab.name === shownTab));
      b.textContent = tab.name + (tab.hidden ? ' (hidden)' : '');
      b.addEventListener('click', function () { shownTab = tab.name; renderSheet(data); });
      tabs.appendChild(b);
    });
    var grid = byId('grid');
    grid.textContent = '';
    var tab = data.tabs.filter(function (t) { return t.name === shownTab; })[0];
    if (!tab) return;
    var width = tab.rows.reduce(function (w, r) { return Math.max(w, r.length); }, 0);
    // Shown, but greyed: Sheets would hide them, and the playground is for looking inside.
    var hiddenColumn = function (c) { return (tab.hiddenColumns || []).indexOf(c + 1) !== -1; };
    var head = document.createElement('tr');
    head.appendChild(document.createElement('th'));
    for (var c = 0; c < width; c += 1) {
      var th = document.createElement('th');
      th.textContent = columnName(c) + (hiddenColumn(c) ? ' (hidden)' : '');
      if (hiddenColumn(c)) th.className = 'hidden-column';
      head.appendChild(th);
    }
    grid.appendChild(head);
    tab.rows.forEach(function (row, r) {
      var tr = document.createElement('tr');
      if (r === 0) tr.className = 'header';
      var no = document.createElement('td');
      no.className = 'rowno';
      no.textContent = String(r + 1);
      tr.appendChild(no);
      for (var c2 = 0; c2 < width; c2 += 1) {
        var td = document.createElement('td');
        td.textContent = row[c2] === undefined ? '' : row[c2];
        td.title = td.textContent;
        if (hiddenColumn(c2)) td.className = 'hidden-column';
        makeEditable(td, tab.name, r + 1, c2 + 1);
        tr.appendChild(td);
      }
      grid.appendChild(tr);
    });
  }

  // Editing as in Sheets: double-click (or Enter) to type, Enter saves, Escape cancels; a
  // TRUE/FALSE cell flips on a click, like the Opt Out checkbox.
  var editing = false;
  function saveCell(tabName, row, column, text) {
    return post('/api/sheet/cell', { tab: tabName, row: row, column: column, text: text }).then(function (answer) {
      if (!answer.ok) showAlert('The cell was not changed', answer.error.message);
    });
  }
  function makeEditable(td, tabName, row, column) {
    td.tabIndex = 0;
    td.dataset.cell = columnName(column - 1) + row;
    var flag = td.textContent === 'TRUE' || td.textContent === 'FALSE';
    if (flag) {
      td.className += ' flag';
      td.addEventListener('click', function () {
        saveCell(tabName, row, column, td.textContent === 'TRUE' ? 'FALSE' : 'TRUE').then(forceRefresh);
      });
      return;
    }
    var open = function () {
      if (editing) return;
      editing = true;
      var input = document.createElement('input');
      input.value = td.textContent;
      input.setAttribute('aria-label', 'Cell ' + td.dataset.cell);
      td.textContent = '';
      td.appendChild(input);
      input.focus();
      var done = false;
      var finish = function (save) {
        if (done) return;
        done = true;
        editing = false;
        var text = input.value;
        (save ? saveCell(tabName, row, column, text) : Promise.resolve()).then(forceRefresh);
      };
      input.addEventListener('keydown', function (event) {
        if (event.key === 'Enter') finish(true);
        else if (event.key === 'Escape') finish(false);
      });
      input.addEventListener('blur', function () { finish(true); });
    };
    td.addEventListener('dblclick', open);
    td.addEventListener('keydown', function (event) {
      if (event.key === 'Enter' && event.target === td) open();
    });
  }
  function forceRefresh() {
    refreshing = false;
    refreshSheet();
  }

  var refreshing = false;
  function refreshSheet() {
    if (refreshing || editing) return;
    refreshing = true;
    fetch('/api/sheet')
      .then(function (r) { return r.json(); })
      .then(renderSheet, function () {})
      .then(function () { refreshing = false; });
  }

  window.addEventListener('message', function (event) {
    if (event.origin === location.origin && event.data && event.data.kssPlayground === 'ran') refreshSheet();
  });
  setInterval(refreshSheet, 10000);

  var QUESTIONS = {
    menuEnableDailySync: function () {
      var hour = window.prompt('At which hour should the daily sync run? (0 to 23)', '6');
      return hour === null
        ? { promptResponses: [{ button: 'CANCEL', text: '' }] }
        : { promptResponses: [{ button: 'OK', text: hour }] };
    },
    menuDisconnect: function () {
      return { alertResponses: [window.confirm('Disconnect this spreadsheet from Keap?') ? 'YES' : 'NO'] };
    },
  };

  function runMenu(item) {
    if (item.functionName === 'showSidebar') {
      byId('sidebar-frame').src = '/sidebar';
      return;
    }
    var answers = QUESTIONS[item.functionName] ? QUESTIONS[item.functionName]() : {};
    post('/menu/' + encodeURIComponent(item.functionName), answers).then(function (answer) {
      refreshSheet();
      if (!answer.ok) {
        showAlert('Script error', answer.error.name + ': ' + answer.error.message);
        return;
      }
      var last = answer.alerts[answer.alerts.length - 1];
      if (last) showAlert(last.title, last.prompt);
    });
  }

  var menu = byId('menu-items');
  config.menu.forEach(function (item) {
    var b = document.createElement('button');
    b.type = 'button';
    b.id = 'menu-' + item.functionName;
    b.textContent = item.caption;
    b.addEventListener('click', function () { runMenu(item); });
    menu.appendChild(b);
  });

  byId('sidebar-reload').addEventListener('click', function () { byId('sidebar-frame').src = '/sidebar'; });

  function dev(path, body, done) {
    post(path, body).then(function (answer) {
      byId('dev-status').textContent = answer.ok ? done : 'Failed: ' + answer.error.message;
      refreshSheet();
    });
  }
  byId('dev-revoke').addEventListener('click', function () {
    dev('/dev/revoke', {}, 'Keap tokens revoked: the next sync finds the connection lost.');
  });
  byId('dev-fault').addEventListener('click', function () {
    var message = window.prompt("Keap's error message", 'Contact is locked by another process');
    if (message !== null) dev('/dev/fault', { message: message }, 'Keap now refuses contact reads.');
  });
  byId('dev-clear-faults').addEventListener('click', function () {
    dev('/dev/clear-faults', {}, 'Keap answers normally again.');
  });
  byId('dev-unconfigure').addEventListener('click', function () {
    dev('/dev/setup', { configured: false }, 'KEAP_CLIENT_ID removed: reopen the sidebar.');
  });
  byId('dev-configure').addEventListener('click', function () {
    dev('/dev/setup', { configured: true }, 'Client id and secret set: reopen the sidebar.');
  });

  refreshSheet();
})();
`;
