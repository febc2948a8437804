import { VirtualClock } from './clock';
import { TIME_LIMIT_MESSAGE } from './execution';
import { removeBundles, runtimeWith } from './testSupport';

afterAll(removeBundles);

const BUNDLE = `
var counter = 0;
var loadedAt = new Date().getTime();
function add(a, b) { return a + b; }
function bump() { counter += 1; return counter; }
function whenLoaded() { return loadedAt; }
function nowPair() { return [Date.now(), new Date().getTime(), typeof Date()]; }
function sleepFor(ms) { var before = Date.now(); Utilities.sleep(ms); return Date.now() - before; }
function realmChecks() {
  var ss = SpreadsheetApp.getActiveSpreadsheet();
  var values = ss.getSheetByName('Data').getDataRange().getValues();
  var d = values[1][1];
  var caught;
  try { ss.getSheetByName('Data').getRange(1, 1, 2, 2).setValues([[1]]); } catch (e) { caught = e; }
  return {
    isArray: Array.isArray(values),
    rowIsArray: values[0] instanceof Array,
    dateIsDate: d instanceof Date,
    dateYear: d.getUTCFullYear(),
    errorIsError: caught instanceof Error,
    errorText: String(caught),
    keys: Object.keys(PropertiesService.getUserProperties().getProperties()) instanceof Array,
  };
}
function busy(n) {
  var sheet = SpreadsheetApp.getActiveSpreadsheet().getSheetByName('Data');
  var done = 0;
  for (var i = 0; i < n; i++) { sheet.getRange(1, 1).setValue(i); done++; }
  return done;
}
function swallowKill() {
  var sheet = SpreadsheetApp.getActiveSpreadsheet().getSheetByName('Data');
  for (var i = 0; i < 1000; i++) { try { sheet.getRange(1, 1).setValue(i); } catch (e) {} }
  PropertiesService.getScriptProperties().setProperty('after', 'kill');
  return 'finished';
}
function writeThree() {
  var props = PropertiesService.getScriptProperties();
  props.setProperty('a', '1'); props.setProperty('b', '2'); props.setProperty('c', '3');
}
function logSomething() { Logger.log('hello %s', 'world'); console.warn('careful', 42); return Session.getActiveUser().getEmail(); }
function showMenu(e) {
  SpreadsheetApp.getUi().createAddonMenu().addItem('Sync now', 'syncNow').addSeparator().addItem('Open', 'showSidebar').addToUi();
  return e && e.authMode;
}
function onOpen(e) {
  SpreadsheetApp.getUi().createAddonMenu().addItem('Sync now', 'syncNow').addToUi();
  return [String(e.authMode), e.source ? e.source.getName() : null];
}
function uiInTrigger() { return SpreadsheetApp.getUi(); }
function sidebarState() { return { connected: true, lastRun: new Date() }; }
function sidebarPlain(name) { return { hello: name }; }
function secret_() { return 'hidden'; }
var internals = (function () {
  function readSecret() { return PropertiesService.getScriptProperties().getProperty('secret'); }
  return { readSecret: readSecret };
})();
var storedHelper = function () { return 'anonymous'; };
var arrowHelper = () => 'arrow';
function failing() { throw new Error('boom'); }
function spin() { for (;;) {} }
`;

function setup(options = {}) {
  const rt = runtimeWith(BUNDLE, options);
  const id = rt.createSpreadsheet({
    sheets: {
      Data: [
        ['name', 'when'],
        ['Ann', new Date(Date.UTC(2024, 4, 6))],
      ],
    },
  });
  return { rt, id };
}

