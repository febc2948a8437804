/**
 * One read of the contacts tab as the sync and the preview both use it (issue #17): the
 * values, their columns and parsed rows, the records (with an earlier version's old state
 * tab's), and from them the work: the contacts to sync and the rows without a Contact ID.
 * The sync (execution.ts) and the preview (preview.ts) read the tab through this alone, so
 * what a preview lists is what a sync would work on. Pure: the tab comes through its port.
 */
import { isBlankCell } from '../sheet/cells';
import { readEmailState, type EmailState } from '../sheet/emailRecord';
import type { InputHeaderNames, SheetColumns } from '../sheet/headers';
import { recordsOfSheet } from '../sheet/oldStateTab';
import type { ContactSheetPort } from '../sheet/ports';
import { parseSheet, type ParsedRow } from '../sheet/rowParsing';
import { SheetRead } from '../sheet/sheetRead';
import type { SyncState } from '../sheet/syncRecord';
import { buildEmailWorklist, type EmailWorklist } from './emailRows';
import { buildWorklist, type RecordScope, type Worklist } from './worklist';

type Grid = readonly (readonly unknown[])[];

export interface ContactsTable {
  values: Grid;
  columns: SheetColumns;
  rows: ParsedRow[];
  /** The read with what is worked out from it, for the reads after a write (sheetRead.ts). */
  read: SheetRead;
  /** Every record: the record column's, newest per contact, and the old state tab's. */
  state: SyncState;
  /** The old state tab's records, still to be written into the record column. */
  oldRecords: SyncState;
  /** The records of rows without a Contact ID (emailRecord.ts). */
  emailState: EmailState;
  /** Whose records count, and when (asked of `scopeOf` once the records are read). */
  scope: RecordScope;
  /** The contacts to sync, and the rows with a Contact ID that need no work or have errors. */
  worklist: Worklist;
  /** The same for rows without a Contact ID (emailRows.ts). */
  byEmail: EmailWorklist;
  /** A row's Sync Status cell as read ('' without the column). */
  shown(row: number): unknown;
}

export interface ContactsTableOptions {
  headers: InputHeaderNames;
  /** Whose records count: asked after the tab is read and parsed (a tab that fails asks nothing). */
  scopeOf: () => RecordScope;
  /**
   * Whether the rows' shown statuses count: a contact (or address) whose last sync ended in an
   * error is then worked again when one of its rows shows no status, as the sync must answer
   * every row. The preview writes nothing and takes every row as showing its status.
   */
  statusesShown: boolean;
}

/** The row's Contact ID as parseContactId reads its cell (null: none, or not a valid id). */
function contactIdOf(row: ParsedRow): number | null {
  if (row.kind === 'valid') return row.request.contactId;
  return row.kind === 'invalid' ? row.contactId : null;
}

/**
 * Reads the tab once and works out what a sync of it has to do. Throws SheetSetupError when
 * row 1 lacks a column the sync needs (`sheet.tabName` is asked only then).
 */
export function readContactsTable(
  sheet: ContactSheetPort,
  options: ContactsTableOptions,
): ContactsTable {
  const values = sheet.readValues();
  const { columns, rows } = parseSheet(values, options.headers, () => sheet.tabName());
  const statusColumn = columns.syncStatus;
  const shown = (row: number): unknown =>
    statusColumn === null ? '' : (values[row - 1][statusColumn - 1] ?? '');
  const read = new SheetRead(values, columns);
  for (const row of rows) {
    read.knowKey(row.row, row.kind === 'blank' ? null : row.key);
    read.knowContactId(row.row, contactIdOf(row));
  }
  const { state, old } = recordsOfSheet(
    values,
    columns,
    () => sheet.readOldRecords(),
    read.state(),
  );
  const scope = options.scopeOf();
  const hasStatus = options.statusesShown ? (row: number) => !isBlankCell(shown(row)) : () => true;
  const worklist = buildWorklist(rows, state, scope, hasStatus, (id) => read.severalRowsOf(id));
  const emailState = readEmailState(values, columns.syncRecord);
  const byEmail = buildEmailWorklist(rows, emailState, scope, hasStatus);
  return {
    values,
    columns,
    rows,
    read,
    state,
    oldRecords: old,
    emailState,
    scope,
    worklist,
    byEmail,
    shown,
  };
}
