/**
 * Red team 13e through the built bundle: 6c7010c writes the statuses of rows without a Contact
 * ID between their chunks (1,000 addresses a chunk). 2,100 rows found by email, each ticked
 * Opt Out, after a few contacts; the rows are reversed by a person once the first chunk of
 * addresses shows its statuses, while Keap is still being written. Each row must end naming
 * its own contact, and a second run must have nothing to send.
 */
import { connectedWorld, keapWrites, progressRecord, type Summary } from './support/sync';
import { OWNER } from './world';

const HEADERS = ['Contact ID', 'Email', 'Opt Out', 'Opt Out Reason'];
const CONTACTS = 5;
const BY_EMAIL = 2100;

describe('rows without a Contact ID in three chunks, reversed mid-run (real bundle)', () => {
  // Was a defect (fixed since: planStatusWrites puts back the statuses an earlier write of
  // the execution showed): statuses written between chunks were lost when a person then sorts the input
  // columns only (Data > Sort range on A:D; the output columns stay where they are) before
  // the next write. The rows' records are put back beside their rows (realignRecords), but
  // their statuses are not: the next write puts the other rows' statuses over them. Expected:
  // when the run ends, every row shows its own status. Observed: the 5 contacts and the 1,000
  // addresses of the first chunk (written after it by 6c7010c) end the 'completed' run with
  // a blank Sync Status (1,005 rows); only the next run fills them in, as unchanged (their
  // "Updated: opted out" is never shown). The mechanism is older (at ddb2059, contacts
  // written between their chunks are lost the same way: test/unit/redteam-13e.test.ts);
  // rows without a Contact ID are exposed to it by 6c7010c (before it, their statuses were
  // all placed by the execution's last write, by key, after any sort).
  it('every row names its own contact; the run counts every row; the second run sends nothing', () => {
    const rows: unknown[][] = [];
    for (let id = 1; id <= CONTACTS; id++) rows.push([id, `new${id}@x.com`, '', '']);
    for (let i = 0; i < BY_EMAIL; i++) rows.push(['', `e${i}@x.com`, true, '']);
    const w = connectedWorld([HEADERS, ...rows], { keapEmailStatus: false });
    for (let id = 1; id <= CONTACTS; id++) w.addContact(id, `old${id}@x.com`);
    for (let i = 0; i < BY_EMAIL; i++) w.addContact(1000 + i, `e${i}@x.com`);

    let reversed = false;
    let fetches = 0;
    const first = w.rt.run<Summary>('syncNow', [], {
      user: OWNER,
      spreadsheetId: w.spreadsheetId,
      authMode: 'FULL',
      onServiceCall: ({ service }) => {
        if (reversed || service !== 'UrlFetchApp') return;
        // Looked at every 20th call: the sheet is large.
        if (++fetches % 20 !== 0) return;
        const values = w.sheet().values();
        const status = values[0].indexOf('Sync Status');
        if (status === -1) return;
        const shown = values.filter((cells) =>
          String(cells[status] ?? '').includes('found by email'),
        );
        if (shown.length === 0) return;
        reversed = true;
        const data = values.slice(1).map((cells) => cells.slice(0, HEADERS.length));
        w.sheet().setValues(2, 1, data.reverse());
      },
    });
    expect(first.error).toBeUndefined();
    expect(reversed).toBe(true);
    expect(first.value?.outcome).toBe('completed');

    const values = w.sheet().values();
    const status = values[0].indexOf('Sync Status');
    const wrong: string[] = [];
    for (const cells of values.slice(1)) {
      const shown = String(cells[status] ?? '');
      const email = String(cells[1]);
      const match = /^e(\d+)@x\.com$/.exec(email);
      const expected = match
        ? `Updated: opted out (Keap contact ${1000 + Number(match[1])}, found by email)`
        : `Updated: email changed to ${email}`;
      if (shown !== expected) wrong.push(`${email}: ${shown}`);
    }
    expect(wrong.slice(0, 5)).toEqual([]);
    // The run counts every row, and a completed run leaves no progress record behind.
    expect(first.value?.rowsSeen).toBe(CONTACTS + BY_EMAIL);
    expect(progressRecord(w)).toBeUndefined();

    const writesBefore = keapWrites(w).length;
    const second = w.run<Summary>('syncNow');
    expect(second.value?.outcome).toBe('completed');
    expect(second.value?.optedOut).toBe(0);
    expect(keapWrites(w).length).toBe(writesBefore);
  });
});
