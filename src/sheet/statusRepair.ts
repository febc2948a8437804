/**
 * The status write is checked once it is done: a person may sort or move rows between the
 * re-read and Range.setValues, which would leave statuses on other rows. The sheet is read
 * once more; if every written row still holds the inputs its status was computed for, there
 * is nothing to do (the usual case: no write). Otherwise each status is placed again by its
 * inputs, and the rows that got a status not theirs get back what they showed before. That
 * includes the rows in the gaps a block bridged: they were written with their own cells,
 * which after a sort are another row's. Pure.
 */
import { cellText, isBlankCell } from './cells';
import { findColumns, type InputHeaderNames, type SheetColumns } from './headers';
import { misplacedRecords } from './recordAlignment';
import { rowKey } from './rowParsing';
import { SheetRead } from './sheetRead';
import {
  BLANK_ROW_KEY,
  cellOf,
  hasInputs,
  outputGroups,
  placeStatuses,
  runsOf,
  type CellBlock,
  type PendingStatus,
  type StatusColumnsAt,
  type StatusWritePlan,
} from './statusPlacement';
import { formulaSafeCell } from './formulaSafe';
import { keepNewest, readSyncState, type SyncState } from './syncRecord';

export interface StatusRepair {
  blocks: CellBlock[];
  /** The statuses that are on their own rows once the blocks are written. */
  placed: Set<PendingStatus>;
  /** Columns moved too: nothing was put right, records may be beside the wrong rows. */
  gaveUp: boolean;
}

/** What a row shows in the columns the sync writes. */
interface Shown {
  status: unknown;
  lastSynced: unknown;
  record: unknown;
  /** The Keap Email Status cell, when the write includes that column. */
  keapStatus?: unknown;
}

type ShownField = 'status' | 'lastSynced' | 'record' | 'keapStatus';

/** The columns the write covers: the Keap Email Status column only when it wrote it. */
function shownFields(at: StatusColumnsAt): ShownField[] {
  const fields: ShownField[] = ['status', 'lastSynced', 'record'];
  if (at.keapStatus !== undefined) fields.push('keapStatus');
  return fields;
}

function shownAt(values: Grid, row: number, at: StatusColumnsAt): Shown {
  return {
    status: cellOf(values, row, at.status),
    lastSynced: cellOf(values, row, at.lastSynced),
    record: cellOf(values, row, at.record),
    ...(at.keapStatus !== undefined ? { keapStatus: cellOf(values, row, at.keapStatus) } : {}),
  };
}

type Grid = readonly (readonly unknown[])[];

function keyAt(values: Grid, row: number, columns: SheetColumns): string | null {
  const cells = values[row - 1];
  return cells && hasInputs(cells, columns) ? rowKey(cells, columns) : null;
}

/** What the rows with each key showed before the write, when all of them showed the same. */
function shownByKey(before: Grid, columns: SheetColumns, at: StatusColumnsAt) {
  const shown = new Map<string, Shown | null>();
  for (let row = 2; row <= before.length; row++) {
    const key = keyAt(before, row, columns);
    if (key === null) continue;
    const cells = shownAt(before, row, at);
    const earlier = shown.get(key);
    if (earlier === undefined) shown.set(key, cells);
    else if (earlier !== null && !sameShown(earlier, cells, at)) shown.set(key, null);
  }
  return shown;
}

function sameCell(a: unknown, b: unknown): boolean {
  return cellText(a) === cellText(b);
}

function sameShown(a: Shown, b: Shown, at: StatusColumnsAt): boolean {
  return shownFields(at).every((field) => sameCell(a[field], b[field]));
}

/**
 * Null when every written row still holds its inputs. Otherwise the blocks that put each
 * status on its row again and restore the rows written by mistake.
 */
