import { DEFAULT_HEADER_NAMES, findColumns } from '../../../src/sheet/headers';
import { parseContactId, rowKey } from '../../../src/sheet/rowParsing';
import { misplacedRecords } from '../../../src/sheet/recordAlignment';
import { SheetRead } from '../../../src/sheet/sheetRead';
import {
  parseRecordCell,
  readSyncState,
  recordCell,
  type StateRecord,
} from '../../../src/sheet/syncRecord';

const HEADER = ['Contact ID', 'Email', 'Opt Out', 'Sync Status', 'Keap Sync Record'];
const columns = findColumns(HEADER, DEFAULT_HEADER_NAMES);
const at = (syncedAt: number): StateRecord => ({
  fingerprint: `f${syncedAt}`,
  syncedAt,
  result: 'ok',
  run: 'r',
});

function sheet(): unknown[][] {
  return [
    HEADER,
    [1, 'a@x.com', false, 'Up to date', recordCell(1, at(5))],
    ['', '', '', 'note', ''],
    [' 2 ', 'b@x.com', true, '', recordCell(2, at(6))],
    ['x', 'c@x.com', '', '', 'not a record'],
  ];
}

/** What working every row out from scratch gives. */
function fromScratch(values: unknown[][], cols = columns) {
  return values.slice(1).map((cells, i) => {
    const blank = [cols.contactId, cols.email, cols.optOut, cols.optOutReason].every(
      (c) => c === null || cells[c - 1] === '' || cells[c - 1] === undefined,
    );
    const id = cols.contactId === null ? null : parseContactId(cells[cols.contactId - 1]);
    return {
      row: i + 2,
      key: blank ? null : rowKey(cells, cols),
      record: cols.syncRecord === null ? null : parseRecordCell(cells[cols.syncRecord - 1]),
      contactId: id?.ok ? id.value : null,
    };
  });
}

function worked(read: SheetRead) {
  return Array.from({ length: read.rowCount - 1 }, (_, i) => ({
    row: i + 2,
    key: read.key(i + 2),
    record: read.record(i + 2),
    contactId: read.contactId(i + 2),
  }));
}

describe('a read of the sheet, worked out once', () => {
  it('gives what working each row out from scratch gives', () => {
    const values = sheet();
    const read = new SheetRead(values, columns);
    expect(worked(read)).toEqual(fromScratch(values));
    expect(read.state()).toEqual(readSyncState(values, columns.syncRecord));
  });

  it('reuses an earlier read only for rows whose cells are the same values', () => {
    const first = sheet();
    const earlier = new SheetRead(first, columns);
    worked(earlier);
    // A re-read: same cells in new row arrays, one row edited, one record rewritten, two
    // rows swapped (a sort), one row added.
    const later = first.map((row) => [...row]);
    later[1][1] = 'new@x.com';
    later[3][4] = recordCell(2, at(9));
    [later[2], later[4]] = [later[4], later[2]];
    later.push([3, 'd@x.com', false, '', recordCell(3, at(7))]);
    const read = new SheetRead(later, columns, earlier);
    expect(worked(read)).toEqual(fromScratch(later));
    expect(read.state()).toEqual(readSyncState(later, columns.syncRecord));
  });

  it('works rows out again when the columns moved', () => {
    const earlier = new SheetRead(sheet(), columns);
    worked(earlier);
    // Email and Opt Out swapped their headers: the same cells mean other things now.
    const header = ['Contact ID', 'Opt Out', 'Email', 'Sync Status', 'Keap Sync Record'];
    const moved = [header, ...sheet().slice(1)];
    const movedColumns = findColumns(header, DEFAULT_HEADER_NAMES);
    const read = new SheetRead(moved, movedColumns, earlier);
    expect(worked(read)).toEqual(fromScratch(moved, movedColumns));
  });

  it('keeps the keys it is told (parseRow makes them while parsing)', () => {
    const read = new SheetRead(sheet(), columns);
    read.knowKey(2, 'told');
    expect(read.key(2)).toBe('told');
  });

  it('knows a row holds a record only when its cell is written as recordCell writes it', () => {
    const values = sheet();
    values.push([3, 'd@x.com', '', '', 'ksr1|3|f7|7|ok|r']);
    const read = new SheetRead(values, columns);
    const state = read.state();
    expect(read.holds(2, 1, state.get(1) as StateRecord)).toBe(true);
    expect(read.holds(2, 1, at(5))).toBe(false); // equal, but not the record read
    expect(read.holds(4, 1, state.get(1) as StateRecord)).toBe(false);
    // An earlier version's cell: the same record, written another way.
    expect(read.holds(6, 3, state.get(3) as StateRecord)).toBe(false);
  });

  it('finds the same misplaced records with a re-read as without', () => {
    const first = sheet();
    const earlier = new SheetRead(first, columns);
    misplacedRecords(first, columns, new Map(), earlier);
    const later = first.map((row) => [...row]);
    // A partial sort left contact 1's record beside contact 2's row; 2 has a newer record.
    [later[1][4], later[3][4]] = [later[3][4], later[1][4]];
    const newer = new Map([[2, at(8)]]);
    expect(misplacedRecords(later, columns, newer, new SheetRead(later, columns, earlier))).toEqual(
      misplacedRecords(later, columns, newer),
    );
    expect(misplacedRecords(first, columns, newer, earlier)).toEqual(
      misplacedRecords(first, columns, newer),
    );
  });
});
