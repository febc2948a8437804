/**
 * Red team 17b: the Keap Email Status column's marks (keapStatusMarks.ts) against a person's
 * note and against other scripts' metadata. A person's note is never emptied; the add-on's
 * own words are refreshed.
 */
import { encodeMarks, markOf } from '../../src/sync/keapStatusMarks';
import { PAST_LEASE_MS, idle, serviceCallsOf, syncNow } from './support/reliability';
import { connectedWorld } from './support/sync';
import { HEADERS, TENANT, type World } from './world';
import {
  BOUNCED_NOT_TICKED,
  MARKS_KEY,
  NOTE,
  newWorld,
  sync,
  type,
} from './support/keapStatusMarks';

function settings(keapEmailStatus: boolean) {
  return {
    sheetName: '',
    headers: {
      contactId: 'Contact ID',
      email: 'Email',
      optOut: 'Opt Out',
      optOutReason: 'Opt Out Reason',
    },
    keapEmailStatus,
  };
}

function releasedWorld(): World {
  const w = connectedWorld(
    [
      [...HEADERS, 'Sync Status', 'Keap Email Status'],
      [1, 'a@example.com', '', '', '', 'Subscribed'],
      [2, '', '', '', '', 'Bounced'],
      [3, '', '', '', '', NOTE],
    ],
    { keapEmailStatus: null },
  );
  w.addContact(1, 'a@example.com');
  w.addContact(2, 'b@example.com');
  w.addContact(3, 'c@example.com');
  return w;
}

