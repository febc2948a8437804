import { DEFAULT_HEADER_NAMES, findColumns } from '../../../src/sheet/headers';
import { parseContactId, rowKey } from '../../../src/sheet/rowParsing';
import { misplacedRecords } from '../../../src/sheet/recordAlignment';
import { addressKeyOf, emailRecordCell } from '../../../src/sheet/emailRecord';
import { SheetRead } from '../../../src/sheet/sheetRead';
import { placeStatuses } from '../../../src/sheet/statusPlacement';
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

/**
 * An execution reads the tab before and after each chunk's status write, each read worked
 * out from the one before (sheetRead.ts shares whole-tab indexes, updates the newest records
 * and the misplaced ones from the write's changed cells). Whatever happens between two reads
 * (a write of newer, older or equal records, a record taken away, a sort, a partial sort, an
 * edit), every answer must be what working the read out from scratch gives.
 */
describe('a chain of reads around writes', () => {
  const ROWS = 40;
  const WIDE = ['Contact ID', 'Email', 'Opt Out', 'Sync Status', 'Keap Sync Record'];
  const cols = findColumns(WIDE, DEFAULT_HEADER_NAMES);
  const RECORD = (cols.syncRecord as number) - 1;

  /** A small deterministic generator (mulberry32), so a failure can be replayed. */
  function random(seed: number): () => number {
    let a = seed;
    return () => {
      a = (a + 0x6d2b79f5) | 0;
      let t = Math.imul(a ^ (a >>> 15), 1 | a);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  function firstSheet(next: () => number): unknown[][] {
    const rows: unknown[][] = [WIDE];
    for (let i = 0; i < ROWS; i++) {
      const id = 1 + Math.floor(next() * 15);
      const withId = next() < 0.85;
      const email = `p${id}@x.com`;
      const record =
        next() < 0.1
          ? emailRecordCell(addressKeyOf(email), at(Math.floor(next() * 5)))
          : next() < 0.8
            ? recordCell(withId ? id : 1 + Math.floor(next() * 15), at(Math.floor(next() * 5)))
            : '';
      rows.push([withId ? id : '', email, next() < 0.3, '', record]);
    }
    return rows;
  }

  type Change = (rows: unknown[][], next: () => number, time: number) => void;
  const pick = (next: () => number) => 1 + Math.floor(next() * ROWS);
  const changes: Change[] = [
    // A chunk's write: newer records of the rows' own contacts, on a few rows.
    (rows, next, time) => {
      for (let n = 1 + Math.floor(next() * 8); n > 0; n--) {
        const cells = rows[pick(next)];
        if (cells[0] !== '') cells[RECORD] = recordCell(cells[0] as number, at(time));
      }
    },
    // Records older than, or as old as, what the tab holds; another contact's record.
    (rows, next) => {
      const cells = rows[pick(next)];
      const id = next() < 0.5 ? (cells[0] as number) || 1 : 1 + Math.floor(next() * 15);
      // As old as another record of the contact, but not the same record.
      const record = { ...at(Math.floor(next() * 6)), fingerprint: `g${Math.floor(next() * 9)}` };
      cells[RECORD] = recordCell(id, record);
    },
    // A record taken away, or a kse1 one put in.
    (rows, next) => {
      const cells = rows[pick(next)];
      cells[RECORD] = next() < 0.5 ? '' : emailRecordCell(addressKeyOf(String(cells[1])), at(100));
    },
    // A sort of whole rows.
    (rows) => {
      const body = rows.slice(1).reverse();
      rows.splice(1, body.length, ...body);
    },
    // A partial sort: two rows' record cells swapped.
    (rows, next) => {
      const a = rows[pick(next)];
      const b = rows[pick(next)];
      [a[RECORD], b[RECORD]] = [b[RECORD], a[RECORD]];
    },
    // An edited input.
    (rows, next) => {
      rows[pick(next)][1] = `edited${Math.floor(next() * 3)}@x.com`;
    },
    // Nothing at all (the read after a write that was read back unchanged).
    () => undefined,
  ];

  function newerRecords(next: () => number, time: number): Map<number, StateRecord> {
    const newer = new Map<number, StateRecord>();
    for (let n = Math.floor(next() * 4); n > 0; n--) {
      newer.set(1 + Math.floor(next() * 15), at(time - Math.floor(next() * 200)));
    }
    return newer;
  }

  it.each([1, 2, 3, 4, 5, 6, 7, 8])(
    'gives what working out from scratch gives (seed %i)',
    (seed) => {
      const next = random(seed);
      let values = firstSheet(next);
      let read = new SheetRead(values, cols);
      for (let step = 1; step <= 60; step++) {
        const time = 100 + step * 10;
        values = values.map((cells) => [...cells]);
        // Mostly writes, as in a sync; sometimes a person's change.
        const change = next() < 0.6 ? changes[0] : changes[Math.floor(next() * changes.length)];
        change(values, next, time);
        read = new SheetRead(values, cols, read);
        const scratch = new SheetRead(values, cols);
        const where = `seed ${seed}, step ${step}`;

        expect([where, worked(read)]).toEqual([where, fromScratch(values, cols)]);
        expect([where, read.state()]).toEqual([where, readSyncState(values, cols.syncRecord)]);
        const newer = newerRecords(next, time);
        const settledRow = pick(next);
        const settled = (row: number) => row === settledRow;
        expect([where, [...misplacedRecords(values, cols, newer, read, settled)]]).toEqual([
          where,
          [...misplacedRecords(values, cols, newer, scratch, settled)],
        ]);
        for (const row of [2, pick(next), pick(next)]) {
          expect([where, read.rowsWithKey(read.key(row))]).toEqual([
            where,
            scratch.rowsWithKey(scratch.key(row)),
          ]);
          const id = scratch.contactId(row);
          if (id !== null) expect(read.rowsOfContact(id)).toEqual(scratch.rowsOfContact(id));
        }
        const pending = [pick(next), pick(next)].map((row) => ({
          row,
          key: scratch.key(row) ?? '',
          status: 'Up to date',
          syncedAt: null,
        }));
        expect([where, [...placeStatuses(pending, values, cols, read)]]).toEqual([
          where,
          [...placeStatuses(pending, values, cols, scratch)],
        ]);
      }
    },
  );

  it('updates the newest records from a chunk write instead of reading them again', () => {
    const values = sheet();
    const earlier = new SheetRead(values, columns);
    earlier.state();
    const later = values.map((cells) => [...cells]);
    later[1][4] = recordCell(1, at(50));
    const read = new SheetRead(later, columns, earlier);
    expect(read.origin?.changedRows).toEqual([2]);
    expect([...(read.renewedContacts() ?? [])]).toEqual([1]);
    expect(read.state()).toEqual(readSyncState(later, columns.syncRecord));
    // A read with no cell changed since shares what the one before worked out.
    const again = new SheetRead(
      later.map((cells) => [...cells]),
      columns,
      read,
    );
    expect(again.origin).toBe(read.origin);
    expect(again.state()).toBe(read.state());
    expect(again.rowsWithKey(again.key(2))).toEqual([2]);
  });
});

describe('rows by key', () => {
  const SEP = '\u001f';
  /** Every row whose key is the key, found the plain way: each row's key worked out. */
  function plainRowsWithKey(values: unknown[][], cols: typeof columns, key: string | null) {
    const rows: number[] = [];
    values.forEach((cells, i) => {
      if (i === 0) return;
      const inputs = [cols.contactId, cols.email, cols.optOut, cols.optOutReason];
      const blank = inputs.every(
        (c) => c === null || cells[c - 1] === '' || cells[c - 1] === undefined,
      );
      if ((blank ? null : rowKey(cells, cols)) === key) rows.push(i + 1);
    });
    return rows;
  }

  it('finds every row with the key, ids typed any way and cells that hold the separator', () => {
    const date = new Date(Date.UTC(2026, 0, 2));
    const values: unknown[][] = [
      HEADER,
      [2, 'b@x.com', true, '', ''],
      [' 2 ', 'b@x.com', true, '', ''],
      ['2', 'b@x.com', 'TRUE', '', ''],
      ['2.0', 'b@x.com', true, '', ''],
      ['', '', '', '', ''],
      [`2${SEP}b@x.com`, 'TRUE', '', '', ''],
      ['2', `b@x.com${SEP}TRUE`, '', '', ''],
      ['x', 'b@x.com', true, '', ''],
      [date, 'b@x.com', true, '', ''],
      [true, 'b@x.com', true, '', ''],
      [-2, 'b@x.com', true, '', ''],
      ['', 'b@x.com', true, '', ''],
      [2, 'b@x.com', true, '', ''],
      ['', '', '', '', ''],
    ];
    const read = new SheetRead(values, columns);
    const keys = new Set(values.slice(1).map((cells) => rowKey(cells, columns)));
    keys.add(`2${SEP}b@x.com${SEP}TRUE${SEP}`);
    keys.add('nobody');
    for (const key of [...keys, null]) {
      expect([key, read.rowsWithKey(key)]).toEqual([key, plainRowsWithKey(values, columns, key)]);
    }
    expect(read.rowsWithKey(rowKey(values[1], columns))).toEqual([2, 3, 14]);
  });

  it('finds rows by key on a tab without a Contact ID column', () => {
    const header = ['Email', 'Opt Out'];
    const cols = findColumns(header, DEFAULT_HEADER_NAMES);
    const values: unknown[][] = [header, ['a@x.com', true], ['', ''], ['a@x.com', true], ['2', '']];
    const read = new SheetRead(values, cols);
    for (const cells of values.slice(1)) {
      const key = rowKey(cells, cols);
      expect(read.rowsWithKey(key)).toEqual(plainRowsWithKey(values, cols, key));
    }
    expect(read.rowsWithKey(null)).toEqual([3]);
  });
});
