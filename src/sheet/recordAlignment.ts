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
import {
  addressKeyOf,
  emailRecordCell,
  parseEmailRecordCell,
  readEmailState,
  type EmailState,
} from './emailRecord';
import type { SheetColumns } from './headers';
import { parseEmail } from './rowParsing';
import { SheetRead, type ReadOrigin } from './sheetRead';
import { recordCell, type StateRecord, type SyncState } from './syncRecord';

type Grid = readonly (readonly unknown[])[];

/**
 * Rows (1-based) whose record cell should hold another value, and that value. `newer`:
 * records not yet on the sheet (this execution's); the newest record of a contact wins.
 * `read`: `values` with what is already worked out from them (sheetRead.ts), if at hand.
 * `settled`: rows that get their record written anyway, not looked at.
 *
 * Worked out as the read's own misplaced records (no `newer`, nothing settled; once per
 * read, see `ownMisplaced`), with the rows of the contacts `newer` renews looked at again:
 * a write between chunks costs the rows it writes, not the whole tab.
 */
export function misplacedRecords(
  values: Grid,
  columns: SheetColumns,
  newer: SyncState = new Map(),
  read: SheetRead = new SheetRead(values, columns),
  settled: (row: number) => boolean = () => false,
): Map<number, string> {
  if (read.values !== values) read = new SheetRead(values, columns, read);
  const own = ownMisplaced(read);
  const fixes = new Map<number, string>();
  // Rows without a Contact ID hold their address's record (emailRecord.ts) the same way.
  for (const [row, cell] of own.email) if (!settled(row)) fixes.set(row, cell);
  if (columns.contactId === null) return fixes;
  const renewed = new Set<number>();
  for (const [id, record] of newer) {
    const onSheet = read.newestRecord(id);
    if (newestOf(onSheet, record) !== onSheet) renewed.add(id);
  }
  const contactFixes = new Map<number, string>();
  for (const [row, cell] of own.contact) {
    if (!settled(row) && !renewed.has(read.contactId(row) as number)) contactFixes.set(row, cell);
  }
  if (renewed.size === 0) return joined(fixes, contactFixes);
  const rows: number[] = [];
  for (const id of renewed)
    for (const row of read.rowsOfContact(id)) if (!settled(row)) rows.push(row);
  const found = contactRecordFixes(read, rows, (id) => newer.get(id));
  for (const [row, cell] of found) contactFixes.set(row, cell);
  return joined(fixes, new Map([...contactFixes].sort(([a], [b]) => a - b)));
}

function joined(first: Map<number, string>, second: Map<number, string>): Map<number, string> {
  for (const [row, cell] of second) first.set(row, cell);
  return first;
}

/** A read's misplaced records on its own: by rows without a Contact ID, and by contact. */
interface OwnMisplaced {
  email: Map<number, string>;
  contact: Map<number, string>;
}

const OWN_MISPLACED = {};

/**
 * Once per read. A read whose inputs are its origin's and whose changed record cells only
 * renewed some contacts' records (sheetRead.ts) looks again at those rows and those
 * contacts' rows only: nothing else of the answer can differ.
 */
function ownMisplaced(read: SheetRead): OwnMisplaced {
  return read.memo(OWN_MISPLACED, () => {
    const { values, columns } = read;
    const origin = read.origin;
    const renewed = read.renewedContacts();
    if (origin !== null && renewed !== null && emailRecordsKept(origin, read)) {
      const before = ownMisplaced(origin.read);
      const again = new Set(origin.changedRows);
      for (const id of renewed) for (const row of read.rowsOfContact(id)) again.add(row);
      const contact = new Map<number, string>();
      for (const [row, cell] of before.contact) if (!again.has(row)) contact.set(row, cell);
      for (const [row, cell] of contactRecordFixes(read, [...again], (id) =>
        read.newestRecord(id),
      )) {
        contact.set(row, cell);
      }
      return { email: before.email, contact: new Map([...contact].sort(([a], [b]) => a - b)) };
    }
    const email = misplacedEmailRecords(values, columns, () => false);
    if (columns.contactId === null || read.state().size === 0) return { email, contact: new Map() };
    const rows: number[] = [];
    for (let row = 2; row <= values.length; row++) rows.push(row);
    const onSheet = read.state();
    return { email, contact: contactRecordFixes(read, rows, (id) => onSheet.get(id)) };
  });
}

/**
 * The changed record cells of a read neither held nor hold a kse1 record, and their rows
 * have a Contact ID: what rows without one should hold is then the origin's answer.
 */
function emailRecordsKept(origin: ReadOrigin, read: SheetRead): boolean {
  const { contactId, syncRecord } = read.columns;
  if (syncRecord === null || contactId === null) return false;
  return origin.changedRows.every((row) => {
    const now = read.values[row - 1];
    if (isBlankCell(now[contactId - 1])) return false;
    const then = origin.read.values[row - 1][syncRecord - 1];
    return (
      parseEmailRecordCell(then) === null && parseEmailRecordCell(now[syncRecord - 1]) === null
    );
  });
}

/**
 * Of `rows`, those whose record cell does not hold their contact's record (`recordOf`), and
 * that record's cell. Every row of a contact should hold the same cell: it is made once per
 * contact, and not at all for a row read as holding it already.
 */
function contactRecordFixes(
  read: SheetRead,
  rows: Iterable<number>,
  recordOf: (contactId: number) => StateRecord | undefined,
): Map<number, string> {
  const { values, columns } = read;
  const fixes = new Map<number, string>();
  const cells = new Map<number, string>();
  for (const row of rows) {
    const id = read.contactId(row);
    if (id === null) continue;
    const record = recordOf(id);
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
