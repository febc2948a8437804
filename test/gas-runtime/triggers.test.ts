import { zonedParts } from './timeZone';
import { ADDON_TRIGGER_PER_DOCUMENT, TOO_MANY_TRIGGERS } from './triggers';
import { SERVICE_ERROR_MESSAGE } from './execution';
import { removeBundles, runtimeWith } from './testSupport';
import { VirtualClock } from './clock';

afterAll(removeBundles);

const BUNDLE = `
function enableDaily(hour, tz) {
  var b = ScriptApp.newTrigger('daily').timeBased().everyDays(1).atHour(hour);
  if (tz) b = b.inTimezone(tz);
  return b.create().getUniqueId();
}
function enableOnce(ms) { return ScriptApp.newTrigger('once').timeBased().after(ms).create().getUniqueId(); }
function daily(e) {
  var doc = SpreadsheetApp.getActiveSpreadsheet();
  PropertiesService.getUserProperties().setProperty('ran', String(Number(PropertiesService.getUserProperties().getProperty('ran') || 0) + 1));
  return { uid: e.triggerUid, authMode: String(e.authMode), user: Session.getEffectiveUser().getEmail(), hasDocument: doc !== null };
}
function once(e) {
  ScriptApp.getProjectTriggers().forEach(function (t) { if (t.getUniqueId() === e.triggerUid) ScriptApp.deleteTrigger(t); });
  return 'once ran';
}
function list() {
  return ScriptApp.getProjectTriggers().map(function (t) {
    return [t.getHandlerFunction(), String(t.getEventType()), String(t.getTriggerSource())];
  });
}
function removeAll() { ScriptApp.getProjectTriggers().forEach(function (t) { ScriptApp.deleteTrigger(t); }); }
`;

const DAY = 24 * 3600 * 1000;

describe('time-driven triggers', () => {
  test('a daily trigger is listed, fires at its hour in its time zone as its owner, and can be deleted', () => {
    const clock = new VirtualClock(Date.UTC(2025, 2, 10, 12, 0));
    const rt = runtimeWith(BUNDLE, { clock, timeZone: 'America/New_York' });
    const id = rt.createSpreadsheet({ sheets: { Sheet1: [] } });
    const uid = rt.run<string>('enableDaily', [6], {
      user: 'ann@example.com',
      spreadsheetId: id,
    }).value;
    expect(rt.run('list', [], { user: 'ann@example.com' }).value).toEqual([
      ['daily', 'CLOCK', 'CLOCK'],
    ]);
    expect(rt.run('list', [], { user: 'bob@example.com' }).value).toEqual([]);

    const [info] = rt.triggers('ann@example.com');
    const fireAt = info?.nextRunAt as number;
    const local = zonedParts(fireAt, 'America/New_York');
    expect([local.day, local.hour]).toEqual([11, 6]);
    expect(local.minute).toBe(info?.schedule?.kind === 'daily' ? info.schedule.minute : -1);

    expect(rt.advanceTo(fireAt - 1)).toEqual([]);
    const fired = rt.advanceTo(fireAt + 2 * DAY);
    expect(fired.map((r) => r.startedAt)).toEqual([fireAt, fireAt + DAY, fireAt + 2 * DAY]);
    expect(fired[0]?.value).toEqual({
      uid,
      authMode: 'FULL',
      user: 'ann@example.com',
      hasDocument: true,
    });
    expect(rt.userProperties('ann@example.com').ran).toBe('3');

    rt.run('removeAll', [], { user: 'ann@example.com' });
    expect(rt.triggers()).toEqual([]);
    expect(rt.advanceTo(fireAt + 5 * DAY)).toEqual([]);
  });

  test('a one-off trigger fires once at its time; runDueTriggers fires what is due now', () => {
    const rt = runtimeWith(BUNDLE);
    rt.run('enableOnce', [60000]);
    rt.run('enableOnce', [120000]);
    rt.clock.advance(90000);
    const fired = rt.runDueTriggers();
    expect(fired.map((r) => r.value)).toEqual(['once ran']);
    expect(rt.triggers()).toHaveLength(1);
    expect(rt.advanceTo(rt.clock.now() + DAY).map((r) => r.value)).toEqual(['once ran']);
    expect(rt.triggers()).toEqual([]);
  });

  test('20 triggers per user per script', () => {
    const rt = runtimeWith(BUNDLE);
    for (let i = 0; i < 20; i++) expect(rt.run('enableOnce', [DAY]).error).toBeUndefined();
    expect(rt.run('enableOnce', [DAY]).error?.message).toBe(TOO_MANY_TRIGGERS);
    expect(rt.run('enableOnce', [DAY], { user: 'bob@example.com' }).error).toBeUndefined();
  });

  test('add-on mode: one time-driven trigger per user per document, run without an active document', () => {
    const rt = runtimeWith(BUNDLE, { addOnMode: true });
    const a = rt.createSpreadsheet({ sheets: { Sheet1: [] } });
    const b = rt.createSpreadsheet({ sheets: { Sheet1: [] } });
    expect(rt.run('enableDaily', [3], { spreadsheetId: a }).error).toBeUndefined();
    expect(rt.run('enableOnce', [1000], { spreadsheetId: a }).error?.message).toBe(
      ADDON_TRIGGER_PER_DOCUMENT,
    );
    expect(rt.run('enableDaily', [3], { spreadsheetId: b }).error).toBeUndefined();
    expect(
      rt.run('enableDaily', [3], { spreadsheetId: a, user: 'bob@example.com' }).error,
    ).toBeUndefined();
    const fired = rt.advanceTo(rt.clock.now() + DAY);
    expect(fired).toHaveLength(3);
    expect(fired.every((r) => (r.value as { hasDocument: boolean }).hasDocument === false)).toBe(
      true,
    );
  });

  test('add-on hourly rule on (default): a one-off fires no sooner than an hour after it is made', () => {
    const rt = runtimeWith(BUNDLE, { addOnMode: true });
    const a = rt.createSpreadsheet({ sheets: { Sheet1: [] } });
    const made = rt.clock.now();
    rt.run('enableOnce', [60000], { spreadsheetId: a });
    expect(rt.triggers()[0]?.nextRunAt).toBe(made + 3600 * 1000);
    expect(rt.advanceTo(made + 30 * 60000)).toEqual([]);
    expect(rt.advanceTo(made + 3600 * 1000).map((r) => r.value)).toEqual(['once ran']);
  });

  test('add-on hourly rule off: a one-off fires when asked; one per document still holds', () => {
    const rt = runtimeWith(BUNDLE, { addOnMode: true, addOnHourlyRule: false });
    const a = rt.createSpreadsheet({ sheets: { Sheet1: [] } });
    const made = rt.clock.now();
    rt.run('enableOnce', [60000], { spreadsheetId: a });
    expect(rt.triggers()[0]?.nextRunAt).toBe(made + 60000);
    expect(rt.run('enableOnce', [60000], { spreadsheetId: a }).error?.message).toBe(
      ADDON_TRIGGER_PER_DOCUMENT,
    );
    expect(rt.advanceTo(made + 60000).map((r) => r.value)).toEqual(['once ran']);
  });

  test('a service call can be made to throw a Google service error (the next one works)', () => {
    const rt = runtimeWith(BUNDLE);
    const failed = rt.run('list', [], { failServiceCalls: [1] });
    expect(failed.error?.message).toBe(SERVICE_ERROR_MESSAGE);
    expect(failed.killed).toBe(false);
    expect(rt.run('list', [], { failServiceCalls: [2] }).error).toBeUndefined();
  });
});
