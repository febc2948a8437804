/**
 * A sort of only some columns (a filter, or a range that stops short of the hidden column)
 * leaves record cells beside other contacts' rows. Reading does not mind: the records are a
 * map by contact id. Writing would: a status written on such a row replaces the record cell
 * beside it, which may be the only copy of another contact's record, and that contact would
 * then be compared with Keap as if never synced, undoing edits made in Keap since. So every
 * write also gives each row whose cell does not hold its contact's newest record that record
 * back. Once the records are in place again this finds nothing, and costs no call. Pure.
 */
import type { SheetColumns } from './headers';
import { parseContactId } from './rowParsing';
import { keepNewest, readSyncState, recordCell, type SyncState } from './syncRecord';

type Grid = readonly (readonly unknown[])[];

/**
 * Rows (1-based) whose record cell should hold another value, and that value. `newer`:
 * records not yet on the sheet (this execution's); the newest record of a contact wins.
 */
export function misplacedRecords(
  values: Grid,
  columns: SheetColumns,
  newer: SyncState = new Map(),
): Map<number, string> {
  const fixes = new Map<number, string>();
  const idColumn = columns.contactId;
  if (idColumn === null) return fixes;
  const newest = readSyncState(values, columns.syncRecord);
  for (const [contactId, record] of newer) keepNewest(newest, contactId, record);
  if (newest.size === 0) return fixes;
  for (let row = 2; row <= values.length; row++) {
    const cells = values[row - 1];
    const id = parseContactId(cells[idColumn - 1]);
    const record = id.ok ? newest.get(id.value) : undefined;
    if (!id.ok || !record) continue;
    const cell = recordCell(id.value, record);
    const shown = columns.syncRecord === null ? undefined : cells[columns.syncRecord - 1];
    if (shown !== cell) fixes.set(row, cell);
  }
  return fixes;
}
