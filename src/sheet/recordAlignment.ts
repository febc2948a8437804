/**
 * A sort of only some columns (a filter, or a range that stops short of the hidden column)
 * leaves record cells beside other contacts' rows. Reading does not mind: the records are a
 * map by contact id. Writing would: a status written on such a row replaces the record cell
 * beside it, which may be the only copy of another contact's record, and that contact would
 * then be compared with Keap as if never synced, undoing edits made in Keap since. So every
 * write also gives each row whose cell does not hold its contact's newest record that record
 * back; a row without a Contact ID, its address's record (emailRecord.ts). Once the records
 * are in place again this finds nothing, and costs no call. Pure.
 */
import { isBlankCell } from './cells';
import { addressKeyOf, emailRecordCell, readEmailState, type EmailState } from './emailRecord';
import type { SheetColumns } from './headers';
import { parseEmail } from './rowParsing';
import { SheetRead } from './sheetRead';
import { recordCell, type StateRecord, type SyncState } from './syncRecord';

type Grid = readonly (readonly unknown[])[];

/**
 * Rows (1-based) whose record cell should hold another value, and that value. `newer`:
 * records not yet on the sheet (this execution's); the newest record of a contact wins.
 * `read`: `values` with what is already worked out from them (sheetRead.ts), if at hand.
 * `settled`: rows that get their record written anyway, not looked at.
 */
export function misplacedRecords(
  values: Grid,
  columns: SheetColumns,
  newer: SyncState = new Map(),
  read: SheetRead = new SheetRead(values, columns),
  settled: (row: number) => boolean = () => false,
): Map<number, string> {
  // Rows without a Contact ID hold their address's record (emailRecord.ts) the same way.
  const fixes = misplacedEmailRecords(values, columns, settled);
  if (columns.contactId === null) return fixes;
  const onSheet = read.state();
  if (onSheet.size === 0 && newer.size === 0) return fixes;
  // Every row of a contact should hold the same cell: it is made once per contact, and not
  // at all for a row read as holding it already.
  const cells = new Map<number, string>();
  for (let row = 2; row <= values.length; row++) {
    if (settled(row)) continue;
    const id = read.contactId(row);
    if (id === null) continue;
    const record = newestOf(onSheet.get(id), newer.get(id));
    if (!record || read.holds(row, id, record)) continue;
    let cell = cells.get(id);
    if (cell === undefined) {
      cell = recordCell(id, record);
      cells.set(id, cell);
    }
    const shown = columns.syncRecord === null ? undefined : values[row - 1][columns.syncRecord - 1];
    if (shown !== cell) fixes.set(row, cell);
  }
  return fixes;
}

/** The newer of a contact's record on the sheet and one not written yet (keepNewest's rule). */
function newestOf(
  onSheet: StateRecord | undefined,
  notWritten: StateRecord | undefined,
): StateRecord | undefined {
  if (notWritten === undefined) return onSheet;
  return !onSheet || notWritten.syncedAt > onSheet.syncedAt ? notWritten : onSheet;
}

/**
 * Rows with an email and no Contact ID whose cell does not hold their address's newest kse1
 * record, and that record. Those records are not among `newer`: a row given one this
 * execution gets it with its status (it is `settled`).
 */
function misplacedEmailRecords(
  values: Grid,
  columns: SheetColumns,
  settled: (row: number) => boolean,
): Map<number, string> {
  const fixes = new Map<number, string>();
  const { contactId, email, syncRecord } = columns;
  if (email === null || syncRecord === null) return fixes;
  let state: EmailState | null = null;
  for (let row = 2; row <= values.length; row++) {
    const cells = values[row - 1];
    if (contactId !== null && !isBlankCell(cells[contactId - 1])) continue;
    if (isBlankCell(cells[email - 1]) || settled(row)) continue;
    const address = parseEmail(cells[email - 1]);
    if (!address.ok || address.value === null) continue;
    // Read once, and only for a tab with rows without an id.
    state ??= readEmailState(values, syncRecord);
    if (state.size === 0) return fixes;
    const key = addressKeyOf(address.value);
    const record = state.get(key);
    if (record === undefined) continue;
    const cell = emailRecordCell(key, record);
    if (cells[syncRecord - 1] !== cell) fixes.set(row, cell);
  }
  return fixes;
}
