import { DEFAULT_HEADER_NAMES, findColumns } from '../../../src/sheet/headers';
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
});