export function repairStatusWrites(
  plan: StatusWritePlan,
  before: Grid,
  after: Grid,
  names: InputHeaderNames,
): StatusRepair | null {
  if (plan.written.size === 0 || plan.columns === null || after.length === 0) return null;
  const columns = findColumns(after[0], names);
  const beforeColumns = findColumns(before[0] ?? [], names);
  const at = plan.columns;
  // Keys of rows whose cells did not change are not worked out again (sheetRead.ts).
  const beforeRead =
    plan.read?.values === before ? plan.read : new SheetRead(before, beforeColumns);
  // Only the written rows are asked about: their rows reused, the tab not compared.
  const readAfter = new SheetRead(after, columns, beforeRead, true);
  const keyWritten = (row: number) =>
    plan.written.get(row)?.key ?? beforeRead.key(row) ?? BLANK_ROW_KEY;
  const movedRows = [...plan.written.keys(), ...bridgedRows(plan)].filter(
    (row) => (readAfter.key(row) ?? BLANK_ROW_KEY) !== keyWritten(row),
  );
  if (movedRows.length === 0) return null;
  const sameLayout =
    (columns.contactId !== null || (beforeColumns.contactId === null && columns.email !== null)) &&
    (columns.syncStatus === null || columns.syncStatus === at.status) &&
    (columns.lastSynced === null || columns.lastSynced === at.lastSynced) &&
    (columns.syncRecord === null || columns.syncRecord === at.record) &&
    (at.keapStatus === undefined ||
      columns.keapEmailStatus === null ||
      columns.keapEmailStatus === at.keapStatus);
  // Columns moved as well: nothing can be put right safely; no row counts as synced.
  if (!sameLayout) return { blocks: [], placed: new Set(), gaveUp: true };

  const previously = shownByKey(before, beforeColumns, at);
  const replaced = placeStatuses([...plan.rows.values()], after, columns);
  const wanted = new Map<number, Shown>();
  const withKeap = at.keapStatus !== undefined;
  const blank: Shown = {
    status: '',
    lastSynced: '',
    record: '',
    ...(withKeap ? { keapStatus: '' } : {}),
  };
  for (const [row, status] of replaced) {
    const earlier = previously.get(status.key) ?? null;
    const keapStatus = withKeap
      ? { keapStatus: status.keapStatus ?? earlier?.keapStatus ?? '' }
      : {};
    if (status.onlyIfBlank && earlier !== null && !isBlankCell(earlier.status)) {
      // The row keeps its status; the write still gave it Keap's status of its address.
      wanted.set(row, { ...earlier, ...keapStatus });
    } else {
      wanted.set(row, {
        status: status.status ?? earlier?.status ?? '',
        lastSynced: status.syncedAt ?? earlier?.lastSynced ?? '',
        record: status.record ?? earlier?.record ?? '',
        ...keapStatus,
      });
    }
  }
  for (const row of [...plan.written.keys(), ...movedRows]) {
    if (wanted.has(row)) continue;
    const key = keyAt(after, row, columns);
    wanted.set(row, (key === null ? null : previously.get(key)) ?? blank);
  }

  const recordOnly = placeRecordsByContact(wanted, plan, {
    before: readSyncState(before, beforeColumns.syncRecord),
    after,
    columns: { ...columns, syncRecord: at.record },
    at,
  });

  // A row whose status cells are right gets its record (and Keap Email Status) alone: they
  // may hold a formula.
  const fix = new Map<number, Shown>();
  const keapOnly = new Map<number, string>();
  for (const [row, cells] of wanted) {
    const shown = shownAt(after, row, at);
    if (sameShown(shown, cells, at)) continue;
    const statusRight =
      sameCell(shown.status, cells.status) && sameCell(shown.lastSynced, cells.lastSynced);
    if (!statusRight) {
      fix.set(row, cells);
      continue;
    }
    if (!sameCell(shown.record, cells.record)) recordOnly.set(row, String(cells.record));
    if (withKeap && !sameCell(shown.keapStatus, cells.keapStatus)) {
      keapOnly.set(row, formulaSafeCell(String(cells.keapStatus ?? '')));
    }
  }
  const keapBlocks = at.keapStatus !== undefined ? recordBlocks(keapOnly, at.keapStatus) : [];
  return {
    blocks: [...repairBlocks(fix, at), ...keapBlocks, ...recordBlocks(recordOnly, at.record)],
    placed: new Set(replaced.values()),
    gaveUp: false,
  };
}

/**
 * Restoring by row key can put a record back where it was, beside another contact's row,
 * or drop the only copy of one the write covered. So records are put right by contact:
 * each contact's newest record (from before the write, or written by it) goes beside its
 * rows as they are now. Updates `wanted`; returns the rows that need only their record.
 */
function placeRecordsByContact(
  wanted: Map<number, Shown>,
  plan: StatusWritePlan,
  sheet: { before: SyncState; after: Grid; columns: SheetColumns; at: StatusColumnsAt },
): Map<number, string> {
  const { after, columns, at } = sheet;
  const known: SyncState = new Map(sheet.before);
  for (const [contactId, record] of plan.records) keepNewest(known, contactId, record);
  const repaired = after.map((cells, index) => {
    const cellsWanted = wanted.get(index + 1);
    if (!cellsWanted) return cells;
    const copy = [...cells];
    copy[at.record - 1] = cellsWanted.record;
    return copy;
  });
  const recordOnly = new Map<number, string>();
  for (const [row, record] of misplacedRecords(repaired, columns, known)) {
    const cells = wanted.get(row);
    if (cells) wanted.set(row, { ...cells, record });
    else recordOnly.set(row, record);
  }
  return recordOnly;
}

function recordBlocks(records: Map<number, string>, column: number): CellBlock[] {
  return runsOf(records.keys()).map(({ from, to }) => {
    const values: unknown[][] = [];
    for (let row = from; row <= to; row++) values.push([records.get(row)]);
    return { row: from, column, values };
  });
}

/** Rows inside the blocks that were written with the cells they had (bridged gaps). */
function bridgedRows(plan: StatusWritePlan): number[] {
  const rows = new Set<number>();
  for (const block of plan.blocks) {
    for (let row = Math.max(block.row, 2); row < block.row + block.values.length; row++) {
      if (!plan.written.has(row)) rows.add(row);
    }
  }
  return [...rows];
}

function repairBlocks(fix: Map<number, Shown>, at: StatusColumnsAt): CellBlock[] {
  const fields = shownFields(at).map((field) => ({ field, column: at[field] as number }));
  const blocks: CellBlock[] = [];
  for (const group of outputGroups(fields)) {
    for (const { from, to } of runsOf(fix.keys())) {
      const rows: Shown[] = [];
      for (let row = from; row <= to; row++) rows.push(fix.get(row) as Shown);
      blocks.push({
        row: from,
        column: group[0].column,
        values: rows.map((shown) => group.map(({ field }) => formulaSafeCell(shown[field]))),
      });
    }
  }
  return blocks;
}
