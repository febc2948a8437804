/**
 * Red team 13d, through the built bundle: rows found by key through the contact-id index
 * (96781f0), with Contact IDs typed every odd way a person types them, cells that hold the
 * key separator, copies of a contact's row, a row without a Contact ID, and the rows reversed
 * by a person while Keap is being written. Each status must land on its own row, and a second
 * run must have nothing to send.
 *
 * And 89d11ca through the bundle: a tab of 21,000 rows (21 chunks) gets its statuses every
 * 1,050 rows answered, so after chunks 2, 4, ...; an execution killed by Apps Script between
 * two such writes (chunk 3's changes in Keap, its statuses not yet on the sheet) loses
 * nothing: the next run sends no change twice, and every row ends with a true status.
 */
import { idle, PAST_LEASE_MS, sentPatches } from './support/reliability';
import { connectedWorld, keapWrites, progressRecord, type Summary } from './support/sync';
import { OWNER, type World } from './world';

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

const TAB_HEADERS = ['Contact ID', 'Email', 'Opt Out', 'Opt Out Reason'];
const LARGE = 21_000;
const CHANGED = 4000;
const FIRST_ID = 100_001;
/**
 * The service call (1-based, as killAfterServiceCalls counts) where chunk 4's Keap read
 * starts: chunk 3's changes are in Keap and the progress counts them, but the spaced write
 * after chunk 2 is the last one made. Checked by the test (the state at the kill).
 */
const CHUNK_4_READ = 321;

/** 21,000 rows; the first 4,000 ask for a new email, the rest are what Keap has. */
function largeWorld(): World {
  const rows = Array.from({ length: LARGE }, (_, i) => [FIRST_ID + i, `p${i}@example.com`, '', '']);
  const w = connectedWorld([TAB_HEADERS, ...rows]);
  for (let i = 0; i < LARGE; i++) {
    w.addContact(FIRST_ID + i, i < CHANGED ? `old${i}@example.com` : `p${i}@example.com`);
  }
  return w;
}

function statusesShown(w: World): number {
  const values = w.sheet().values();
  const status = values[0].indexOf('Sync Status');
  return status === -1 ? 0 : values.slice(1).filter((cells) => cells[status] !== '').length;
}

describe('a tab 21 chunks long, killed between two spaced status writes (real bundle)', () => {
  it('the next run sends no change twice, and every row ends with a true status and a record', () => {
    const w = largeWorld();
    let atKill = { rowsDone: -1, shown: -1 };
    const killed = w.rt.run<Summary>('syncNow', [], {
      user: OWNER,
      spreadsheetId: w.spreadsheetId,
      authMode: 'FULL',
      killAfterServiceCalls: CHUNK_4_READ,
      onServiceCall: ({ n }) => {
        if (n !== CHUNK_4_READ) return;
        const record = JSON.parse(progressRecord(w) ?? '{}') as { rowsDone?: number };
        atKill = { rowsDone: record.rowsDone ?? -1, shown: statusesShown(w) };
      },
    });
    expect(killed.killed).toBe(true);
    // Chunk 3 answered (the progress says so), its statuses waiting for the next spaced write.
    expect(atKill).toEqual({ rowsDone: 3000, shown: 2000 });
    expect(w.emailsOf(FIRST_ID + 2999).EMAIL1).toBe('p2999@example.com');

    idle(w, PAST_LEASE_MS);
    const next = w.run<Summary>('syncNow');
    expect(next.value?.outcome).toBe('completed');

    const patched = new Map<number, number>();
    for (const patch of sentPatches(w)) {
      patched.set(patch.contactId, (patched.get(patch.contactId) ?? 0) + 1);
    }
    expect([...patched.values()].filter((times) => times > 1)).toEqual([]);
    expect(patched.size).toBe(CHANGED);

    const values = w.sheet().values();
    const status = values[0].indexOf('Sync Status');
    const record = values[0].indexOf('Keap Sync Record');
    const untrue: string[] = [];
    values.slice(1).forEach((cells, i) => {
      const shown = String(cells[status]);
      const ok =
        i < CHANGED ? /^(Updated: email changed to p\d+@example\.com|Up to date)$/ : /^Up to date$/;
      if (
        !ok.test(shown) ||
        (shown.startsWith('Updated') && !shown.endsWith(`p${i}@example.com`))
      ) {
        untrue.push(`row ${i + 2}: ${shown}`);
      }
      if (!String(cells[record]).includes(`|${FIRST_ID + i}|`))
        untrue.push(`row ${i + 2}: no record`);
    });
    expect(untrue.slice(0, 5)).toEqual([]);
    const writes = keapWrites(w).length;
    expect(w.run<Summary>('syncNow').value?.emailsUpdated).toBe(0);
    expect(keapWrites(w).length).toBe(writes);
  });
});
