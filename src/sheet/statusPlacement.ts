/**
 * Statuses are computed from the rows as first read, but people may sort, insert or delete
 * rows while a sync runs. Before writing, the sheet is read again and each status goes to
 * the row that now holds the same inputs (contact id, email, opt-out, reason). A status
 * whose row is gone, was edited, or became ambiguous is not written; that row is synced
 * again next run. Pure: turns the re-read values into blocks of cells to write.
 */
import { formulaSafeCell } from './formulaSafe';
import {
  findColumns,
  LAST_SYNCED_HEADER,
  SYNC_STATUS_HEADER,
  type InputHeaderNames,
  type SheetColumns,
} from './headers';
import { rowKey } from './rowParsing';
import { isBlankCell } from './cells';

export interface PendingStatus {
  /** Sheet row when the statuses were computed. */
  row: number;
  key: string;
  status: string;
  /** The time of a successful sync; null keeps the row's previous Last Synced. */
  syncedAt: Date | null;
}

export interface CellBlock {
  row: number;
  column: number;
  values: unknown[][];
}

export interface StatusWritePlan {
  blocks: CellBlock[];
  /** Statuses that found their row. */
  placed: Set<PendingStatus>;
  /** Where each placed status now goes (current row -> status). */
  rows: Map<number, PendingStatus>;
}

function hasInputs(values: readonly unknown[], columns: SheetColumns): boolean {
  return [columns.contactId, columns.email, columns.optOut, columns.optOutReason].some(
    (column) => column !== null && !isBlankCell(values[column - 1]),
  );
}

function groupBy<T>(items: Iterable<T>, keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

/**
 * Matches statuses to current rows by key. A key is placed only when it is unambiguous:
 * the sheet now holds as many rows with that key as were read, and all of them were given
 * the same status (identical rows share one result).
 */
export function placeStatuses(
  pending: readonly PendingStatus[],
  currentValues: readonly (readonly unknown[])[],
  columns: SheetColumns,
): Map<number, PendingStatus> {
  const currentRows: { row: number; key: string }[] = [];
  currentValues.forEach((values, index) => {
    if (index === 0 || !hasInputs(values, columns)) return;
    currentRows.push({ row: index + 1, key: rowKey(values, columns) });
  });
  const currentByKey = groupBy(currentRows, (r) => r.key);
  const placed = new Map<number, PendingStatus>();
  for (const [key, statuses] of groupBy(pending, (p) => p.key)) {
    const targets = currentByKey.get(key) ?? [];
    if (targets.length !== statuses.length) continue;
    const first = statuses[0];
    const same = statuses.every(
      (s) => s.status === first.status && s.syncedAt?.getTime() === first.syncedAt?.getTime(),
    );
    if (!same) continue;
    const ordered = [...statuses].sort((a, b) => a.row - b.row);
    targets.forEach((target, i) => placed.set(target.row, ordered[i]));
  }
  return placed;
}

function cellOf(values: readonly (readonly unknown[])[], row: number, column: number): unknown {
  const value = values[row - 1]?.[column - 1];
  return value === undefined ? '' : value;
}

/** One block per column, or one two-column block when Sync Status and Last Synced are neighbours. */
function blocksFor(
  currentValues: readonly (readonly unknown[])[],
  outputs: { column: number; header: string | null; valueOf: (p: PendingStatus) => unknown }[],
  placed: Map<number, PendingStatus>,
): CellBlock[] {
  const rowsFor = (output: (typeof outputs)[number]) => {
    const rows = [...placed].filter(([, p]) => output.valueOf(p) !== null).map(([row]) => row);
    if (output.header !== null) rows.push(1);
    return rows;
  };
  const cellFor = (output: (typeof outputs)[number], row: number): unknown => {
    if (row === 1 && output.header !== null) return output.header;
    const status = placed.get(row);
    const value = status ? output.valueOf(status) : null;
    return formulaSafeCell(value === null ? cellOf(currentValues, row, output.column) : value);
  };
  // A loop, not Math.min(...rows): a large sheet would exceed the argument limit.
  const span = (rows: number[]) =>
    rows.reduce((s, row) => ({ from: Math.min(s.from, row), to: Math.max(s.to, row) }), {
      from: Infinity,
      to: -Infinity,
    });

  const sorted = [...outputs].sort((a, b) => a.column - b.column);
  const groups =
    sorted.length === 2 && sorted[1].column === sorted[0].column + 1
      ? [sorted]
      : sorted.map((o) => [o]);
  const blocks: CellBlock[] = [];
  for (const group of groups) {
    const rows = group.flatMap(rowsFor);
    if (rows.length === 0) continue;
    const { from, to } = span(rows);
    const values: unknown[][] = [];
    for (let row = from; row <= to; row++) values.push(group.map((output) => cellFor(output, row)));
    blocks.push({ row: from, column: group[0].column, values });
  }
  return blocks;
}

/**
 * Plans the writes for `pending` against the sheet as it is now. Header cells for missing
 * Sync Status / Last Synced columns are added at the right of the used range.
 */
export function planStatusWrites(
  pending: readonly PendingStatus[],
  currentValues: readonly (readonly unknown[])[],
  names: InputHeaderNames,
): StatusWritePlan {
  const none: StatusWritePlan = { blocks: [], placed: new Set(), rows: new Map() };
  if (pending.length === 0 || currentValues.length === 0) return none;
  const columns = findColumns(currentValues[0], names);
  if (columns.contactId === null) return none;
  const rows = placeStatuses(pending, currentValues, columns);
  if (rows.size === 0) return none;

  const width = currentValues.reduce((widest, values) => Math.max(widest, values.length), 0);
  const statusColumn = columns.syncStatus ?? width + 1;
  const lastSyncedColumn = columns.lastSynced ?? Math.max(width, statusColumn) + 1;
  const blocks = blocksFor(
    currentValues,
    [
      {
        column: statusColumn,
        header: columns.syncStatus === null ? SYNC_STATUS_HEADER : null,
        valueOf: (p) => p.status,
      },
      {
        column: lastSyncedColumn,
        header: columns.lastSynced === null ? LAST_SYNCED_HEADER : null,
        valueOf: (p) => p.syncedAt,
      },
    ],
    rows,
  );
  return { blocks, placed: new Set(rows.values()), rows };
}
