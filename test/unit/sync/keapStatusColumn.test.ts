import { findColumns } from '../../../src/sheet/headers';
import { parseRow } from '../../../src/sheet/rowParsing';
import { recordCell } from '../../../src/sheet/syncRecord';
import {
  clearedStatusCells,
  keapStatusCells,
  keapStatusColumnOn,
  rowsWithoutStatus,
  statusColumnRows,
  withKeapStatuses,
} from '../../../src/sync/keapStatusColumn';
import { BLANK_ROW_KEY, type PendingStatus } from '../../../src/sheet/statusPlacement';
import { isReleasedStatusWords } from '../../../src/sync/legacyStatusWords';

const NAMES = {
  contactId: 'Contact ID',
  email: 'Email',
  optOut: 'Opt Out',
  optOutReason: 'Opt Out Reason',
};
const columnsOf = (header: string[]) => findColumns(header, NAMES);
const BASE = ['Contact ID', 'Email', 'Opt Out', 'Opt Out Reason'];

describe('whether the Keap Email Status column is kept', () => {
  it('follows the choice made in the settings', () => {
    expect(keapStatusColumnOn(true, columnsOf([...BASE, 'Sync Status']))).toBe(true);
    expect(keapStatusColumnOn(false, columnsOf(BASE))).toBe(false);
  });

  it('never chosen: on for a new sheet or one with the column, off for one synced before', () => {
    expect(keapStatusColumnOn(undefined, columnsOf(BASE))).toBe(true);
    expect(keapStatusColumnOn(undefined, columnsOf([...BASE, 'Sync Status']))).toBe(false);
    expect(
      keapStatusColumnOn(undefined, columnsOf([...BASE, 'Sync Status', 'Keap Email Status'])),
    ).toBe(true);
  });
});

describe('the column cells', () => {
  const columns = columnsOf(BASE);
  const parsed = [
    parseRow([1, 'a@x.com', '', ''], 2, columns),
    parseRow([1, 'a@x.com', '', ''], 3, columns),
    parseRow([2, 'b@x.com', 'yes', ''], 4, columns),
    parseRow([3, '', '', ''], 5, columns),
    parseRow(['', 'c@x.com', '', ''], 6, columns),
  ];
  const rows = statusColumnRows(parsed);
  const states = new Map([
    ['a@x.com', { email: 'a@x.com', status: 'SINGLE_OPT_IN', optedOut: false }],
    ['b@x.com', { email: 'b@x.com', status: 'MANUAL', optedOut: true }],
  ]);
  const shown: Record<number, string> = {
    2: 'Subscribed',
    3: '',
    6: 'Keap has no status for this email yet',
  };

  it('are written only where the words changed, identical rows together', () => {
    const pending: PendingStatus[] = [
      {
        row: 4,
        key: 'k4',
        status: 'Updated: opted out',
        syncedAt: null,
        record: recordCell(2, {
          fingerprint: 'f',
          syncedAt: 0,
          result: 'ok',
          run: 'r',
          optedOutAt: 0,
        }),
      },
    ];
    const cells = keapStatusCells({
      rows,
      states,
      state: new Map(),
      emailState: new Map(),
      pending,
      shown: (row) => shown[row] ?? '',
      ours: isReleasedStatusWords,
      isoDay: () => '2026-12-05',
    });
    expect([...cells].map(([row, cell]) => [row, cell.keapStatus])).toEqual([
      [2, 'Subscribed'],
      [3, 'Subscribed'],
      [4, 'Opted out by this add-on on 2026-12-05'],
    ]);
    withKeapStatuses(pending, cells);
    expect(pending.map((p) => [p.row, p.status, p.keapStatus])).toEqual([
      [4, 'Updated: opted out', 'Opted out by this add-on on 2026-12-05'],
      [2, null, 'Subscribed'],
      [3, null, 'Subscribed'],
    ]);
  });
});

describe('the column turned off', () => {
  const header = [...BASE, 'Sync Status', 'Keap Email Status'];
  const columns = columnsOf(header);
  const parsed = [
    parseRow([1, 'a@x.com', '', ''], 2, columns),
    parseRow([1, 'a@x.com', '', ''], 3, columns),
    parseRow([2, 'b@x.com', 'yes', ''], 4, columns),
    parseRow(['', 'c@x.com', '', ''], 5, columns),
    parseRow(['x', '', '', ''], 6, columns),
    parseRow(['', '', '', ''], 7, columns),
  ];
  const shown: Record<number, string> = {
    2: 'Subscribed',
    3: 'my note',
    4: 'Opted out by this add-on on 2026-12-05',
    5: 'VIP',
    6: 'Keap status QUARANTINED',
    7: 'Bounced',
  };

  it("empties only the cells holding the add-on's words, identical rows together", () => {
    const cells = clearedStatusCells(parsed, (row) => shown[row] ?? '', isReleasedStatusWords);
    expect([...cells].map(([row, cell]) => [row, cell.status, cell.keapStatus])).toEqual([
      [2, null, ''],
      [3, null, undefined],
      [4, null, ''],
      [6, null, ''],
      // A row cleared of every input keeps no Keap status either (with the other blank rows).
      [7, null, ''],
    ]);
    expect(cells.get(7)?.key).toBe(BLANK_ROW_KEY);
  });
});

describe('rows the column does not speak for, with the column on', () => {
  const header = [...BASE, 'Sync Status', 'Keap Email Status'];
  const columns = columnsOf(header);
  const parsed = [
    parseRow([1, 'a@x.com', 'maybe', ''], 2, columns),
    parseRow(['', 'a@@x.com', '', ''], 3, columns),
    parseRow(['', '', '', ''], 4, columns),
    parseRow(['', '', '', ''], 5, columns),
    parseRow([2, 'b@x.com', '', ''], 6, columns),
    parseRow([3, '', '', ''], 7, columns),
    parseRow([4, '', '', ''], 8, columns),
  ];
  const shown: Record<number, string> = {
    2: 'Subscribed',
    3: 'Bounced',
    4: 'Subscribed',
    5: 'a note on an empty row',
    6: 'Subscribed',
    7: 'Marked as spam',
    8: 'my note',
  };

  it('empties the words beside error rows and emptied rows, and keeps notes', () => {
    const without = rowsWithoutStatus(parsed);
    expect(without.map((row) => row.row)).toEqual([2, 3, 4, 5]);
    const cells = clearedStatusCells(without, (row) => shown[row] ?? '', isReleasedStatusWords);
    expect([...cells].map(([row, cell]) => [row, cell.keapStatus])).toEqual([
      [2, ''],
      [3, ''],
      [4, ''],
      [5, undefined],
    ]);
  });

  it('empties the words beside a row with no email, never a note typed there', () => {
    const cells = keapStatusCells({
      rows: statusColumnRows(parsed),
      states: new Map([
        ['b@x.com', { email: 'b@x.com', status: 'SINGLE_OPT_IN', optedOut: false }],
      ]),
      state: new Map(),
      emailState: new Map(),
      pending: [],
      shown: (row) => shown[row] ?? '',
      ours: isReleasedStatusWords,
      isoDay: () => '2026-12-05',
    });
    expect([...cells].map(([row, cell]) => [row, cell.keapStatus])).toEqual([[7, '']]);
  });
});
