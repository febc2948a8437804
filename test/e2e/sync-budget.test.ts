/**
 * Spreadsheet round trips per execution, as the runtime counts them (every call on
 * SpreadsheetApp, Spreadsheet, Sheet and Range, and developer metadata's finds and writes). The sheet is read in one block and
 * written in one block per 1,000-row chunk (statuses show chunk by chunk), so the count grows
 * with the chunks, never with the rows.
 */
import { connectedWorld, runCountingCalls, type Summary } from './support/sync';

/** The benchmark's budget. */
const budget = (rows: number) => 10 + rows / 500;

/**
 * What each kind of run needs with the records in a hidden column of the contacts tab:
 * open (2: spreadsheet, id), the add-on's developer metadata (1: the settings and the mark
 * that finds the log tab), contacts tab (2: find, read; the records come with it), log tab
 * (1: append); a run that changes rows also re-reads the contacts tab (1), writes statuses
 * and records in one block (2) and reads once more to check the write (1). The first run
 * also looks for the log tab by name, creates it (count the tabs, insert, show the contacts
 * tab again, its header, its mark) and hides the record column. With the Keap Email Status
 * column on (a new spreadsheet with no settings), the first run also stores the marks of the
 * words it writes there (keapStatusMarks.ts: one developer metadata record, 1 call); a run
 * whose words are the add-on's already stores nothing.
 */
const LIMITS = { nothingChanged: 6, changed: 10, firstRun: 17, firstRunWithColumn: 18 };

/**
 * Statuses reach the rows chunk by chunk (1,000 rows): each chunk but the last adds one
 * status write (the re-read, one block, the read that checks it), whatever its size.
 */
const CHUNK_WRITE = [
  'Sheet.getSheetValues',
  'Sheet.getRange',
  'Range.setValues',
  'Sheet.getSheetValues',
];

/** The calls with one status write of a chunk taken out. */
function withoutOneChunkWrite(calls: string[]): string[] {
  const at = calls.findIndex((_, i) => CHUNK_WRITE.every((c, j) => calls[i + j] === c));
  return at < 0 ? calls : [...calls.slice(0, at), ...calls.slice(at + CHUNK_WRITE.length)];
}

type Measured = Record<
  'firstRun' | 'nothingChanged' | 'changed',
  { count: number; calls: string[] }
>;

/** `keapEmailStatus` null: no settings record, so a new spreadsheet gets the column. */
function measure(rows: number, keapEmailStatus: boolean | null = false): Measured {
  const sheet = Array.from({ length: rows }, (_, i) => [i + 1, `new${i + 1}@example.com`, '', '']);
  const world = connectedWorld([['Contact ID', 'Email', 'Opt Out', 'Opt Out Reason'], ...sheet], {
    keapEmailStatus,
  });
  for (let id = 1; id <= rows; id++) world.addContact(id, `old${id}@example.com`);

  const run = (label: string) => {
    const { result, calls } = runCountingCalls<Summary>(world, 'syncNow');
    expect({ label, outcome: result.value?.outcome }).toEqual({ label, outcome: 'completed' });
    return { count: result.ledger.spreadsheetCalls, calls };
  };
  const firstRun = run('first run');
  const nothingChanged = run('nothing changed');
  for (let row = 2; row <= rows + 1; row++)
    world.sheet().setCell(row, 2, `edited${row}@example.com`);
  const changed = run('every row changed');
  expect(world.column('Sync Status')[rows - 1]).toBe(
    `Updated: email changed to edited${rows + 1}@example.com`,
  );
  return { firstRun, nothingChanged, changed };
}

describe('spreadsheet calls per execution', () => {
  let small: Measured;
  let large: Measured;

  beforeAll(() => {
    small = measure(100);
    large = measure(2000);
  });

  it('a run with nothing to change stays within 10 + rows/500', () => {
    for (const [rows, m] of [
      [100, small],
      [2000, large],
    ] as const) {
      expect(m.nothingChanged.count).toBeLessThanOrEqual(budget(rows));
      expect(m.nothingChanged.count).toBeLessThanOrEqual(LIMITS.nothingChanged);
      expect(m.nothingChanged.calls.filter((c) => c.endsWith('setValues'))).toEqual([]);
    }
  });

  it('a run that changes every row needs the same calls for 100 and 2,000 rows, but a status write per extra chunk', () => {
    expect(withoutOneChunkWrite(large.changed.calls)).toEqual(small.changed.calls);
    expect(small.changed.count).toBeLessThanOrEqual(LIMITS.changed);
    expect(large.changed.count).toBeLessThanOrEqual(budget(2000));
    // The contacts tab, the re-read before writing, the check after it; one block.
    expect(small.changed.calls.filter((c) => c === 'Sheet.getSheetValues')).toHaveLength(3);
    expect(small.changed.calls.filter((c) => c === 'Range.setValues')).toHaveLength(1);
  });

  it('the first run, which creates the log tab and the record column, stays bounded', () => {
    expect(small.firstRun.count).toBeLessThanOrEqual(LIMITS.firstRun);
    expect(withoutOneChunkWrite(large.firstRun.calls)).toEqual(small.firstRun.calls);
    expect(small.firstRun.calls.filter((c) => c === 'Spreadsheet.insertSheet')).toHaveLength(1);
    expect(small.firstRun.calls.filter((c) => c === 'Sheet.hideColumns')).toHaveLength(1);
  });

  it('with the Keap Email Status column, its marks cost one call on the first run, none after', () => {
    const withColumn = measure(100, null);
    const metadataWrites = (calls: string[]) =>
      calls.filter((c) => /DeveloperMetadata$|^DeveloperMetadata\.(setValue|remove)$/.test(c));
    // The first run adds the column and its words, and stores their marks (one record).
    expect(metadataWrites(withColumn.firstRun.calls)).toEqual([
      'Spreadsheet.addDeveloperMetadata',
      'Sheet.addDeveloperMetadata',
    ]);
    expect(withColumn.firstRun.count).toBeLessThanOrEqual(LIMITS.firstRunWithColumn);
    // The same words again: the set of marks is unchanged, nothing is stored.
    expect(metadataWrites(withColumn.nothingChanged.calls)).toEqual([]);
    expect(withColumn.nothingChanged.count).toBeLessThanOrEqual(LIMITS.nothingChanged);
    console.log(
      `with the Keap Email Status column: ${JSON.stringify({
        first: withColumn.firstRun.count,
        nothing: withColumn.nothingChanged.count,
        changed: withColumn.changed.count,
      })}`,
    );
  });

  it('reports its figures', () => {
    const figures = Object.fromEntries(
      Object.entries({ 100: small, 2000: large }).map(([rows, m]) => [
        rows,
        { first: m.firstRun.count, nothing: m.nothingChanged.count, changed: m.changed.count },
      ]),
    );
    console.log(`spreadsheet calls per execution: ${JSON.stringify(figures)}`);
    expect(Object.keys(figures)).toEqual(['100', '2000']);
  });
});
