/**
 * The Keap Email Status column tells its own earlier words from a person's note by the marks
 * it stores in the spreadsheet (developer metadata, keapStatusMarks.ts), never by reading its
 * words back: through the built bundle, across runs, editors and the daily trigger. A sheet of
 * the released version (no marks) is read once by the legacy reader and marked from then on;
 * a record that is missing, corrupt or too large counts as none, and nothing throws.
 */
import { worked } from './support/hourly';
import { connectedWorld } from './support/sync';
import { DAY, EDITOR, HEADERS, TENANT, type World } from './world';
import {
  BOUNCED_NOT_TICKED,
  MARKS_KEY,
  NOTE,
  newWorld,
  sync,
  type,
} from './support/keapStatusMarks';

function marksRecords(w: World) {
  return w.rt.developerMetadata(w.spreadsheetId).filter((record) => record.key === MARKS_KEY);
}

describe('the Keap Email Status column keeps a person’s note and refreshes its own words', () => {
  it('across runs: the note stays, the add-on’s words are replaced and emptied as needed', () => {
    const w = newWorld();
    sync(w);
    expect(w.column('Keap Email Status')).toEqual(['Subscribed', 'Subscribed', '']);
    expect(marksRecords(w).map((record) => record.visibility)).toEqual(['PROJECT']);
    // A person writes a note beside the row without an email.
    type(w, 4, NOTE);
    sync(w);
    expect(w.column('Keap Email Status')).toEqual(['Subscribed', 'Subscribed', NOTE]);
    // Keap's status changes: the add-on's words follow.
    w.sim.setEmailStatus(TENANT, 'a@example.com', 'BOUNCE');
    sync(w);
    expect(w.column('Keap Email Status')).toEqual([BOUNCED_NOT_TICKED, 'Subscribed', NOTE]);
    // A row loses its email: the add-on's words there go; the note stays.
    w.sheet().setCell(3, 2, '');
    sync(w);
    expect(w.column('Keap Email Status')).toEqual([BOUNCED_NOT_TICKED, '', NOTE]);
    sync(w);
    expect(w.column('Keap Email Status')).toEqual([BOUNCED_NOT_TICKED, '', NOTE]);
    expect(marksRecords(w)).toHaveLength(1);
  });

  it('a note typed word for word like words the add-on writes elsewhere, but not shown now, is kept', () => {
    const w = newWorld();
    sync(w);
    // 'Bounced' is the add-on's words for another address; here a person typed it.
    type(w, 4, 'Bounced');
    sync(w);
    expect(w.column('Keap Email Status')).toEqual(['Subscribed', 'Subscribed', 'Bounced']);
  });
});

describe('a sheet the released version synced (no marks yet)', () => {
  function releasedWorld(): World {
    const w = connectedWorld(
      [
        [...HEADERS, 'Sync Status', 'Keap Email Status'],
        [1, 'a@example.com', '', '', '', 'Subscribed'],
        [2, '', '', '', '', 'Bounced'], // the released version's words beside a cleared email
        [3, '', '', '', '', NOTE], // a person's note
      ],
      { keapEmailStatus: null },
    );
    w.addContact(1, 'a@example.com');
    w.addContact(2, 'b@example.com');
    w.addContact(3, 'c@example.com');
    return w;
  }

  it('is read once by the legacy reader, then only the marks decide', () => {
    const w = releasedWorld();
    expect(marksRecords(w)).toEqual([]);
    sync(w);
    expect(w.column('Keap Email Status')).toEqual(['Subscribed', '', NOTE]);
    expect(marksRecords(w)).toHaveLength(1);
    // The emptied words keep their mark until a run sees the cell empty (a write that did
    // not land is not orphaned); from then on the legacy reader's words are a person's.
    sync(w);
    type(w, 3, 'Bounced');
    sync(w);
    expect(w.column('Keap Email Status')).toEqual(['Subscribed', 'Bounced', NOTE]);
  });

  it.each([
    ['a corrupt record', 'Subscribed,Bounced'],
    ['a record of another form', '{"marks":["Bounced"]}'],
    [
      'too large',
      `m1:${Array.from({ length: 400 }, (_, i) => i.toString(16).padStart(10, '0')).join(',')}`,
    ],
  ])('%s counts as none: the legacy reader decides, and the run stores marks anew', (_, value) => {
    const w = releasedWorld();
    w.rt.addDeveloperMetadata(w.spreadsheetId, { key: MARKS_KEY, value, visibility: 'PROJECT' });
    sync(w);
    expect(w.column('Keap Email Status')).toEqual(['Subscribed', '', NOTE]);
    const records = marksRecords(w);
    expect(records).toHaveLength(1);
    expect(records[0].value).toMatch(/^m1:[0-9a-f]{10}(,[0-9a-f]{10})*$/);
  });

  it('a spreadsheet whose metadata is full: the run goes on, the note is kept', () => {
    const w = releasedWorld();
    w.rt.addDeveloperMetadata(w.spreadsheetId, {
      key: 'someoneElse.big',
      value: 'x'.repeat(29_990),
      visibility: 'PROJECT',
      project: 'another-script',
    });
    sync(w);
    expect(w.column('Keap Email Status')).toEqual(['Subscribed', '', NOTE]);
    expect(marksRecords(w)).toEqual([]);
    sync(w);
    expect(w.column('Keap Email Status')).toEqual(['Subscribed', '', NOTE]);
  });
});

describe('every editor and the daily trigger share the marks', () => {
  it('an editor’s run and the owner’s daily run keep what the owner’s run marked', () => {
    const w = newWorld();
    w.connect(EDITOR);
    sync(w);
    // Typed after the owner's run: with no marks, the legacy reader would take it as the add-on's.
    type(w, 4, 'Bounced');
    sync(w, EDITOR);
    expect(w.column('Keap Email Status')).toEqual(['Subscribed', 'Subscribed', 'Bounced']);
    w.sim.setEmailStatus(TENANT, 'b@example.com', 'SPAM');
    sync(w, EDITOR);
    const afterEditor = w.column('Keap Email Status');
    expect(afterEditor[2]).toBe('Bounced');
    expect(afterEditor[1]).not.toBe('Subscribed');

    // The owner's daily run (time-driven) reads the same record.
    w.call('enableDailySync', [9]);
    w.sheet().setCell(3, 2, '');
    const ran = worked(w.rt.advanceBy(DAY));
    expect(ran.length).toBeGreaterThan(0);
    for (const run of ran) expect(run.error).toBeUndefined();
    expect(w.column('Keap Email Status')).toEqual(['Subscribed', '', 'Bounced']);
    expect(marksRecords(w)).toHaveLength(1);
  });
});
