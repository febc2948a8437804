import { DEFAULT_HEADER_NAMES, findColumns } from '../../../src/sheet/headers';
import { rowKey } from '../../../src/sheet/rowParsing';
import {
  BLANK_ROW_KEY,
  planStatusWrites,
  type CellBlock,
  type PendingStatus,
} from '../../../src/sheet/statusPlacement';

const HEADER = ['Contact ID', 'Email', 'Opt Out', 'Sync Status', 'Last Synced', 'Keap Sync Record'];
const columns = findColumns(HEADER, DEFAULT_HEADER_NAMES);
const T1 = new Date('2025-03-01T10:00:00Z');

function grid(rows: unknown[][], header = HEADER): unknown[][] {
  return [header, ...rows.map((row) => [...row, ...Array(header.length - row.length).fill('')])];
}

/** Statuses computed for the rows of `read`, keyed like the sync keys them. */
function pendingFor(read: unknown[][], statuses: Record<number, string>): PendingStatus[] {
  return Object.entries(statuses).map(([row, status]) => ({
    row: Number(row),
    key: rowKey(read[Number(row) - 1], columns),
    status,
    syncedAt: status.startsWith('Error') ? null : T1,
  }));
}

/** Applies blocks to a copy of `values`, like setValues would. */
function apply(values: unknown[][], blocks: CellBlock[]): unknown[][] {
  const copy = values.map((row) => [...row]);
  for (const block of blocks) {
    block.values.forEach((cells, i) =>
      cells.forEach((cell, j) => {
        const row = (copy[block.row - 1 + i] ??= []);
        row[block.column - 1 + j] = cell;
      }),
    );
  }
  return copy;
}

const statusOf = (values: unknown[][], id: number) =>
  values.filter((row) => row[0] === id).map((row) => row[3]);