describe('redteam 17b: Keap Email Status marks', () => {
  it('a slightly edited word of the add-on ("Subscribed!") in a row without email is kept', () => {
    const w = newWorld();
    sync(w);
    type(w, 4, 'Subscribed!');
    sync(w);
    expect(w.column('Keap Email Status')).toEqual(['Subscribed', 'Subscribed', 'Subscribed!']);
    sync(w);
    expect(w.column('Keap Email Status')).toEqual(['Subscribed', 'Subscribed', 'Subscribed!']);
  });

  it('known limit: a note typed word for word as words shown in another row — what happens', () => {
    const w = newWorld();
    sync(w);
    type(w, 4, 'Subscribed');
    sync(w);
    // Per-text marks: 'Subscribed' is shown in rows 2-3, so the typed copy counts as the
    // add-on's and is emptied (documented limit in keapStatusMarks.ts; a bare status word,
    // not a note a person would reasonably write beside a row without an email).
    expect(w.column('Keap Email Status')).toEqual(['Subscribed', 'Subscribed', '']);
  });

  it('another script’s DOCUMENT record under the same key (holding the note’s mark) is not read', () => {
    const w = releasedWorld();
    w.rt.addDeveloperMetadata(w.spreadsheetId, {
      key: MARKS_KEY,
      value: encodeMarks([markOf(NOTE), markOf('Subscribed')]),
      visibility: 'DOCUMENT',
      project: 'another-script',
    });
    sync(w);
    expect(w.column('Keap Email Status')).toEqual(['Subscribed', '', NOTE]);
    sync(w);
    expect(w.column('Keap Email Status')).toEqual(['Subscribed', '', NOTE]);
  });

  it('another script’s DOCUMENT record "m1:" (no marks) does not stop legacy words being refreshed', () => {
    const w = releasedWorld();
    w.rt.addDeveloperMetadata(w.spreadsheetId, {
      key: MARKS_KEY,
      value: 'm1:',
      visibility: 'DOCUMENT',
      project: 'another-script',
    });
    sync(w);
    // 'Bounced' is the released version's words beside a cleared email: they go.
    expect(w.column('Keap Email Status')).toEqual(['Subscribed', '', NOTE]);
  });

  it('the marks record deleted between runs: the note stays, the words still follow Keap', () => {
    const w = newWorld();
    sync(w);
    type(w, 4, NOTE);
    sync(w);
    // Another script (or a person's clean-up) deletes the record.
    const metadata = (
      w.rt as unknown as { workbook(id: string): { metadata: { key: string }[] } }
    ).workbook(w.spreadsheetId).metadata;
    const at = metadata.findIndex((record) => record.key === MARKS_KEY);
    expect(at).toBeGreaterThanOrEqual(0);
    metadata.splice(at, 1);
    w.sim.setEmailStatus(TENANT, 'b@example.com', 'BOUNCE');
    w.sheet().setCell(2, 2, '');
    sync(w);
    const column = w.column('Keap Email Status');
    expect(column[0]).toBe('');
    expect(column[1]).not.toBe('Subscribed');
    expect(column[2]).toBe(NOTE);
  });

  it('rows sorted between runs: the note moves with its row and stays; words refreshed', () => {
    const w = newWorld();
    sync(w);
    type(w, 4, NOTE);
    sync(w);
    // Sort descending by Contact ID: rows 2..4 become 3,2,1.
    const rows = w.sheet().values().slice(1) as unknown[][];
    const reversed = [...rows].reverse();
    reversed.forEach((row, i) => row.forEach((value, j) => w.sheet().setCell(i + 2, j + 1, value)));
    w.sim.setEmailStatus(TENANT, 'a@example.com', 'BOUNCE');
    sync(w);
    const column = w.column('Keap Email Status');
    expect(column[0]).toBe(NOTE);
    expect(column[1]).toBe('Subscribed');
    expect(column[2]).toMatch(/^Bounced/);
  });

  it('column turned off then on again: words emptied then back, the note never touched', () => {
    const w = newWorld();
    sync(w);
    type(w, 4, NOTE);
    expect(w.call('saveSettings', [settings(false)])).toEqual({ ok: true, errors: [] });
    sync(w);
    expect(w.column('Keap Email Status')).toEqual(['', '', NOTE]);
    expect(w.call('saveSettings', [settings(true)])).toEqual({ ok: true, errors: [] });
    sync(w);
    expect(w.column('Keap Email Status')).toEqual(['Subscribed', 'Subscribed', NOTE]);
  });

  it('metadata full on a new sheet (marks never stored): the add-on’s words still go when the email goes', () => {
    const w = newWorld();
    w.rt.addDeveloperMetadata(w.spreadsheetId, {
      key: 'someoneElse.big',
      value: 'x'.repeat(29_990),
      visibility: 'PROJECT',
      project: 'another-script',
    });
    sync(w);
    expect(w.column('Keap Email Status')).toEqual(['Subscribed', 'Subscribed', '']);
    type(w, 4, NOTE);
    w.sheet().setCell(2, 2, '');
    sync(w);
    expect(w.column('Keap Email Status')).toEqual(['', 'Subscribed', NOTE]);
  });

  describe('a run killed (6-minute limit) at every service call', () => {
    /** Synced once with marks; a note typed; then Keap and the sheet change. */
    function changedWorld(): World {
      const w = newWorld();
      sync(w);
      type(w, 4, NOTE);
      w.sim.setEmailStatus(TENANT, 'a@example.com', 'BOUNCE');
      w.sheet().setCell(3, 2, '');
      return w;
    }

    it('with marks: the next run refreshes and empties the add-on’s words, the note stays', () => {
      const calls = serviceCallsOf((ctx) => syncNow(changedWorld(), ctx));
      expect(calls.length).toBeGreaterThan(5);
      const failures: string[] = [];
      for (let k = 1; k <= calls.length; k += 1) {
        const w = changedWorld();
        const killed = syncNow(w, { killAfterServiceCalls: k });
        expect(killed.killed).toBe(true);
        if (w.column('Keap Email Status')[2] !== NOTE)
          failures.push(`kill at ${calls[k - 1]}: note gone in the killed run`);
        idle(w, PAST_LEASE_MS);
        const next = syncNow(w);
        if (next.value?.outcome !== 'completed') {
          failures.push(`kill at ${calls[k - 1]}: ${JSON.stringify(next.value ?? next.error)}`);
          continue;
        }
        const column = JSON.stringify(w.column('Keap Email Status'));
        const expected = JSON.stringify([BOUNCED_NOT_TICKED, '', NOTE]);
        if (column !== expected) failures.push(`kill at ${calls[k - 1]}: ${column}`);
      }
      expect(failures).toEqual([]);
    });

    it('released sheet (first marks): the next run empties the released words, the note stays', () => {
      const calls = serviceCallsOf((ctx) => syncNow(releasedWorld(), ctx));
      const failures: string[] = [];
      for (let k = 1; k <= calls.length; k += 1) {
        const w = releasedWorld();
        const killed = syncNow(w, { killAfterServiceCalls: k });
        expect(killed.killed).toBe(true);
        idle(w, PAST_LEASE_MS);
        const next = syncNow(w);
        if (next.value?.outcome !== 'completed') {
          failures.push(`kill at ${calls[k - 1]}: ${JSON.stringify(next.value ?? next.error)}`);
          continue;
        }
        const column = JSON.stringify(w.column('Keap Email Status'));
        if (column !== JSON.stringify(['Subscribed', '', NOTE]))
          failures.push(`kill at ${calls[k - 1]}: ${column}`);
      }
      expect(failures).toEqual([]);
    });
  });

  // Decided (stop 26): in a row with an email the Keap Email Status cell is the add-on's
  // output, like Sync Status: it always shows what Keap shows for that address, so a note typed
  // there is replaced by Keap's words (keeping it would leave the column saying nothing, or
  // something Keap does not show). Marks only decide what the add-on may EMPTY: cells of rows
  // without an email, or the whole column when it is turned off. README says so.
  it('a note typed in the status cell of a row WITH an email is replaced by what Keap shows', () => {
    const w = newWorld();
    sync(w);
    type(w, 2, NOTE);
    sync(w);
    expect(w.column('Keap Email Status')).toEqual(['Subscribed', 'Subscribed', '']);
  });

  it('the add-on’s words edited slightly ("Subscribed!") in a row with an email show Keap’s words again', () => {
    const w = newWorld();
    sync(w);
    type(w, 2, 'Subscribed!');
    w.sim.setEmailStatus(TENANT, 'a@example.com', 'BOUNCE');
    sync(w);
    expect(w.column('Keap Email Status')[0]).toBe(BOUNCED_NOT_TICKED);
    expect(w.column('Keap Email Status')[1]).toBe('Subscribed');
  });

  it('known limit (time window): old words typed the run after the add-on replaced them are emptied', () => {
    const w = newWorld();
    sync(w);
    w.sim.setEmailStatus(TENANT, 'a@example.com', 'BOUNCE');
    w.sim.setEmailStatus(TENANT, 'b@example.com', 'BOUNCE');
    sync(w);
    // 'Subscribed' is shown nowhere now, but its mark stays one more run (kill safety,
    // keapStatusMarks.ts next()): a bare 'Subscribed' typed now counts as the add-on's.
    type(w, 4, 'Subscribed');
    sync(w);
    expect(w.column('Keap Email Status')).toEqual([BOUNCED_NOT_TICKED, BOUNCED_NOT_TICKED, '']);
    // Typed again right away: emptied again (the run that emptied it saw it, so kept its mark).
    type(w, 4, 'Subscribed');
    sync(w);
    expect(w.column('Keap Email Status')).toEqual([BOUNCED_NOT_TICKED, BOUNCED_NOT_TICKED, '']);
    // Only after a run has seen the cell empty is the mark gone; then the text is kept.
    sync(w);
    type(w, 4, 'Subscribed');
    sync(w);
    expect(w.column('Keap Email Status')).toEqual([
      BOUNCED_NOT_TICKED,
      BOUNCED_NOT_TICKED,
      'Subscribed',
    ]);
  });

  it('a number typed as a note in a row without an email is kept', () => {
    const w = newWorld();
    sync(w);
    type(w, 4, 42 as unknown as string);
    sync(w);
    sync(w);
    expect(w.column('Keap Email Status')).toEqual(['Subscribed', 'Subscribed', 42]);
  });

  it('known limit: metadata full (marks never stored), a note typed as "Bounced" is emptied', () => {
    const w = newWorld();
    w.rt.addDeveloperMetadata(w.spreadsheetId, {
      key: 'someoneElse.big',
      value: 'x'.repeat(29_990),
      visibility: 'PROJECT',
      project: 'another-script',
    });
    sync(w);
    type(w, 4, 'Bounced');
    sync(w);
    // Without marks the legacy reader decides every run: released words count as the add-on's
    // (only while the spreadsheet's 30,000 characters of metadata are full: rare).
    expect(w.column('Keap Email Status')).toEqual(['Subscribed', 'Subscribed', '']);
  });
});
