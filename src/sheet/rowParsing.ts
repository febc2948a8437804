/**
 * Turns one sheet row, as people type it, into what the sync means by it, or into
 * plain-language errors for that row. Pure: knows nothing of SpreadsheetApp.
 */
import { cellText, formulaErrorOf, isBlankCell, isDate, quoteForMessage } from './cells';
import { SheetSetupError } from './setupError';
import { matchHeaders, type InputHeaderNames, type SheetColumns } from './headers';
import { SYNCED_FIELDS, SYNCED_FIELD_KEYS, type SyncedFieldKey } from './fields';

/** Keap stores EMAIL1 in at most 75 characters. */
export const MAX_EMAIL_LENGTH = 75;

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(error: string): Parsed<T> => ({ ok: false, error });

export function parseContactId(cell: unknown): Parsed<number> {
  if (isBlankCell(cell)) return fail('Contact ID is missing');
  const formulaError = formulaErrorOf(cell);
  if (formulaError) return fail(`the Contact ID cell shows a formula error (${formulaError})`);
  if (typeof cell === 'number') return contactIdFromNumber(cell, String(cell));
  if (typeof cell !== 'string') {
    return fail(`Contact ID must be a whole number (got ${quoteForMessage(cell)})`);
  }
  const text = cell.trim();
  // "123", "00123", "123.0", "-5", "12.5": number-like text is judged as the number it spells.
  if (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(text)) {
    const integerDigits = text.replace(/^[+-]/, '').split('.')[0].replace(/^0+/, '');
    if (integerDigits.length > 16) return fail(`Contact ID ${quoteForMessage(text)} is too large`);
    return contactIdFromNumber(Number(text), text);
  }
  return fail(`Contact ID must be a whole number (got ${quoteForMessage(text)})`);
}

function contactIdFromNumber(value: number, typed: string): Parsed<number> {
  const shown = quoteForMessage(typed);
  if (!Number.isFinite(value)) return fail(`Contact ID must be a whole number (got ${shown})`);
  if (!Number.isInteger(value)) return fail(`Contact ID must be a whole number (got ${shown})`);
  if (value <= 0) return fail(`Contact ID must be a positive whole number (got ${shown})`);
  if (value > Number.MAX_SAFE_INTEGER) return fail(`Contact ID ${shown} is too large`);
  return ok(value);
}

// Letters, digits and the punctuation RFC 5322 allows unquoted in the local part (dot-separated,
// at most 64 characters); domain labels of letters, digits and inner hyphens, at least two; a
// top-level domain with a letter. One expression: every row of every read is checked with it.
const EMAIL =
  /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?=[a-z0-9-]*[a-z])[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const MAX_LOCAL_PART = 64;

export function isValidEmail(email: string): boolean {
  return email.indexOf('@') <= MAX_LOCAL_PART && EMAIL.test(email);
}

/** A blank cell means "no email change" (null). Emails are trimmed and lower-cased. */
export function parseEmail(cell: unknown): Parsed<string | null> {
  if (isBlankCell(cell)) return ok(null);
  const formulaError = formulaErrorOf(cell);
  if (formulaError) return fail(`the Email cell shows a formula error (${formulaError})`);
  if (typeof cell !== 'string') {
    return fail(`${quoteForMessage(cell)} is not an email address`);
  }
  const email = cell.trim().toLowerCase();
  if (email.length > MAX_EMAIL_LENGTH) {
    return fail(
      `the email is ${email.length} characters long; Keap allows at most ${MAX_EMAIL_LENGTH}`,
    );
  }
  if (!isValidEmail(email)) return fail(`${quoteForMessage(cell)} is not a valid email address`);
  return ok(email);
}

const YES = new Set(['yes', 'y', 'true', '1', 'x', '✓', '✔', 'checked', 'opt out', 'opted out']);
const NO = new Set(['no', 'n', 'false', '0', 'unchecked']);

/** Checkboxes, yes/no, true/false, 1/0 and x; blank means no. */
export function parseOptOut(cell: unknown): Parsed<boolean> {
  if (isBlankCell(cell)) return ok(false);
  if (typeof cell === 'boolean') return ok(cell);
  if (typeof cell === 'number') {
    if (cell === 1) return ok(true);
    if (cell === 0) return ok(false);
  }
  const formulaError = formulaErrorOf(cell);
  if (formulaError) return fail(`the Opt Out cell shows a formula error (${formulaError})`);
  if (typeof cell === 'string') {
    const text = cell.trim().toLowerCase();
    if (YES.has(text)) return ok(true);
    if (NO.has(text)) return ok(false);
  }
  return fail(`Opt Out must be yes or no (got ${quoteForMessage(cell)})`);
}

/** Blank means "use the default reason" (null). */
export function parseReason(cell: unknown): Parsed<string | null> {
  if (isBlankCell(cell)) return ok(null);
  const formulaError = formulaErrorOf(cell);
  if (formulaError) return fail(`the Opt Out Reason cell shows a formula error (${formulaError})`);
  const text = isDate(cell) ? cell.toISOString().slice(0, 10) : String(cell).trim();
  return ok(text.replace(/\s+/g, ' '));
}

export type ParsedRow =
  | { kind: 'blank'; row: number }
  | { kind: 'invalid'; row: number; key: string; contactId: number | null; errors: string[] }
  | { kind: 'valid'; row: number; key: string; request: RowRequest }
  | { kind: 'byEmail'; row: number; key: string; request: EmailRowRequest };

function cellAt(values: readonly unknown[], column: number | null): unknown {
  return column === null ? '' : values[column - 1];
}

/**
 * Which parser reads each synced field's cell (fields.ts): a field added to the table fails
 * this build until it has one.
 */
const CELL_PARSERS = {
  contactId: parseContactId,
  email: parseEmail,
  optOut: parseOptOut,
  optOutReason: parseReason,
} satisfies Record<SyncedFieldKey, (cell: unknown) => Parsed<unknown>>;

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
function writtenColumnRead(columns: SheetColumns, names: InputHeaderNames): string | null {
  const written = [
    columns.syncStatus,
    columns.lastSynced,
    columns.syncRecord,
    columns.keapEmailStatus,
  ].filter((column): column is number => column !== null);
  for (const { key: field, label } of SYNCED_FIELDS) {
    const column = columns[field];
    if (column === null || !written.includes(column)) continue;
    return (
      `The '${label}' column is set to '${names[field]}', a column this add-on writes itself, ` +
      `so a sync would write over what is typed there. Nothing was synced: choose another ` +
      `column for '${label}' in the settings.`
    );
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
  if (!header.ok) throw new SheetSetupError(header.error);
  const written = writtenColumnRead(header.columns, names);
  if (written !== null) throw new SheetSetupError(written);
  const rows = values.slice(1).map((cells, i) => parseRow(cells, i + 2, header.columns));
  return { columns: header.columns, rows };
}
