import { DEFAULT_HEADER_NAMES, findColumns } from '../../../src/sheet/headers';
import { rowKey } from '../../../src/sheet/rowParsing';
import {
  planStatusWrites,
  type CellBlock,
  type PendingStatus,
} from '../../../src/sheet/statusPlacement';
import { repairStatusWrites } from '../../../src/sheet/statusRepair';

const HEADER = ['Contact ID', 'Email', 'Opt Out', 'Sync Status', 'Last Synced', 'Keap Sync Record'];
const columns = findColumns(HEADER, DEFAULT_HEADER_NAMES);
const T0 = new Date('2025-02-01T10:00:00Z');
const T1 = new Date('2025-03-01T10:00:00Z');

function apply(values: unknown[][], blocks: CellBlock[]): unknown[][] {
  const copy = values.map((row) => [...row]);
  for (const block of blocks) {
    block.values.forEach((cells, i) =>
      cells.forEach((cell, j) => {
        copy[block.row - 1 + i][block.column - 1 + j] = cell;
      }),
    );
  }
  return copy;
}

/** Sorts the data rows by email, descending, as a person's sort would. */
function sortedByEmailDescending(values: unknown[][]): unknown[][] {
  return [values[0], ...values.slice(1).sort((a, b) => String(b[1]).localeCompare(String(a[1])))];
}

const byId = (values: unknown[][]) =>
  Object.fromEntries(values.slice(1).map((row) => [String(row[0]), [row[3], row[4]]]));

describe('checking the status write', () => {
  const before = [
    HEADER,
    [1, 'a@x.com', '', 'Up to date', T0],
    [2, 'b@x.com', '', '', ''],
    [3, 'c@x.com', '', '', ''],
    [4, 'd@x.com', '', 'old 4', ''],
  ];
  const pending: PendingStatus[] = [2, 3].map((row) => ({
    row: row + 1,
    key: rowKey(before[row], columns),
    status: `Updated: email changed to ${String(before[row][1])}`,
    syncedAt: T1,
  }));
  const plan = planStatusWrites(pending, before, DEFAULT_HEADER_NAMES);

  it('costs nothing when every written row still holds its inputs', () => {
    const after = apply(before, plan.blocks);
    expect(repairStatusWrites(plan, before, after, DEFAULT_HEADER_NAMES)).toBeNull();
  });

  it('a sort just before the write: every status is put back on its own row, the others get theirs back', () => {
    const sorted = sortedByEmailDescending(before);
    const after = apply(sorted, plan.blocks);
    // The write landed on the wrong rows: b@'s status on c@'s row and the other way round.
    expect(byId(after)['3'][0]).toBe('Updated: email changed to b@x.com');
    const repair = repairStatusWrites(plan, before, after, DEFAULT_HEADER_NAMES);
    expect(repair).not.toBeNull();
    const fixed = apply(after, repair?.blocks ?? []);
    expect(byId(fixed)).toEqual({
      '1': ['Up to date', T0],
      '2': ['Updated: email changed to b@x.com', T1],
      '3': ['Updated: email changed to c@x.com', T1],
      '4': ['old 4', ''],
    });
    expect(repair?.placed.size).toBe(2);
  });

  it('a row moved under the write gets back what it showed before', () => {
    // The last row was moved to the top: rows 3 and 4 now hold a@ and b@.
    const moved = [before[0], before[4], before[1], before[2], before[3]];
    const after = apply(moved, plan.blocks);
    expect(byId(after)['1'][0]).toBe('Updated: email changed to b@x.com');
    const fixed = apply(
      after,
      repairStatusWrites(plan, before, after, DEFAULT_HEADER_NAMES)?.blocks ?? [],
    );
    expect(byId(fixed)).toEqual({
      '1': ['Up to date', T0],
      '2': ['Updated: email changed to b@x.com', T1],
      '3': ['Updated: email changed to c@x.com', T1],
      '4': ['old 4', ''],
    });
  });

  it('a status whose row became ambiguous is cleared from where it landed and not counted as placed', () => {
    const sorted = sortedByEmailDescending(before);
    const after = apply(sorted, plan.blocks);
    // A person also copied row b@ while the write happened: two rows now hold its inputs.
    after.push([2, 'b@x.com', '', '', '']);
    const repair = repairStatusWrites(plan, before, after, DEFAULT_HEADER_NAMES);
    const fixed = apply(after, repair?.blocks ?? []);
    expect(fixed.filter((row) => row[0] === 2).map((row) => row[3])).toEqual(['', '']);
    expect([...(repair?.placed ?? [])].map((p) => p.status)).toEqual([
      'Updated: email changed to c@x.com',
    ]);
  });
});

