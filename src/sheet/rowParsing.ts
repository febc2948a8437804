/**
 * Turns one sheet row, as people type it, into what the sync means by it, or into
 * plain-language errors for that row. Pure: knows nothing of SpreadsheetApp.
 */
import { CELL_PARSERS, ok, type Parsed } from './cellParsers';
import { cellText, isBlankCell } from './cells';
import { SheetSetupError, type SheetSetupProblem } from './setupError';
import { matchHeaders, type InputHeaderNames, type SheetColumns } from './headers';
import { SYNCED_FIELDS, SYNCED_FIELD_KEYS, type SyncedFieldKey } from './fields';

export {
  isValidEmail,
  MAX_EMAIL_LENGTH,
  parseContactId,
  parseEmail,
  parseOptOut,
  parseReason,
  type Parsed,
} from './cellParsers';

export type ParsedRow =
  | { kind: 'blank'; row: number }
  | { kind: 'invalid'; row: number; key: string; contactId: number | null; errors: string[] }
  | { kind: 'valid'; row: number; key: string; request: RowRequest }
  | { kind: 'byEmail'; row: number; key: string; request: EmailRowRequest };

function cellAt(values: readonly unknown[], column: number | null): unknown {
  return column === null ? '' : values[column - 1];
}

type SyncedFieldOf<K extends SyncedFieldKey> = Extract<(typeof SYNCED_FIELDS)[number], { key: K }>;
/** What the field's parser gives for a valid cell. */
type ParsedValue<K extends SyncedFieldKey> =
  ReturnType<(typeof CELL_PARSERS)[K]> extends Parsed<infer T> ? T : never;

/**
 * What a valid row asks for, normalised: each synced field's parsed value under its
 * `requestKey` (the reason is only kept when optOut is true: a reason without an opt-out asks
 * for nothing).
 */
export type RowRequest = {
  [K in SyncedFieldKey as SyncedFieldOf<K>['requestKey']]: ParsedValue<K>;
};

/**
 * A row with an email and no Contact ID: the address is its key (src/sync/emailRows.ts);
 * every other field as in RowRequest.
 */
export type EmailRowRequest = Omit<RowRequest, 'contactId' | 'email'> & { email: string };

type Cells = Record<SyncedFieldKey, unknown>;
type ParsedCells = { [K in SyncedFieldKey]: ReturnType<(typeof CELL_PARSERS)[K]> };

// Plain loops below: these run for every row of every read.
function cellsOf(values: readonly unknown[], columns: SheetColumns): Cells {
  const cells = {} as Cells;
  for (const key of SYNCED_FIELD_KEYS) cells[key] = cellAt(values, columns[key]);
  return cells;
}

function allBlank(cells: Cells): boolean {
  for (const key of SYNCED_FIELD_KEYS) if (!isBlankCell(cells[key])) return false;
  return true;
}

/**
 * Each field's cell parsed, in the table's order. A field read only with an opt-out (the
 * reason) is null, unparsed, when the row does not opt out.
 */
function parseCells(cells: Cells): ParsedCells {
  const parsed = {} as Record<SyncedFieldKey, Parsed<unknown>>;
  for (const field of SYNCED_FIELDS) {
    const optOut = parsed.optOut;
    const skipped = field.readWhen === 'optedOut' && !(optOut?.ok && optOut.value === true);
    parsed[field.key] = skipped ? ok(null) : CELL_PARSERS[field.key](cells[field.key]);
  }
  return parsed as ParsedCells;
}

const KEY_SEPARATOR = '\u001f';

/**
 * The row's identity for placing its status after a re-read: the raw input cells. A row
 * whose inputs changed during the run does not match its old key, so it gets no stale status.
 */
export function rowKey(values: readonly unknown[], columns: SheetColumns): string {
  return keyOfCells(cellsOf(values, columns));
}

function keyOfCells(cells: Cells): string {
  let key = '';
  for (let i = 0; i < SYNCED_FIELD_KEYS.length; i++) {
    key += (i === 0 ? '' : KEY_SEPARATOR) + cellText(cells[SYNCED_FIELD_KEYS[i]]);
  }
  return key;
}

/** The Contact ID cell's text as `rowKey` recorded it. */
export function contactIdCellOf(key: string): string {
  return key.split(KEY_SEPARATOR)[0];
}

export function parseRow(
  values: readonly unknown[],
  row: number,
  columns: SheetColumns,
): ParsedRow {
  const cells = cellsOf(values, columns);
  if (allBlank(cells)) return { kind: 'blank', row };

  const key = keyOfCells(cells);
  const parsed = parseCells(cells);
  const { contactId: id, email } = parsed;
  // No id but an address: the row is synced by its address (src/sync/emailRows.ts).
  if (isBlankCell(cells.contactId) && email.ok && email.value !== null) {
    const request = requestOf(parsed, 'contactId');
    if (request !== null) return { kind: 'byEmail', row, key, request: request as EmailRowRequest };
  }
  const request = requestOf(parsed);
  if (request === null) {
    const errors = SYNCED_FIELD_KEYS.flatMap((field) => {
      // A tab without a Contact ID column names each row by its email alone (headers.ts).
      if (field === 'contactId' && columns.contactId === null)
        return email.ok && email.value === null ? ['Email is missing'] : [];
      const result: Parsed<unknown> = parsed[field];
      return result.ok ? [] : [result.error];
    });
    return { kind: 'invalid', row, key, contactId: id.ok ? id.value : null, errors };
  }
  return { kind: 'valid', row, key, request: request as RowRequest };
}

/**
 * Each parsed value under its field's `requestKey`, in the table's order; null when a field
 * (other than `without`, left out) did not parse.
 */
function requestOf(parsed: ParsedCells, without?: SyncedFieldKey): Record<string, unknown> | null {
  const request: Record<string, unknown> = {};
  for (const field of SYNCED_FIELDS) {
    if (field.key === without) continue;
    const result: Parsed<unknown> = parsed[field.key];
    if (!result.ok) return null;
    request[field.requestKey] = result.value;
  }
  return request;
}

/**
 * An input column that is one of the columns the add-on writes (settings saved before such a
 * choice was refused): the run would write over what a person typed, so it is refused.
 */
function writtenColumnRead(
  columns: SheetColumns,
  names: InputHeaderNames,
): SheetSetupProblem | null {
  const written = [
    columns.syncStatus,
    columns.lastSynced,
    columns.syncRecord,
    columns.keapEmailStatus,
  ].filter((column): column is number => column !== null);
  for (const { key: field, label } of SYNCED_FIELDS) {
    const column = columns[field];
    if (column === null || !written.includes(column)) continue;
    return { kind: 'written-column', label, header: names[field] };
  }
  return null;
}

/**
 * The tab as read (row 1 the headers) into its columns and parsed rows. Throws
 * SheetSetupError when row 1 lacks a column the sync needs; `tabName` is asked only then.
 */
export function parseSheet(
  values: readonly (readonly unknown[])[],
  names: InputHeaderNames,
  tabName: () => string,
): { columns: SheetColumns; rows: ParsedRow[] } {
  const header = matchHeaders(values[0] ?? [], names, tabName);
  if (!header.ok) throw new SheetSetupError(header.problem);
  const written = writtenColumnRead(header.columns, names);
  if (written !== null) throw new SheetSetupError(written);
  const rows = values.slice(1).map((cells, i) => parseRow(cells, i + 2, header.columns));
  return { columns: header.columns, rows };
}
