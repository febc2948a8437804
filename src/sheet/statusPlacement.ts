/**
 * Statuses are computed from the rows as first read, but people may sort, insert or delete
 * rows while a sync runs. Before writing, the sheet is read again and each status goes to
 * the row that now holds the same inputs (contact id, email, opt-out, reason). A status
 * whose row is gone, was edited, or became ambiguous is not written; that row is synced
 * again next run. Pure: turns the re-read values into blocks of cells to write.
 *
 * Only rows that get a new status are written: a block covers a run of such rows, so a
 * cell the sync does not own (a person's formula or note in the Sync Status column of a
 * row in between) is never rewritten. When the runs are many, gaps are bridged, but only
 * gaps whose cells hold no formula (one getFormulas read tells).
 *
 * Every write also puts records back beside their own contacts' rows (recordAlignment.ts),
 * in the record column alone for rows that get no status, and a record is never written
 * before its row's status: when the record column is apart from Sync Status, its blocks come
 * last, so an execution stopped between the two leaves a status without a record (compared
 * with Keap next run), never a record without its status.
 */
import { isBlankCell } from './cells';
import { formulaSafeCell } from './formulaSafe';
import {
  findColumns,
  inputColumnsOf,
  KEAP_EMAIL_STATUS_HEADER,
  LAST_SYNCED_HEADER,
  SYNC_STATUS_HEADER,
  type InputHeaderNames,
  type SheetColumns,
} from './headers';
import { misplacedRecords } from './recordAlignment';
import { SheetRead } from './sheetRead';
import { keepNewest, parseRecordCell, SYNC_RECORD_HEADER, type SyncState } from './syncRecord';

export interface PendingStatus {
  /** Sheet row when the statuses were computed. */
  row: number;
  key: string;
  /** Null keeps the row's status: only its record is put back (see recordAlignment.ts). */
  status: string | null;
  /** The time of a successful sync; null keeps the row's previous Last Synced. */
  syncedAt: Date | null;
  /** Written only where the row shows no status: an unchanged row keeps the one it has. */
  onlyIfBlank?: boolean;
  /** The Keap Sync Record cell to write with the status; absent keeps the row's record. */
  record?: string;
  /** The Keap Email Status cell (src/sync/keapStatusColumn.ts); absent keeps the cell. */
  keapStatus?: string;
}

export interface CellBlock {
  row: number;
  column: number;
  values: unknown[][];
}

export interface CellRange {
  row: number;
  column: number;
  rows: number;
  columns: number;
}

/** Reads the formulas of a range (Range.getFormulas: '' where a cell holds none). */
export type ReadFormulas = (range: CellRange) => unknown[][];

/**
 * More blocks than this and formula-free gaps between them are written over, to save calls:
 * each block costs two spreadsheet calls (getRange, setValues) and so does the formula read
 * that proves a gap safe, so from the third block on, bridging is never more expensive.
 */
export const MAX_STATUS_BLOCKS = 2;

export interface StatusColumnsAt {
  status: number;
  lastSynced: number;
  record: number;
  /** Present when the write includes the Keap Email Status column. */
  keapStatus?: number;
}

export interface StatusWritePlan {
  blocks: CellBlock[];
  /** Statuses that found their row (written, or kept because the row already shows one). */
  placed: Set<PendingStatus>;
  /** Where each placed status now goes (current row -> status). */
  rows: Map<number, PendingStatus>;
  /** The rows the blocks write (current row -> what they get). */
  written: Map<number, PendingStatus>;
  /** Where the output columns are (null when nothing is written). */
  columns: StatusColumnsAt | null;
  /** The blocks add the Keap Sync Record column: it is to be hidden once written. */
  addsRecordColumn: boolean;
  /** The records this write brings, by contact (to check the write by contact, not by row). */
  records: SyncState;
  /** The read the plan was made from, with what was worked out from it (sheetRead.ts). */
  read?: SheetRead;
}

