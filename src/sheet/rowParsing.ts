/**
 * Turns one sheet row, as people type it, into what the sync means by it, or into the
 * problems of that row (RowInputProblem, worded in src/sync/statusText.ts). Pure: knows
 * nothing of SpreadsheetApp.
 */
import { CELL_PARSERS, ok, parseContactId, type Parsed } from './cellParsers';
import { cellText, isBlankCell } from './cells';
import { SheetSetupError, type SheetSetupProblem } from './setupError';
import type { RowInputProblem } from './rowInputProblem';
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
export type { RowInputProblem } from './rowInputProblem';

export type ParsedRow =
  | { kind: 'blank'; row: number }
  | {
      kind: 'invalid';
      row: number;
      key: string;
      contactId: number | null;
      problems: RowInputProblem[];
    }
  | { kind: 'valid'; row: number; key: string; request: RowRequest }
  | { kind: 'byEmail'; row: number; key: string; request: EmailRowRequest };

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

// Plain loops over arrays below, built once from the table: these run for every row of every
// read (a 50,000-row tab is read again by each execution of a run), so a row makes no objects
// but its key, its parsers' results and what it returns.
const FIELD_COUNT = SYNCED_FIELDS.length;
const PARSERS: readonly ((cell: unknown) => Parsed<unknown>)[] = SYNCED_FIELDS.map(
  (field) => CELL_PARSERS[field.key],
);
const REQUEST_KEYS: readonly string[] = SYNCED_FIELDS.map((field) => field.requestKey);
const READ_WHEN_OPTED_OUT: readonly boolean[] = SYNCED_FIELDS.map(
  (field) => field.readWhen === 'optedOut',
);
const CONTACT_ID = SYNCED_FIELD_KEYS.indexOf('contactId');
const EMAIL = SYNCED_FIELD_KEYS.indexOf('email');
const OPT_OUT = SYNCED_FIELD_KEYS.indexOf('optOut');
/** What a field read only with an opt-out gives when the row does not opt out. */
const NOT_READ: Parsed<null> = ok(null);

/** Each synced field's 0-based index in a row's values, in the table's order (-1: no column). */
type FieldIndexes = readonly number[];

function fieldIndexesOf(columns: SheetColumns): FieldIndexes {
  return SYNCED_FIELD_KEYS.map((key) => {
    const column = columns[key];
    return column === null ? -1 : column - 1;
  });
}

function cellAt(values: readonly unknown[], index: number): unknown {
  return index < 0 ? '' : values[index];
}

function allBlank(values: readonly unknown[], indexes: FieldIndexes): boolean {
  for (let i = 0; i < FIELD_COUNT; i++) if (!isBlankCell(cellAt(values, indexes[i]))) return false;
  return true;
}

/**
 * Each field's cell parsed, in the table's order, into `parsed` (one array reused by every
 * row: a row's results are read before the next row is parsed). A field read only with an
 * opt-out (the reason) is null, unparsed, when the row does not opt out.
 */
function parseCells(
  values: readonly unknown[],
  indexes: FieldIndexes,
  parsed: Parsed<unknown>[],
): void {
  for (let i = 0; i < FIELD_COUNT; i++) {
    if (READ_WHEN_OPTED_OUT[i]) {
      const optOut = parsed[OPT_OUT];
      if (!(optOut.ok && optOut.value === true)) {
        parsed[i] = NOT_READ;
        continue;
      }
    }
    parsed[i] = PARSERS[i](cellAt(values, indexes[i]));
  }
}

const KEY_SEPARATOR = '\u001f';
/** Marks, in a key, a separator or escape that is a cell's own text. */
const KEY_ESCAPE = '\u001e';
// The separator and the escape are control characters: the expressions are made from them.
const KEY_MARKS = new RegExp(`[${KEY_ESCAPE}${KEY_SEPARATOR}]`, 'g');
const ESCAPED_MARK = new RegExp(`${KEY_ESCAPE}([${KEY_ESCAPE}${KEY_SEPARATOR}])`, 'g');

/**
 * The row's identity for placing its status after a re-read: the raw input cells' texts
 * (trimmed; cellText). A row whose inputs changed during the run does not match its old key,
 * so it gets no stale status; a cell typed again as text with the same value (123 as '123)
 * is the same input. A cell's own separators are escaped, so that cells holding one never
 * run into their neighbours: two rows share a key only when each cell's text is the same.
 */
export function rowKey(values: readonly unknown[], columns: SheetColumns): string {
  return keyOf(values, fieldIndexesOf(columns));
}