describe('placing statuses on the rows that now hold them', () => {
  const read = grid([
    [1, 'a@x.com', ''],
    [2, 'b@x.com', 'yes'],
    [3, 'c@x.com', ''],
  ]);
  const pending = pendingFor(read, {
    2: 'Updated: email changed to a@x.com',
    3: 'Updated: opted out',
    4: 'Up to date',
  });

  it('writes each status on its own row when nothing moved', () => {
    const plan = planStatusWrites(pending, read, DEFAULT_HEADER_NAMES);
    const after = apply(read, plan.blocks);
    expect(statusOf(after, 1)).toEqual(['Updated: email changed to a@x.com']);
    expect(statusOf(after, 2)).toEqual(['Updated: opted out']);
    expect(statusOf(after, 3)).toEqual(['Up to date']);
    expect(after[1][4]).toEqual(T1);
  });

  it('follows the rows after a sort during the run', () => {
    const sorted = [read[0], read[3], read[1], read[2]];
    const after = apply(sorted, planStatusWrites(pending, sorted, DEFAULT_HEADER_NAMES).blocks);
    expect(after[1][0]).toBe(3);
    expect(after[1][3]).toBe('Up to date');
    expect(statusOf(after, 1)).toEqual(['Updated: email changed to a@x.com']);
    expect(statusOf(after, 2)).toEqual(['Updated: opted out']);
  });

  it('follows the rows after rows were inserted above them, leaving the new rows alone', () => {
    const inserted = [
      read[0],
      [99, 'new@x.com', '', '', ''],
      ['', '', '', '', ''],
      read[1],
      read[2],
      read[3],
    ];
    const after = apply(inserted, planStatusWrites(pending, inserted, DEFAULT_HEADER_NAMES).blocks);
    expect(after[1]).toEqual([99, 'new@x.com', '', '', '']);
    expect(after[2]).toEqual(['', '', '', '', '']);
    expect(after[3][3]).toBe('Updated: email changed to a@x.com');
    expect(after[5][3]).toBe('Up to date');
  });

  it('drops the status of a deleted row and of a row edited during the run', () => {
    const edited = [read[0], [2, 'other@x.com', 'yes', '', ''], read[3]];
    const plan = planStatusWrites(pending, edited, DEFAULT_HEADER_NAMES);
    const after = apply(edited, plan.blocks);
    expect(after[1][3]).toBe('');
    expect(after[2][3]).toBe('Up to date');
    expect(plan.placed.size).toBe(1);
  });

  it('skips a status that became ambiguous (row copied during the run)', () => {
    const copied = [...read, read[1]];
    const plan = planStatusWrites(pending, copied, DEFAULT_HEADER_NAMES);
    const after = apply(copied, plan.blocks);
    expect(statusOf(after, 1)).toEqual(['', '']);
    expect(statusOf(after, 3)).toEqual(['Up to date']);
  });

  it('gives identical rows their shared status on every copy', () => {
    const twins = grid([
      [5, 'e@x.com', ''],
      [6, 'f@x.com', ''],
      [5, 'e@x.com', ''],
    ]);
    const shared = pendingFor(twins, { 2: 'Up to date', 4: 'Up to date' });
    const after = apply(twins, planStatusWrites(shared, twins, DEFAULT_HEADER_NAMES).blocks);
    expect(statusOf(after, 5)).toEqual(['Up to date', 'Up to date']);
    expect(statusOf(after, 6)).toEqual(['']);
  });

  it('keeps a previous Last Synced when the new status is an error', () => {
    const earlier = new Date('2024-01-01T00:00:00Z');
    const withHistory = grid([[1, 'bad', '', 'Up to date', earlier]]);
    const errors = pendingFor(withHistory, { 2: 'Error: not valid' });
    const after = apply(
      withHistory,
      planStatusWrites(errors, withHistory, DEFAULT_HEADER_NAMES).blocks,
    );
    expect(after[1][3]).toBe('Error: not valid');
    expect(after[1][4]).toBe(earlier);
  });

  it('writes only the rows that get a status: a row in between is not rewritten', () => {
    const big = grid([
      [1, 'a@x.com', '', 'old 1', ''],
      [2, 'b@x.com', '', 'old 2', ''],
      [3, 'c@x.com', '', 'old 3', ''],
    ]);
    const plan = planStatusWrites(
      pendingFor(big, { 2: 'Up to date', 4: 'Up to date' }),
      big,
      DEFAULT_HEADER_NAMES,
    );
    expect(plan.blocks.map((b) => [b.row, b.column, b.values.map((r) => r[0])])).toEqual([
      [2, 4, ['Up to date']],
      [4, 4, ['Up to date']],
    ]);
  });

  it('writes neighbouring rows with statuses as one block', () => {
    const plan = planStatusWrites(pending, read, DEFAULT_HEADER_NAMES);
    expect(plan.blocks).toHaveLength(1);
    expect(plan.blocks[0]).toMatchObject({ row: 2, column: 4 });
    expect(plan.blocks[0].values).toHaveLength(3);
  });

  describe('many separate runs of rows', () => {
    // Rows 2, 4, 6, ... get a status; the rows in between keep theirs.
    const rows = Array.from({ length: 30 }, (_, i) => [i + 1, `p${i + 1}@x.com`, '', 'kept', '']);
    const many = grid(rows);
    const everyOther: Record<number, string> = {};
    for (let row = 2; row <= 31; row += 2) everyOther[row] = 'Up to date';
    const statuses = pendingFor(many, everyOther);

    it('are bridged into one block when no cell in between holds a formula (one formula read)', () => {
      const reads: unknown[] = [];
      const plan = planStatusWrites(statuses, many, DEFAULT_HEADER_NAMES, (range) => {
        reads.push(range);
        return Array.from({ length: range.rows }, () => Array(range.columns).fill(''));
      });
      expect(reads).toEqual([{ row: 2, column: 4, rows: 29, columns: 3 }]);
      expect(plan.blocks).toHaveLength(1);
      const after = apply(many, plan.blocks);
      expect(after.slice(1).map((r) => r[3])).toEqual(
        rows.map((_, i) => (i % 2 === 0 ? 'Up to date' : 'kept')),
      );
    });

    it('are split where a cell in between holds a formula, which is not rewritten', () => {
      const plan = planStatusWrites(statuses, many, DEFAULT_HEADER_NAMES, (range) =>
        Array.from({ length: range.rows }, (_, i) =>
          range.row + i === 11 ? ['=A11', ''] : ['', ''],
        ),
      );
      expect(plan.blocks.map((b) => [b.row, b.row + b.values.length - 1])).toEqual([
        [2, 10],
        [12, 30],
      ]);
    });

    it('are written run by run when the formulas cannot be read', () => {
      const plan = planStatusWrites(statuses, many, DEFAULT_HEADER_NAMES, () => {
        throw new Error('Service Spreadsheets timed out');
      });
      expect(plan.blocks).toHaveLength(15);
    });

    it('few runs need no formula read', () => {
      const few = pendingFor(many, { 2: 'Up to date', 9: 'Up to date' });
      const plan = planStatusWrites(few, many, DEFAULT_HEADER_NAMES, () => {
        throw new Error('not expected');
      });
      expect(plan.blocks).toHaveLength(2);
    });
  });

  it('an unchanged row keeps the status it shows; only a blank one is answered', () => {
    const shown = grid([
      [1, 'a@x.com', '', 'Updated: email changed to a@x.com', T1],
      [1, 'a@x.com', '', '', ''],
    ]);
    const keep = pendingFor(shown, { 2: 'Up to date', 3: 'Up to date' }).map((p) => ({
      ...p,
      onlyIfBlank: true,
    }));
    const plan = planStatusWrites(keep, shown, DEFAULT_HEADER_NAMES);
    expect(plan.placed.size).toBe(2);
    expect([...plan.written.keys()]).toEqual([3]);
    const after = apply(shown, plan.blocks);
    expect(after.slice(1).map((r) => r[3])).toEqual([
      'Updated: email changed to a@x.com',
      'Up to date',
    ]);
  });

  it('writes nothing when there is nothing to place', () => {
    expect(planStatusWrites([], read, DEFAULT_HEADER_NAMES).blocks).toEqual([]);
  });

  it('never writes text that Sheets would take for a formula', () => {
    const hostile = grid([[1, 'a@x.com', '', '=IMPORTXML("x")', '']]);
    const plan = planStatusWrites(
      pendingFor(hostile, { 2: '=1+1' }),
      hostile,
      DEFAULT_HEADER_NAMES,
    );
    expect(plan.blocks[0].values[0][0]).toBe("'=1+1");
  });
});