export function hasInputs(values: readonly unknown[], columns: SheetColumns): boolean {
  return inputColumnsOf(columns).some(
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
 * The key of a row whose input cells are all blank, for the rare status meant for such a row
 * (emptying the Keap Email Status words left beside inputs a person cleared). Distinct from
 * every rowKey. A status with it is placed only when it comes for every blank row of the tab.
 */
export const BLANK_ROW_KEY = '\u0000blank';

/**
 * Matches statuses to current rows by key. A key is placed only when it is unambiguous:
 * the sheet now holds as many rows with that key as were read, and all of them were given
 * the same status (identical rows share one result).
 */
export function placeStatuses(
  pending: readonly PendingStatus[],
  currentValues: readonly (readonly unknown[])[],
  columns: SheetColumns,
  read: SheetRead = new SheetRead(currentValues, columns),
): Map<number, PendingStatus> {
  const pendingByKey = groupBy(pending, (p) => p.key);
  // The read's index of rows by key: worked out once, and shared by later reads whose input
  // cells are all the same (sheetRead.ts), so a write between chunks costs its own rows.
  if (read.values !== currentValues) read = new SheetRead(currentValues, columns, read);
  const placed = new Map<number, PendingStatus>();
  for (const [key, statuses] of pendingByKey) {
    const targets = read.rowsWithKey(key === BLANK_ROW_KEY ? null : key);
    if (targets.length !== statuses.length) continue;
    const first = statuses[0];
    const same = statuses.every(
      (s) => s.status === first.status && s.syncedAt?.getTime() === first.syncedAt?.getTime(),
    );
    if (!same) continue;
    const ordered = statuses.length === 1 ? statuses : [...statuses].sort((a, b) => a.row - b.row);
    targets.forEach((target, i) => placed.set(target, ordered[i]));
  }
  return placed;
}

export function cellOf(
  values: readonly (readonly unknown[])[],
  row: number,
  column: number,
): unknown {
  const value = values[row - 1]?.[column - 1];
  return value === undefined ? '' : value;
}

/** One output column: its header when the sync adds it, and its value for a status. */
export interface StatusOutput {
  field: keyof StatusColumnsAt;
  column: number;
  header: string | null;
  valueOf: (p: PendingStatus) => unknown;
}

export function statusOutputs(
  columns: SheetColumns,
  width: number,
  withKeapStatus = false,
): StatusOutput[] {
  const statusColumn = columns.syncStatus ?? width + 1;
  const lastSyncedColumn = columns.lastSynced ?? Math.max(width, statusColumn) + 1;
  const recordColumn = columns.syncRecord ?? Math.max(width, statusColumn, lastSyncedColumn) + 1;
  // Right of the record column when added, so later runs write all four in one block.
  const keapColumn =
    columns.keapEmailStatus ?? Math.max(width, statusColumn, lastSyncedColumn, recordColumn) + 1;
  const keapOutput: StatusOutput = {
    field: 'keapStatus',
    column: keapColumn,
    header: columns.keapEmailStatus === null ? KEAP_EMAIL_STATUS_HEADER : null,
    valueOf: (p) => p.keapStatus ?? null,
  };
  return [
    {
      field: 'status',
      column: statusColumn,
      header: columns.syncStatus === null ? SYNC_STATUS_HEADER : null,
      valueOf: (p) => p.status,
    },
    {
      field: 'lastSynced',
      column: lastSyncedColumn,
      header: columns.lastSynced === null ? LAST_SYNCED_HEADER : null,
      valueOf: (p) => p.syncedAt,
    },
    {
      field: 'record',
      column: recordColumn,
      header: columns.syncRecord === null ? SYNC_RECORD_HEADER : null,
      valueOf: (p) => p.record ?? null,
    },
    ...(withKeapStatus ? [keapOutput] : []),
  ];
}

interface Run {
  from: number;
  to: number;
}

/** Sorted rows as maximal runs of consecutive rows. */
export function runsOf(rows: Iterable<number>): Run[] {
  const runs: Run[] = [];
  for (const row of [...new Set(rows)].sort((a, b) => a - b)) {
    const last = runs[runs.length - 1];
    if (last && last.to + 1 === row) last.to = row;
    else runs.push({ from: row, to: row });
  }
  return runs;
}

/**
 * The output columns in groups of neighbours: each group is written as one block. A group
 * with the record column but not Sync Status comes last (see the top of this file).
 */
export function outputGroups<T extends { column: number; field: keyof StatusColumnsAt }>(
  outputs: readonly T[],
): T[][] {
  const groups: T[][] = [];
  for (const output of [...outputs].sort((a, b) => a.column - b.column)) {
    const last = groups[groups.length - 1];
    if (last && last[last.length - 1].column + 1 === output.column) last.push(output);
    else groups.push([output]);
  }
  return groups.sort((a, b) => recordsLast(a) - recordsLast(b));
}

/** Sort rank of a group: 1 for one with the record column but not Sync Status. */
function recordsLast(group: readonly { field: keyof StatusColumnsAt }[]): number {
  const has = (field: keyof StatusColumnsAt) => group.some((output) => output.field === field);
  return has('record') && !has('status') ? 1 : 0;
}

/** Bridges the gaps between runs whose cells (in the group's columns) hold no formula. */
function bridgeFormulaFreeGaps(runs: Run[], group: StatusOutput[], read: ReadFormulas): Run[] {
  const first = runs[0].from;
  let formulas: unknown[][];
  try {
    formulas = read({
      row: first,
      column: group[0].column,
      rows: runs[runs.length - 1].to - first + 1,
      columns: group.length,
    });
  } catch {
    // A column the sync is adding is past the grid's edge: it holds no formula, but
    // writing the runs as they are is right either way.
    return runs;
  }
  const hasFormula = (row: number) =>
    (formulas[row - first] ?? []).some((cell) => typeof cell === 'string' && cell !== '');
  const merged: Run[] = [{ ...runs[0] }];
  for (const run of runs.slice(1)) {
    const last = merged[merged.length - 1];
    let clear = true;
    for (let row = last.to + 1; row < run.from && clear; row++) clear = !hasFormula(row);
    if (clear) last.to = run.to;
    else merged.push({ ...run });
  }
  return merged;
}

/**
 * Blocks that write `written` (row -> status) into the output columns, plus the header of an
 * added column. Cells of rows inside a block without a status keep their current value.
 */
export function blocksFor(
  currentValues: readonly (readonly unknown[])[],
  outputs: StatusOutput[],
  written: ReadonlyMap<number, PendingStatus>,
  readFormulas?: ReadFormulas,
): CellBlock[] {
  const rowsFor = (output: StatusOutput) => {
    const rows = [...written].filter(([, p]) => output.valueOf(p) !== null).map(([row]) => row);
    if (output.header !== null) rows.push(1);
    return rows;
  };
  const cellFor = (output: StatusOutput, row: number): unknown => {
    if (row === 1 && output.header !== null) return output.header;
    const status = written.get(row);
    const value = status ? output.valueOf(status) : null;
    return formulaSafeCell(value === null ? cellOf(currentValues, row, output.column) : value);
  };

  // A column being added is grouped only with other added ones: grouped with an existing
  // column, its header would drag row 1 (a person's header) into the block.
  const groups = [
    ...outputGroups(outputs.filter((output) => output.header === null)),
    ...outputGroups(outputs.filter((output) => output.header !== null)),
  ]
    .sort((a, b) => recordsLast(a) - recordsLast(b))
    .map((group) => ({
      group,
      runs: runsOf(group.flatMap(rowsFor)),
    }));
  const total = groups.reduce((n, g) => n + g.runs.length, 0);
  const blocks: CellBlock[] = [];
  for (const { group, runs } of groups) {
    if (runs.length === 0) continue;
    // Columns the sync adds are empty below their header: one block writes them all.
    const added = group.every((output) => output.header !== null);
    let spans = runs;
    if (added) spans = [{ from: runs[0].from, to: runs[runs.length - 1].to }];
    else if (total > MAX_STATUS_BLOCKS && runs.length > 1 && readFormulas) {
      spans = bridgeFormulaFreeGaps(runs, group, readFormulas);
    }
    for (const { from, to } of spans) {
      const values: unknown[][] = [];
      for (let row = from; row <= to; row++) {
        values.push(group.map((output) => cellFor(output, row)));
      }
      blocks.push({ row: from, column: group[0].column, values });
    }
  }
  return blocks;
}

/**
 * Plans the writes for `pending` against the sheet as it is now. Header cells for missing
 * Sync Status / Last Synced / Keap Sync Record columns are added at the right of the used
 * range, in that order, so that on a new sheet the three are written as one block.
 * `readFormulas` is asked only when the rows to write fall into many separate runs.
 * `unwritten`: records the sheet does not hold yet, to be put on their contacts' rows.
 * `earlier`: an earlier read of the tab, whose rows are not worked out again (sheetRead.ts).
 */
export function planStatusWrites(
  pending: readonly PendingStatus[],
  currentValues: readonly (readonly unknown[])[],
  names: InputHeaderNames,
  readFormulas?: ReadFormulas,
  unwritten: SyncState = new Map(),
  earlier: SheetRead | null = null,
  shownBefore: readonly PendingStatus[] = [],
): StatusWritePlan {
  const none: StatusWritePlan = {
    blocks: [],
    placed: new Set(),
    rows: new Map(),
    written: new Map(),
    columns: null,
    addsRecordColumn: false,
    records: new Map(),
  };
  if (currentValues.length === 0) return none;
  const columns = findColumns(currentValues[0], names);
  // No column that says who a row is (a tab without a Contact ID column matches rows by email).
  if (columns.contactId === null && columns.email === null) return none;
  const read = new SheetRead(currentValues, columns, earlier);
  pending = withStatusesMovedAway(pending, shownBefore, read);
  const rows = placeStatuses(pending, currentValues, columns, read);

  let width = 0;
  for (const values of currentValues) if (values.length > width) width = values.length;
  // Emptying cells of a column that is gone (deleted during the run) never adds it back.
  const withKeapStatus = pending.some(
    (p) => p.keapStatus !== undefined && (p.keapStatus !== '' || columns.keapEmailStatus !== null),
  );
  const outputs = statusOutputs(columns, width, withKeapStatus);
  const written = new Map<number, PendingStatus>();
  for (const [row, status] of rows) {
    const shown = cellOf(currentValues, row, outputs[0].column);
    if (status.onlyIfBlank && !isBlankCell(shown)) {
      // The row keeps its status; Keap's status of its address may still be new.
      if (status.keapStatus !== undefined) written.set(row, keapStatusOnly(status));
      continue;
    }
    written.set(row, status);
  }
  const records = recordsToWrite(rows, unwritten);
  const recordOnly = realignRecords(written, read, records);
  if (rows.size === 0 && written.size === 0 && recordOnly.size === 0) return none;
  // A row that only gets its record back is written in the record column alone when that
  // column exists: its Sync Status or Last Synced cell may hold a person's formula. Then all
  // records go in their own blocks, after the statuses, so no block writes over a record
  // another has just written.
  const [statusOutput, lastSyncedOutput, recordOutput, ...keapOutputs] = outputs;
  const everyRecord = new Map([...written, ...recordOnly]);
  const blocks =
    recordOnly.size > 0 && recordOutput.header === null
      ? [
          ...blocksFor(
            currentValues,
            [statusOutput, lastSyncedOutput, ...keapOutputs],
            written,
            readFormulas,
          ),
          ...blocksFor(currentValues, [recordOutput], everyRecord, readFormulas),
        ]
      : blocksFor(currentValues, outputs, everyRecord, readFormulas);
  return {
    blocks,
    placed: new Set(rows.values()),
    rows,
    written: everyRecord,
    columns: {
      status: outputs[0].column,
      lastSynced: outputs[1].column,
      record: outputs[2].column,
      ...(keapOutputs.length > 0 ? { keapStatus: keapOutputs[0].column } : {}),
    },
    addsRecordColumn: recordOutput.header !== null && blocks.length > 0,
    records,
    read,
  };
}

/**
 * `pending`, with each status of `shownBefore` (written by an earlier write of this execution)
 * whose rows no longer show it: a sort of the input columns alone moves the inputs away from
 * their statuses (the records are put back by recordAlignment.ts, the statuses here). A
 * pending status of the same row that only brings its Keap Email Status takes it along.
 */
function withStatusesMovedAway(
  pending: readonly PendingStatus[],
  shownBefore: readonly PendingStatus[],
  read: SheetRead,
): readonly PendingStatus[] {
  const column = read.columns.syncStatus;
  if (shownBefore.length === 0 || column === null) return pending;
  const moved: PendingStatus[] = [];
  for (const status of shownBefore) {
    if (status.status === null || status.onlyIfBlank) continue;
    const rows = read.rowsWithKey(status.key);
    if (rows.some((row) => cellOf(read.values, row, column) !== status.status)) moved.push(status);
  }
  if (moved.length === 0) return pending;
  const keapStatusOf = new Map<string, PendingStatus>();
  for (const p of pending)
    if (p.status === null && p.keapStatus !== undefined) keapStatusOf.set(p.key, p);
  const again = moved.map((status) => {
    const keap = keapStatusOf.get(status.key);
    return keap === undefined ? status : { ...status, keapStatus: keap.keapStatus };
  });
  const merged = new Set(again.map((status) => status.key));
  return [...pending.filter((p) => !(p.status === null && merged.has(p.key))), ...again];
}

/** A status reduced to its Keap Email Status cell: the row's other cells are kept. */
function keapStatusOnly(status: PendingStatus): PendingStatus {
  return {
    row: status.row,
    key: status.key,
    status: null,
    syncedAt: null,
    keapStatus: status.keapStatus,
  };
}

/** The records this write brings: the placed statuses' and those not on the sheet yet. */
function recordsToWrite(
  placed: ReadonlyMap<number, PendingStatus>,
  unwritten: SyncState,
): SyncState {
  const records: SyncState = new Map(unwritten);
  for (const status of placed.values()) {
    const parsed = parseRecordCell(status.record);
    if (parsed) keepNewest(records, parsed.contactId, parsed.record);
  }
  return records;
}

/**
 * Gives the rows in `written` whose record is elsewhere their record, and returns the other
 * rows that only need their record back (row -> entry with no status).
 */
function realignRecords(
  written: Map<number, PendingStatus>,
  read: SheetRead,
  records: SyncState,
): Map<number, PendingStatus> {
  const recordOnly = new Map<number, PendingStatus>();
  const { columns } = read;
  // A row whose status brings its record needs no other (most rows of a run that changed them).
  const bringsRecord = (row: number) => written.get(row)?.record !== undefined;
  for (const [row, record] of misplacedRecords(read.values, columns, records, read, bringsRecord)) {
    const status = written.get(row);
    if (status?.record !== undefined) continue;
    if (status) written.set(row, { ...status, record });
    else {
      const key = read.key(row) ?? '';
      recordOnly.set(row, { row, key, status: null, syncedAt: null, record });
    }
  }
  return recordOnly;
}
