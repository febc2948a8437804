import { DEFAULT_HEADER_NAMES, findColumns } from '../../../src/sheet/headers';
import { addressKeyOf, emailRecordCell } from '../../../src/sheet/emailRecord';
import { misplacedRecords } from '../../../src/sheet/recordAlignment';
import { SheetRead } from '../../../src/sheet/sheetRead';
import { recordCell, type StateRecord } from '../../../src/sheet/syncRecord';

const HEADER = ['Contact ID', 'Email', 'Keap Sync Record'];
const columns = findColumns(HEADER, DEFAULT_HEADER_NAMES);
const at = (syncedAt: number, fingerprint = `f${syncedAt}`): StateRecord => ({
  fingerprint,
  syncedAt,
  result: 'ok',
  run: 'r',
});

describe('records beside the wrong rows', () => {
  it('finds nothing when every row holds its own contact’s newest record', () => {
    const values = [
      HEADER,
      [1, 'a@x.com', recordCell(1, at(5))],
      [2, 'b@x.com', recordCell(2, at(6))],
    ];
    expect(misplacedRecords(values, columns).size).toBe(0);
  });

  it('gives each row of a partial sort its own contact’s record back', () => {
    const values = [
      HEADER,
      [1, 'a@x.com', recordCell(2, at(6))],
      [2, 'b@x.com', recordCell(1, at(5))],
    ];
    expect(misplacedRecords(values, columns)).toEqual(
      new Map([
        [2, recordCell(1, at(5))],
        [3, recordCell(2, at(6))],
      ]),
    );
  });

  it('puts the newest of a contact’s records on all its rows, and this run’s records over older ones', () => {
    const values = [
      HEADER,
      [1, 'a@x.com', recordCell(1, at(5))],
      ['', '', recordCell(1, at(9))],
      [2, 'b@x.com', recordCell(2, at(6))],
    ];
    const newer = new Map([[2, at(20)]]);
    expect(misplacedRecords(values, columns, newer)).toEqual(
      new Map([
        [2, recordCell(1, at(9))],
        [4, recordCell(2, at(20))],
      ]),
    );
  });

  it('does not look at rows that get their record written anyway', () => {
    const values = [
      HEADER,
      [1, 'a@x.com', recordCell(1, at(5))],
      ['', '', recordCell(1, at(9))],
      [2, 'b@x.com', recordCell(2, at(6))],
    ];
    const newer = new Map([[2, at(20)]]);
    const read = new SheetRead(values, columns);
    expect(misplacedRecords(values, columns, newer, read, (row) => row === 4)).toEqual(
      new Map([[2, recordCell(1, at(9))]]),
    );
  });

  it('leaves rows alone whose contact has no record, or whose id is not a contact id', () => {
    const values = [HEADER, [3, 'c@x.com', recordCell(1, at(5))], ['abc', 'x@x.com', 'note']];
    expect(misplacedRecords(values, columns).size).toBe(0);
  });

  it('finds the records a tab without a record column is to get', () => {
    const plain = findColumns(['Contact ID', 'Email'], DEFAULT_HEADER_NAMES);
    const values = [
      ['Contact ID', 'Email'],
      [7, 'g@x.com'],
      [8, 'h@x.com'],
    ];
    expect(misplacedRecords(values, plain, new Map([[8, at(3)]]))).toEqual(
      new Map([[3, recordCell(8, at(3))]]),
    );
  });

  describe('rows without a Contact ID', () => {
    const kse = (email: string, syncedAt: number) =>
      emailRecordCell(addressKeyOf(email), { ...at(syncedAt), found: 12 });

    it('gives each its address record back after a sort of the inputs alone, as contacts get theirs', () => {
      // Before the sort: a@ (no id), b@ (no id), contact 3. The inputs were reversed.
      const values = [
        HEADER,
        [3, 'c@x.com', kse('a@x.com', 5)],
        ['', 'b@x.com', kse('b@x.com', 5)],
        ['', ' A@x.com ', recordCell(3, at(5))],
      ];
      expect(misplacedRecords(values, columns)).toEqual(
        new Map([
          [4, kse('a@x.com', 5)],
          [2, recordCell(3, at(5))],
        ]),
      );
    });

    it('puts the newest record of an address on all its rows, and leaves other rows alone', () => {
      const values = [
        HEADER,
        ['', 'a@x.com', kse('a@x.com', 5)],
        ['', 'a@x.com', kse('a@x.com', 9)],
        ['', 'never@x.com', 'note'],
        ['', 'not an email', kse('a@x.com', 1)],
        ['x', 'a@x.com', 'note'],
      ];
      expect(misplacedRecords(values, columns)).toEqual(new Map([[2, kse('a@x.com', 9)]]));
      // A row that gets its record written anyway is not looked at.
      expect(misplacedRecords(values, columns, new Map(), undefined, (row) => row === 2).size).toBe(
        0,
      );
    });
  });
});