describe('creating the output columns', () => {
  const header = ['Name', 'Contact ID', 'Email'];
  const outputColumns = findColumns(header, DEFAULT_HEADER_NAMES);

  it('adds Sync Status, Last Synced and the record column at the right of the used range in one block', () => {
    const values = [header, ['Ann', 1, 'a@x.com'], ['Bob', 2, 'b@x.com']];
    const pending: PendingStatus[] = [
      {
        row: 3,
        key: rowKey(values[2], outputColumns),
        status: 'Up to date',
        syncedAt: T1,
        record: 'ksr1|2|v1:00|1|ok|r',
      },
    ];
    const plan = planStatusWrites(pending, values, DEFAULT_HEADER_NAMES);
    expect(plan.blocks).toEqual([
      {
        row: 1,
        column: 4,
        values: [
          ['Sync Status', 'Last Synced', 'Keap Sync Record'],
          ['', '', ''],
          ['Up to date', T1, 'ksr1|2|v1:00|1|ok|r'],
        ],
      },
    ]);
    expect(plan.addsRecordColumn).toBe(true);
    expect(plan.columns).toEqual({ status: 4, lastSynced: 5, record: 6 });
  });

  it('adds a missing record column apart from existing status columns, so row 1 is not rewritten', () => {
    const values = [
      ['Contact ID', 'Email', 'Sync Status', 'Last Synced'],
      [1, 'a@x.com', '', ''],
    ];
    const columnsNow = findColumns(values[0], DEFAULT_HEADER_NAMES);
    const pending: PendingStatus[] = [
      {
        row: 2,
        key: rowKey(values[1], columnsNow),
        status: 'Up to date',
        syncedAt: T1,
        record: 'r',
      },
    ];
    const plan = planStatusWrites(pending, values, DEFAULT_HEADER_NAMES);
    expect(plan.blocks).toEqual([
      { row: 2, column: 3, values: [['Up to date', T1]] },
      { row: 1, column: 5, values: [['Keap Sync Record'], ['r']] },
    ]);
  });

  it('adds only the missing column and writes non-neighbouring columns separately', () => {
    const values = [
      ['Contact ID', 'Sync Status', 'Email'],
      [1, '', 'a@x.com'],
    ];
    const columnsNow = findColumns(values[0], DEFAULT_HEADER_NAMES);
    const pending: PendingStatus[] = [
      { row: 2, key: rowKey(values[1], columnsNow), status: 'Up to date', syncedAt: T1 },
    ];
    const plan = planStatusWrites(pending, values, DEFAULT_HEADER_NAMES);
    expect(plan.blocks).toEqual([
      { row: 2, column: 2, values: [['Up to date']] },
      {
        row: 1,
        column: 4,
        values: [
          ['Last Synced', 'Keap Sync Record'],
          [T1, ''],
        ],
      },
    ]);
  });

  it('writes nothing when the contact id column disappeared during the run', () => {
    const values = [['Email'], ['a@x.com']];
    const pending: PendingStatus[] = [{ row: 2, key: 'x', status: 'Up to date', syncedAt: T1 }];
    expect(planStatusWrites(pending, values, DEFAULT_HEADER_NAMES).blocks).toEqual([]);
  });
});

