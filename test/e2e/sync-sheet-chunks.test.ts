/**
 * Statuses reach the rows chunk by chunk (1,000 contacts each) while the sync goes on, and
 * each write works out only what changed since the write before (src/sheet/sheetRead.ts).
 * A person who sorts, inserts or moves rows between two chunks' writes must still see every
 * status on its own row, and every record beside its own contact's row: a second run then
 * has nothing to send.
 */
import { emailNamedIn } from './support/reliability';
import { connectedWorld, type Summary } from './support/sync';
import { OWNER, type World } from './world';

const HEADERS = ['Contact ID', 'Email', 'Opt Out', 'Opt Out Reason'];
const ROWS = 2500;
const FIRST_ID = 80_001;

/** Every row's email is new to Keap: every contact is updated. */
function changedWorld(): World {
  const sheet = Array.from({ length: ROWS }, (_, i) => [
    FIRST_ID + i,
    `person${i}@example.com`,
    '',
    '',
  ]);
  const w = connectedWorld([HEADERS, ...sheet]);
  for (let i = 0; i < ROWS; i++) w.addContact(FIRST_ID + i, `old${i}@example.com`);
  return w;
}

function progressRecord(w: World): string | undefined {
  return Object.entries(w.rt.scriptProperties()).find(([key]) =>
    key.startsWith('keapSync.progress.'),
  )?.[1];
}

type Mutation = (w: World) => void;

/**
 * Syncs now with `mutate` done by a person once the first chunk's statuses are on the sheet
 * (the progress record has moved on), at the next Keap request: during the second chunk.
 */
function syncEditedBetweenChunks(w: World, mutate: Mutation): Summary | undefined {
  const before = progressRecord(w);
  let begun: string | undefined;
  let done = false;
  const result = w.rt.run<Summary>('syncNow', [], {
    user: OWNER,
    spreadsheetId: w.spreadsheetId,
    authMode: 'FULL',
    onServiceCall: ({ service, method }) => {
      if (done) return;
      const now = progressRecord(w);
      if (begun === undefined) {
        if (now !== before) begun = now;
        return;
      }
      if (now !== begun && `${service}.${method}` === 'UrlFetchApp.fetchAll') {
        done = true;
        mutate(w);
      }
    },
  });
  expect(done).toBe(true);
  expect(result.error).toBeUndefined();
  return result.value;
}

/** Rows whose status names another email than the row's own, or that show no status. */
function wrongStatuses(w: World): string[] {
  const [headers, ...rows] = w.sheet().values();
  const email = headers.indexOf('Email');
  const status = headers.indexOf('Sync Status');
  const problems: string[] = [];
  rows.forEach((cells, i) => {
    if (cells[email] === '' && cells[0] === '') return;
    const shown = String(cells[status] ?? '');
    const named = emailNamedIn(shown);
    if (named !== String(cells[email]).toLowerCase()) {
      problems.push(`row ${i + 2} (${String(cells[email])}) shows '${shown}'`);
    }
  });
  return problems;
}

/** A second run: with every record beside its own contact's row, nothing is sent. */
function secondRun(w: World): Summary | undefined {
  return w.run<Summary>('syncNow').value;
}

const sortByEmailDescending: Mutation = (w) => w.sheet().sortBy(2, { ascending: false });

/**
 * A sort of the range that stops short of the hidden record column (rows reversed): the
 * records stay where they were, beside other contacts' rows.
 */
const partialSort: Mutation = (w) => {
  const values = w.sheet().values();
  const record = values[0].indexOf('Keap Sync Record');
  expect(record).toBeGreaterThan(HEADERS.length);
  const shown = values.slice(1, ROWS + 1).map((cells) => cells.slice(0, record));
  w.sheet().setValues(2, 1, shown.reverse());
};

/** Two rows inserted at the top, one with a contact of its own, and a row deleted. */
const insertAndDelete: Mutation = (w) => {
  w.addContact(99_999, 'someone.else@example.com');
  w.sheet()
    .insertRowsBefore(2, 2)
    .setValues(2, 1, [
      [99_999, 'inserted@example.com', '', ''],
      ['', '', '', ''],
    ]);
  w.sheet().deleteRow(ROWS);
};

describe('rows that move between two chunks of statuses', () => {
  it.each([
    ['sorted', sortByEmailDescending],
    ['sorted short of the hidden record column', partialSort],
    ['with rows inserted above and one deleted', insertAndDelete],
  ])('%s: every status is on its own row; a second run has nothing to send', (_, mutate) => {
    const w = changedWorld();
    const first = syncEditedBetweenChunks(w, mutate);
    expect(first?.outcome).toBe('completed');
    expect(wrongStatuses(w).filter((p) => !p.includes('inserted@example.com'))).toEqual([]);

    const second = secondRun(w);
    expect(second?.outcome).toBe('completed');
    // The inserted row (not read by the first run) is the only one the second run sends.
    expect(second?.emailsUpdated ?? 0).toBeLessThanOrEqual(1);
    expect(second?.keapRequests ?? 0).toBeLessThanOrEqual(3);
    expect(wrongStatuses(w)).toEqual([]);
  });
});