describe('loading the bundle', () => {
  test('top-level functions are callable entry points and arguments arrive', () => {
    const { rt } = setup();
    expect(rt.run('add', [2, 3]).value).toBe(5);
  });

  test('an unknown entry point fails as Apps Script reports it', () => {
    const { rt } = setup();
    expect(rt.run('nope').error?.message).toBe('Script function not found: nope');
  });

  test('each execution gets a fresh global scope', () => {
    const { rt } = setup();
    expect(rt.run('bump').value).toBe(1);
    expect(rt.run('bump').value).toBe(1);
  });

  test("the top level runs again in each execution, at that execution's time", () => {
    const { rt } = setup();
    const first = rt.run<number>('whenLoaded').value;
    rt.clock.advance(5000);
    expect(rt.run<number>('whenLoaded').value).toBe((first as number) + 5000);
  });

  test('values from the services are real Arrays, Dates and Errors inside the script', () => {
    const { rt, id } = setup();
    const r = rt.run('realmChecks', [], { spreadsheetId: id });
    expect(r.error).toBeUndefined();
    expect(r.value).toEqual({
      isArray: true,
      rowIsArray: true,
      dateIsDate: true,
      dateYear: 2024,
      errorIsError: true,
      errorText: expect.stringMatching(/^Exception: The number of rows in the data does not match/),
      keys: true,
    });
  });

  test('google.script.run: private names refused, Dates never reach the page', () => {
    const { rt } = setup();
    expect(rt.scriptRun('sidebarPlain', ['Ann']).value).toEqual({ hello: 'Ann' });
    expect(rt.scriptRun('sidebarState').value).toBeNull();
    expect(() => rt.scriptRun('secret_')).toThrow('google.script.run.secret_ is not a function');
    expect(() => rt.scriptRun('sidebarPlain', [new Date()])).toThrow(/Dates/);
  });

  test('google.script.run offers only public top-level function declarations: nothing inside a closure, no variable, no service', () => {
    const { rt } = setup();
    const offered = rt.publicFunctions();
    expect(offered).toEqual(expect.arrayContaining(['add', 'sidebarPlain', 'onOpen']));
    for (const name of [
      'secret_',
      'internals',
      'readSecret',
      'storedHelper',
      'arrowHelper',
      'SpreadsheetApp',
      'Date',
      'eval',
      'constructor',
    ]) {
      expect(offered).not.toContain(name);
      expect(() => rt.scriptRun(name)).toThrow(`google.script.run.${name} is not a function`);
    }
    // A refused call runs nothing: no execution is recorded.
    expect(rt.executions).toEqual([]);
    // Apps Script itself (triggers, menus, the editor) still reaches what the bundle declares.
    expect(rt.run('add', [1, 2]).value).toBe(3);
  });

  test('a thrown error is reported with its message', () => {
    const { rt } = setup();
    const r = rt.run('failing');
    expect(r.error).toMatchObject({ name: 'Error', message: 'boom' });
    expect(r.killed).toBe(false);
  });
});

describe('virtual time', () => {
  test('Date and Date.now read the virtual clock', () => {
    const clock = new VirtualClock(Date.UTC(2030, 0, 1));
    const { rt } = setup({ clock });
    const [now, fromNew, called] = rt.run<[number, number, string]>('nowPair').value as [
      number,
      number,
      string,
    ];
    expect(now).toBe(Date.UTC(2030, 0, 1));
    expect(fromNew).toBe(now);
    expect(called).toBe('string');
  });

  test('Utilities.sleep advances the clock and is counted', () => {
    const { rt } = setup();
    const before = rt.clock.now();
    const r = rt.run('sleepFor', [1500]);
    expect(r.value).toBe(1500);
    expect(rt.clock.now() - before).toBe(1500);
    expect(r.ledger.sleepMs).toBe(1500);
    expect(r.ledger.virtualMs).toBe(1500);
  });

  test('each spreadsheet call costs its latency', () => {
    const { rt, id } = setup({ latency: { spreadsheetCallMs: 40 } });
    const r = rt.run('busy', [10], { spreadsheetId: id });
    // getActiveSpreadsheet, getSheetByName, then getRange + setValue per loop.
    expect(r.ledger.spreadsheetCalls).toBe(22);
    expect(r.ledger.virtualMs).toBe(22 * 40);
  });
});