describe('the Keap Email Status column', () => {
  const WITH_COLUMN = [...HEADER, 'Keap Email Status'];
  const read = grid(
    [
      [1, 'a@x.com', '', 'Up to date', '', '', 'Subscribed'],
      [2, 'b@x.com', 'yes', '', '', '', ''],
    ],
    WITH_COLUMN,
  );
  const keyOf = (row: number) => rowKey(read[row - 1], columns);

  it('goes in the same block as the statuses when it is beside them', () => {
    const pending: PendingStatus[] = [
      { row: 3, key: keyOf(3), status: 'Updated: opted out', syncedAt: T1, keapStatus: 'Bounced' },
    ];
    const plan = planStatusWrites(pending, read, DEFAULT_HEADER_NAMES);
    expect(plan.blocks).toEqual([
      { row: 3, column: 4, values: [['Updated: opted out', T1, '', 'Bounced']] },
    ]);
  });

  it("writes a row's Keap status and keeps the status it already shows", () => {
    const pending: PendingStatus[] = [
      {
        row: 2,
        key: keyOf(2),
        status: 'Up to date',
        syncedAt: T1,
        onlyIfBlank: true,
        keapStatus: 'Marked as spam',
      },
    ];
    const plan = planStatusWrites(pending, read, DEFAULT_HEADER_NAMES);
    expect(apply(read, plan.blocks)[1]).toEqual([
      1,
      'a@x.com',
      '',
      'Up to date',
      '',
      '',
      'Marked as spam',
    ]);
  });

  it('empties a cell of the column, and never adds the column back only to empty cells', () => {
    const pending: PendingStatus[] = [
      { row: 2, key: keyOf(2), status: null, syncedAt: null, keapStatus: '' },
    ];
    const plan = planStatusWrites(pending, read, DEFAULT_HEADER_NAMES);
    const after = apply(read, plan.blocks);
    expect(after[1]).toEqual([1, 'a@x.com', '', 'Up to date', '', '', '']);
    expect(after.slice(2)).toEqual(read.slice(2));
    // The column was deleted during the run: nothing to empty, no header written.
    const gone = read.map((row) => row.slice(0, 6));
    expect(planStatusWrites(pending, gone, DEFAULT_HEADER_NAMES).blocks).toEqual([]);
  });

  it('empties the cell of a row cleared of its inputs only while the blank rows are as read', () => {
    const blanks = grid(
      [
        [1, 'a@x.com', '', 'Up to date', '', '', 'Subscribed'],
        ['', '', '', 'Up to date', '', '', 'Subscribed'],
        ['', '', '', '', '', '', 'a note'],
      ],
      WITH_COLUMN,
    );
    const pending: PendingStatus[] = [
      { row: 3, key: BLANK_ROW_KEY, status: null, syncedAt: null, keapStatus: '' },
      { row: 4, key: BLANK_ROW_KEY, status: null, syncedAt: null },
    ];
    const after = apply(blanks, planStatusWrites(pending, blanks, DEFAULT_HEADER_NAMES).blocks);
    expect(after.slice(1)).toEqual([
      [1, 'a@x.com', '', 'Up to date', '', '', 'Subscribed'],
      ['', '', '', 'Up to date', '', '', ''],
      ['', '', '', '', '', '', 'a note'],
    ]);
    // A row emptied during the run: the blank rows are not those read, nothing is written.
    const another = blanks.map((row, i) => (i === 1 ? ['', '', '', ...row.slice(3)] : row));
    expect(planStatusWrites(pending, another, DEFAULT_HEADER_NAMES).blocks).toEqual([]);
  });

  it('is added right of the record column on a new sheet, in the same block', () => {
    const bare = [
      ['Contact ID', 'Email', 'Opt Out'],
      [1, 'a@x.com', ''],
    ];
    const pending: PendingStatus[] = [
      {
        row: 2,
        key: rowKey(bare[1], findColumns(bare[0], DEFAULT_HEADER_NAMES)),
        status: 'Up to date',
        syncedAt: T1,
        record: 'ksr2|1|v1:00|1|ok|r||',
        keapStatus: 'Subscribed',
      },
    ];
    const plan = planStatusWrites(pending, bare, DEFAULT_HEADER_NAMES);
    expect(plan.blocks).toEqual([
      {
        row: 1,
        column: 4,
        values: [
          ['Sync Status', 'Last Synced', 'Keap Sync Record', 'Keap Email Status'],
          ['Up to date', T1, 'ksr2|1|v1:00|1|ok|r||', 'Subscribed'],
        ],
      },
    ]);
  });
});