describe('checking the write of statuses with their records', () => {
  const before = [
    HEADER,
    [1, 'a@x.com', '', 'Up to date', T0, 'ksr2|1|fa|1|ok|r0||'],
    [2, 'b@x.com', '', '', '', ''],
    [3, 'c@x.com', '', '', '', ''],
  ];
  const pending: PendingStatus[] = [2, 3].map((row) => ({
    row: row + 1,
    key: rowKey(before[row], columns),
    status: `Updated: email changed to ${String(before[row][1])}`,
    syncedAt: T1,
    record: `ksr1|${row}|f${row}|2|ok|r1`,
  }));
  const plan = planStatusWrites(pending, before, DEFAULT_HEADER_NAMES);
  const recordsById = (values: unknown[][]) =>
    Object.fromEntries(values.slice(1).map((row) => [String(row[0]), row[5]]));

  it('a sort just before the write: each record ends on the row of the contact it names', () => {
    const sorted = sortedByEmailDescending(before);
    const after = apply(sorted, plan.blocks);
    // b@ kept its row, but a@'s row (moved to the bottom) got c@'s status and record.
    expect(recordsById(after)['1']).toBe('ksr1|3|f3|2|ok|r1');
    const fixed = apply(
      after,
      repairStatusWrites(plan, before, after, DEFAULT_HEADER_NAMES)?.blocks ?? [],
    );
    expect(recordsById(fixed)).toEqual({
      '1': 'ksr2|1|fa|1|ok|r0||',
      '2': 'ksr2|2|f2|2|ok|r1||',
      '3': 'ksr2|3|f3|2|ok|r1||',
    });
  });
});

describe('checking the write of statuses with the Keap Email Status column', () => {
  const KEAP_HEADER = [...HEADER, 'Keap Email Status'];
  const keapColumns = findColumns(KEAP_HEADER, DEFAULT_HEADER_NAMES);
  const before = [
    KEAP_HEADER,
    [1, 'a@x.com', '', 'Up to date', T0, '', 'Subscribed'],
    [2, 'b@x.com', '', '', '', '', ''],
    [3, 'c@x.com', '', 'kept 3', T0, '', 'Subscribed'],
    [4, 'd@x.com', '', 'old 4', '', '', 'old keap 4'],
  ];
  const pending: PendingStatus[] = [
    {
      row: 3,
      key: rowKey(before[2], keapColumns),
      status: 'Opted out in Keap',
      syncedAt: T1,
      keapStatus: 'Opted out (by this add-on)',
    },
    {
      row: 4,
      key: rowKey(before[3], keapColumns),
      status: 'unchanged',
      syncedAt: T1,
      onlyIfBlank: true,
      keapStatus: 'Unsubscribed',
    },
  ];
  const plan = planStatusWrites(pending, before, DEFAULT_HEADER_NAMES);
  const shown = (values: unknown[][]) =>
    Object.fromEntries(values.slice(1).map((row) => [String(row[0]), [row[3], row[6]]]));

  it('a sort just before the write: every row shows its own Keap status again', () => {
    expect(plan.columns?.keapStatus).toBe(7);
    const sorted = sortedByEmailDescending(before);
    const after = apply(sorted, plan.blocks);
    expect(shown(after)['2'][1]).not.toBe('Opted out (by this add-on)');
    const repair = repairStatusWrites(plan, before, after, DEFAULT_HEADER_NAMES);
    expect(repair).not.toBeNull();
    const fixed = apply(after, repair?.blocks ?? []);
    expect(shown(fixed)).toEqual({
      '1': ['Up to date', 'Subscribed'],
      '2': ['Opted out in Keap', 'Opted out (by this add-on)'],
      '3': ['kept 3', 'Unsubscribed'],
      '4': ['old 4', 'old keap 4'],
    });
  });
});

describe('checking the status write on a tab with no Contact ID column', () => {
  const NO_IDS = ['Email', 'Opt Out', 'Sync Status', 'Last Synced', 'Keap Sync Record'];
  const noIdColumns = findColumns(NO_IDS, DEFAULT_HEADER_NAMES);
  const before = [
    NO_IDS,
    ['a@x.com', '', 'Up to date', T0, ''],
    ['b@x.com', 'yes', '', '', ''],
    ['c@x.com', '', '', '', ''],
  ];
  const pending: PendingStatus[] = [2, 3].map((row) => ({
    row: row + 1,
    key: rowKey(before[row], noIdColumns),
    status: `status of ${String(before[row][0])}`,
    syncedAt: T1,
  }));
  const plan = planStatusWrites(pending, before, DEFAULT_HEADER_NAMES);
  const byEmail = (values: unknown[][]) =>
    Object.fromEntries(values.slice(1).map((row) => [String(row[0]), [row[2], row[3]]]));

  it('a sort just before the write: every status is put back on the row of its address', () => {
    const sorted = [before[0], before[3], before[1], before[2]];
    const after = apply(sorted, plan.blocks);
    expect(byEmail(after)['a@x.com'][0]).toBe('status of b@x.com');
    const repair = repairStatusWrites(plan, before, after, DEFAULT_HEADER_NAMES);
    expect(repair?.gaveUp).toBeFalsy();
    expect(byEmail(apply(after, repair?.blocks ?? []))).toEqual({
      'a@x.com': ['Up to date', T0],
      'b@x.com': ['status of b@x.com', T1],
      'c@x.com': ['status of c@x.com', T1],
    });
  });
});
