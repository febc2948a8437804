/**
 * Red team 13d, through the built bundle: rows found by key through the contact-id index
 * (96781f0), with Contact IDs typed every odd way a person types them, cells that hold the
 * key separator, copies of a contact's row, a row without a Contact ID, and the rows reversed
 * by a person while Keap is being written. Each status must land on its own row, and a second
 * run must have nothing to send.
 */
import { connectedWorld, keapWrites, type Summary } from './support/sync';
import { OWNER } from './world';

const HEADERS = ['Notes', 'Opt Out', 'Email', 'Contact ID', 'Opt Out Reason'];
const SEP = '\u001f';

/** [Contact ID cell, Email cell, what the row's status must start with]. */
const ROWS: [unknown, string, string][] = [
  [2, 'b2@x.com', 'Updated: email changed to b2@x.com'],
  ['2', 'b2@x.com', 'Updated: email changed to b2@x.com'],
  [' 3 ', 'c3@x.com', 'Updated: email changed to c3@x.com'],
  ['03', 'c3@x.com', 'Updated: email changed to c3@x.com'],
  ['4.0', 'd4@x.com', 'Updated: email changed to d4@x.com'],
  // Sheets reads '1e3' as 1000: an id Keap does not have.
  ['1e3', 'e@x.com', 'Error:'],
  ['0x10', 'f@x.com', 'Error:'],
  [true, 'g@x.com', 'Error:'],
  [`4${SEP}`, 'k4@x.com', 'Error:'],
  ['#N/A', 'h@x.com', 'Error:'],
  [6, `i6@x.com${SEP}`, 'Error:'],
  [7, 'j7@x.com', 'Updated: email changed to j7@x.com'],
];

describe('ids typed any way, rows reversed while Keap is written (real bundle)', () => {
  it('every status on its own row; the second run sends nothing', () => {
    const sheet = ROWS.map(([id, email]) => ['note', '', email, id, '']);
    const w = connectedWorld([HEADERS, ...sheet]);
    for (const id of [2, 3, 4, 6, 7]) w.addContact(id, `old${id}@x.com`);

    let reversed = false;
    const first = w.rt.run<Summary>('syncNow', [], {
      user: OWNER,
      spreadsheetId: w.spreadsheetId,
      authMode: 'FULL',
      onServiceCall: ({ service, method }) => {
        if (reversed || `${service}.${method}` !== 'UrlFetchApp.fetchAll') return;
        reversed = true;
        const values = w.sheet().values();
        const data = values.slice(1).map((cells) => cells.slice(0, HEADERS.length));
        w.sheet().setValues(2, 1, data.reverse());
      },
    });
    expect(reversed).toBe(true);
    expect(first.error).toBeUndefined();
    expect(first.value?.outcome).toBe('completed');

    const values = w.sheet().values();
    const status = values[0].indexOf('Sync Status');
    const wrong: string[] = [];
    for (const cells of values.slice(1)) {
      // The sheet keeps numbers typed as text as numbers ('1e3' is 1000): rows by email.
      const row = ROWS.find(([, email]) => cells[2] === email);
      const shown = String(cells[status] ?? '');
      if (!row || !shown.startsWith(row[2]))
        wrong.push(`${String(cells[3])} ${cells[2]}: ${shown}`);
    }
    expect(wrong).toEqual([]);
    expect(w.emailsOf(3).EMAIL1).toBe('c3@x.com');

    const writesBefore = keapWrites(w).length;
    const second = w.run<Summary>('syncNow');
    expect(second.value?.outcome).toBe('completed');
    expect(second.value?.emailsUpdated).toBe(0);
    expect(keapWrites(w).length).toBe(writesBefore);
  });
});