describe('a tab with no Contact ID column (rows matched by email)', () => {
  const NO_IDS = ['Email', 'Opt Out'];
  const read = [NO_IDS, ['a@x.com', 'yes'], ['b@x.com', '']];
  const noIdColumns = findColumns(NO_IDS, DEFAULT_HEADER_NAMES);
  const pending: PendingStatus[] = [2, 3].map((row) => ({
    row,
    key: rowKey(read[row - 1], noIdColumns),
    status: `status of row ${row}`,
    syncedAt: T1,
  }));

  it('adds the status columns and places each status on the row with its address, after a sort too', () => {
    const sorted = [NO_IDS, read[2], read[1]];
    const plan = planStatusWrites(pending, sorted, DEFAULT_HEADER_NAMES);
    expect(plan.placed.size).toBe(2);
    expect(apply(sorted, plan.blocks)).toEqual([
      [...NO_IDS, 'Sync Status', 'Last Synced', 'Keap Sync Record'],
      ['b@x.com', '', 'status of row 3', T1, ''],
      ['a@x.com', 'yes', 'status of row 2', T1, ''],
    ]);
  });

  it('writes nothing once row 1 has neither a Contact ID nor an Email column', () => {
    const renamed = [['Mail', 'Opt Out'], read[1], read[2]];
    expect(planStatusWrites(pending, renamed, DEFAULT_HEADER_NAMES).blocks).toEqual([]);
  });
});

describe('statuses an earlier write of the execution showed', () => {
  const first = grid([
    [1, 'a@x.com', ''],
    [2, 'b@x.com', 'yes'],
  ]);
  const shownBefore = pendingFor(first, { 2: 'Up to date', 3: 'Updated: opted out' });
  /** The plan of a later write of the same execution, with `pending` of its own. */
  const planAfter = (pending: PendingStatus[], now: unknown[][]) =>
    planStatusWrites(pending, now, DEFAULT_HEADER_NAMES, undefined, new Map(), null, shownBefore);

  it('are put back where a sort of the input columns alone moved their rows away', () => {
    // Inputs reversed; the status cells stayed (row 2 now holds contact 2, beside 1's status).
    const now = grid([
      [2, 'b@x.com', 'yes', 'Up to date'],
      [1, 'a@x.com', '', 'Updated: opted out'],
    ]);
    const plan = planAfter([], now);
    const after = apply(now, plan.blocks);
    expect(statusOf(after, 1)).toEqual(['Up to date']);
    expect(statusOf(after, 2)).toEqual(['Updated: opted out']);
  });

  it('are not written again where their rows still show them', () => {
    const now = grid([
      [1, 'a@x.com', '', 'Up to date'],
      [2, 'b@x.com', 'yes', 'Updated: opted out'],
    ]);
    const plan = planAfter([], now);
    expect(plan.blocks).toEqual([]);
  });

  it('take along the Keap Email Status a pending entry brings for the same row', () => {
    const header = [...HEADER, 'Keap Email Status'];
    const now = grid(
      [
        [2, 'b@x.com', 'yes', 'Up to date', '', '', ''],
        [1, 'a@x.com', '', 'Updated: opted out', '', '', ''],
      ],
      header,
    );
    const keapOnly: PendingStatus = {
      row: 3,
      key: shownBefore[1].key,
      status: null,
      syncedAt: null,
      keapStatus: 'Opted out',
    };
    const plan = planAfter([keapOnly], now);
    const after = apply(now, plan.blocks);
    const rowOf2 = after.find((row) => row[0] === 2) as unknown[];
    expect([rowOf2[3], rowOf2[6]]).toEqual(['Updated: opted out', 'Opted out']);
    expect(statusOf(after, 1)).toEqual(['Up to date']);
  });
});