describe('the 6-minute limit', () => {
  test('the call that crosses the limit throws and the execution is killed', () => {
    const { rt, id } = setup();
    const r = rt.run('busy', [100000], { spreadsheetId: id });
    expect(r.killed).toBe(true);
    expect(r.error?.message).toBe(TIME_LIMIT_MESSAGE);
    expect(r.value).toBeUndefined();
    expect(r.ledger.virtualMs).toBeGreaterThan(360000);
    expect(r.ledger.virtualMs).toBeLessThanOrEqual(360000 + 50);
  });

  test("a script that never calls a service ends with the same message, not Node's", () => {
    const { rt } = setup({ realTimeLimitMs: 200 });
    const r = rt.run('spin');
    expect(r.killed).toBe(true);
    expect(r.error?.message).toBe(TIME_LIMIT_MESSAGE);
  });

  test('catching the kill does not help: every later call throws too', () => {
    const { rt, id } = setup({ executionLimitMs: 10000 });
    const r = rt.run('swallowKill', [], { spreadsheetId: id });
    expect(r.killed).toBe(true);
    expect(rt.scriptProperties()).toEqual({});
  });

  test('killAfterServiceCalls stops the execution at that exact call', () => {
    const { rt } = setup();
    const r = rt.run('writeThree', [], { killAfterServiceCalls: 4 });
    // Calls: getScriptProperties (1), setProperty a (2), setProperty b (3), setProperty c (4) - killed.
    expect(r.killed).toBe(true);
    expect(rt.scriptProperties()).toEqual({ a: '1', b: '2' });
  });
});

describe('users, logs and UI', () => {
  test('Logger and console are captured with the user and function', () => {
    const { rt } = setup();
    const r = rt.run('logSomething', [], { user: 'ann@example.com' });
    expect(r.value).toBe('ann@example.com');
    expect(r.logs).toEqual(['hello world', 'careful 42']);
    expect(rt.logs.map((l) => [l.user, l.fn, l.level])).toEqual([
      ['ann@example.com', 'logSomething', 'INFO'],
      ['ann@example.com', 'logSomething', 'WARNING'],
    ]);
  });

  test('an add-on menu is recorded, and the event reaches the handler', () => {
    const { rt, id } = setup();
    const r = rt.run('showMenu', [], {
      spreadsheetId: id,
      authMode: 'NONE',
      event: { authMode: 'NONE' },
    });
    expect(r.value).toBe('NONE');
    expect(r.ui).toEqual([
      {
        type: 'menu',
        title: 'Add-on',
        addOn: true,
        items: [
          { type: 'item', caption: 'Sync now', functionName: 'syncNow' },
          { type: 'separator' },
          { type: 'item', caption: 'Open', functionName: 'showSidebar' },
        ],
      },
    ]);
  });

  test('opening the document runs onOpen with its event, without a source in AuthMode.NONE', () => {
    const { rt, id } = setup();
    const limited = rt.openDocument(id);
    expect(limited.value).toEqual(['LIMITED', 'Spreadsheet 1']);
    expect(limited.ui).toHaveLength(1);
    const none = rt.openDocument(id, { authMode: 'NONE', user: 'new@example.com' });
    expect(none.value).toEqual(['NONE', null]);
    expect(none.ui[0]).toMatchObject({ type: 'menu', addOn: true });
  });

  test('getUi() throws without a document or in a time-driven trigger', () => {
    const { rt, id } = setup();
    expect(rt.run('uiInTrigger', [], { spreadsheetId: null }).error?.message).toBe(
      'Cannot call SpreadsheetApp.getUi() from this context.',
    );
    expect(rt.run('uiInTrigger', [], { spreadsheetId: id, timeDriven: true }).error?.message).toBe(
      'Cannot call SpreadsheetApp.getUi() from this context.',
    );
  });
});