/** One cell's part of a key (see rowKey). */
function keyPart(value: unknown): string {
  const text = cellText(value);
  return text.includes(KEY_SEPARATOR) || text.includes(KEY_ESCAPE)
    ? text.replace(KEY_MARKS, (mark) => KEY_ESCAPE + mark)
    : text;
}

/** The cells' key parts of the row being keyed (one array, reused: a key is made for every row). */
const KEY_PARTS: string[] = new Array<string>(FIELD_COUNT).fill('');

function keyOf(values: readonly unknown[], indexes: FieldIndexes): string {
  for (let i = 0; i < FIELD_COUNT; i++) KEY_PARTS[i] = keyPart(cellAt(values, indexes[i]));
  // One flat text: joined by +, the pieces would be kept apart until the key is first compared.
  return KEY_PARTS.join(KEY_SEPARATOR);
}

/** The first cell's part of `key` as written in it (its escapes still in). */
function firstKeyPart(key: string): string {
  for (let i = 0; i < key.length; i++) {
    const char = key[i];
    if (char === KEY_ESCAPE) i++;
    else if (char === KEY_SEPARATOR) return key.slice(0, i);
  }
  return key;
}

/** The Contact ID cell's text as `rowKey` recorded it (fields.ts lists the Contact ID first). */
export function contactIdCellOf(key: string): string {
  return firstKeyPart(key).replace(ESCAPED_MARK, '$1');
}

/**
 * The contact id of every row whose key is `key` and whose Contact ID cell holds one (null:
 * no such row can have this key): the key's first part is that cell's text, whole, and
 * parseContactId answers the same for a cell and for its text.
 */
export function contactIdOfKey(key: string): number | null {
  const parsed = parseContactId(contactIdCellOf(key));
  return parsed.ok ? parsed.value : null;
}

export function parseRow(
  values: readonly unknown[],
  row: number,
  columns: SheetColumns,
): ParsedRow {
  return parseRowAt(values, row, columns, fieldIndexesOf(columns), []);
}

function parseRowAt(
  values: readonly unknown[],
  row: number,
  columns: SheetColumns,
  indexes: FieldIndexes,
  parsed: Parsed<unknown>[],
): ParsedRow {
  if (allBlank(values, indexes)) return { kind: 'blank', row };

  const key = keyOf(values, indexes);
  parseCells(values, indexes, parsed);
  const id = parsed[CONTACT_ID];
  const email = parsed[EMAIL];
  // No id but an address: the row is synced by its address (src/sync/emailRows.ts).
  if (isBlankCell(cellAt(values, indexes[CONTACT_ID])) && email.ok && email.value !== null) {
    const request = requestOf(parsed, CONTACT_ID);
    if (request !== null) return { kind: 'byEmail', row, key, request: request as EmailRowRequest };
  }
  const request = requestOf(parsed, -1);
  if (request === null) {
    const problems: RowInputProblem[] = [];
    for (let i = 0; i < FIELD_COUNT; i++) {
      // A tab without a Contact ID column names each row by its email alone (headers.ts).
      if (i === CONTACT_ID && columns.contactId === null) {
        if (email.ok && email.value === null) problems.push({ kind: 'missing', field: 'email' });
        continue;
      }
      const result = parsed[i];
      if (!result.ok) problems.push(result.error);
    }
    const contactId = id.ok ? (id.value as number) : null;
    return { kind: 'invalid', row, key, contactId, problems };
  }
  return { kind: 'valid', row, key, request: request as RowRequest };
}

/**
 * Each parsed value under its field's `requestKey`, in the table's order; null when a field
 * (other than the one at `without`, left out; -1: none) did not parse.
 */
function requestOf(
  parsed: readonly Parsed<unknown>[],
  without: number,
): Record<string, unknown> | null {
  for (let i = 0; i < FIELD_COUNT; i++) if (i !== without && !parsed[i].ok) return null;
  const request: Record<string, unknown> = {};
  for (let i = 0; i < FIELD_COUNT; i++) {
    if (i === without) continue;
    request[REQUEST_KEYS[i]] = (parsed[i] as { value: unknown }).value;
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
  const indexes = fieldIndexesOf(header.columns);
  const parsed: Parsed<unknown>[] = [];
  const rows = new Array<ParsedRow>(Math.max(values.length - 1, 0));
  for (let i = 1; i < values.length; i++) {
    rows[i - 1] = parseRowAt(values[i], i + 1, header.columns, indexes, parsed);
  }
  return { columns: header.columns, rows };
}
