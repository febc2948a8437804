/**
 * Turns one sheet row, as people type it, into what the sync means by it, or into
 * plain-language errors for that row. Pure: knows nothing of SpreadsheetApp.
 */
import { cellText, formulaErrorOf, isBlankCell, isDate, quoteForMessage } from './cells';
import { SheetSetupError } from './setupError';
import { matchHeaders, type InputHeaderNames, type SheetColumns } from './headers';

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

// Letters, digits and the punctuation RFC 5322 allows unquoted in the local part; domain
// labels of letters, digits and inner hyphens; a top-level domain with a letter.
const LOCAL_PART = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

export function isValidEmail(email: string): boolean {
  const at = email.lastIndexOf('@');
  if (at <= 0 || at !== email.indexOf('@')) return false;
  const local = email.slice(0, at);
  const labels = email.slice(at + 1).split('.');
  if (labels.length < 2 || local.length > 64) return false;
  if (!LOCAL_PART.test(local)) return false;
  if (!labels.every((label) => DOMAIN_LABEL.test(label))) return false;
  return /[a-z]/.test(labels[labels.length - 1]);
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

/** What a valid row asks for, normalised. */
export interface RowRequest {
  contactId: number;
  email: string | null;
  optOut: boolean;
  /** Only kept when optOut is true (a reason without an opt-out asks for nothing). */
  reason: string | null;
}

/** A row with an email and no Contact ID: the address is its key (src/sync/emailRows.ts). */
export interface EmailRowRequest {
  email: string;
  optOut: boolean;
  reason: string | null;
}

export type ParsedRow =
  | { kind: 'blank'; row: number }
  | { kind: 'invalid'; row: number; key: string; contactId: number | null; errors: string[] }
  | { kind: 'valid'; row: number; key: string; request: RowRequest }
  | { kind: 'byEmail'; row: number; key: string; request: EmailRowRequest };

function cellAt(values: readonly unknown[], column: number | null): unknown {
  return column === null ? '' : values[column - 1];
}

const KEY_SEPARATOR = '\u001f';

/**
 * The row's identity for placing its status after a re-read: the raw input cells. A row
 * whose inputs changed during the run does not match its old key, so it gets no stale status.
 */
export function rowKey(values: readonly unknown[], columns: SheetColumns): string {
  return keyOfCells(
    cellAt(values, columns.contactId),
    cellAt(values, columns.email),
    cellAt(values, columns.optOut),
    cellAt(values, columns.optOutReason),
  );
}

function keyOfCells(id: unknown, email: unknown, optOut: unknown, reason: unknown): string {
  const S = KEY_SEPARATOR;
  return `${cellText(id)}${S}${cellText(email)}${S}${cellText(optOut)}${S}${cellText(reason)}`;
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
  const idCell = cellAt(values, columns.contactId);
  const emailCell = cellAt(values, columns.email);
  const optOutCell = cellAt(values, columns.optOut);
  const reasonCell = cellAt(values, columns.optOutReason);
  const blank =
    isBlankCell(idCell) &&
    isBlankCell(emailCell) &&
    isBlankCell(optOutCell) &&
    isBlankCell(reasonCell);
  if (blank) return { kind: 'blank', row };

  const key = keyOfCells(idCell, emailCell, optOutCell, reasonCell);
  const id = parseContactId(idCell);
  const email = parseEmail(emailCell);
  const optOut = parseOptOut(optOutCell);
  const reason = optOut.ok && optOut.value ? parseReason(reasonCell) : ok<string | null>(null);
  // No id but an address: the row is synced by its address (src/sync/emailRows.ts).
  if (isBlankCell(idCell) && email.ok && email.value !== null && optOut.ok && reason.ok) {
    const request = { email: email.value, optOut: optOut.value, reason: reason.value };
    return { kind: 'byEmail', row, key, request };
  }
  if (!id.ok || !email.ok || !optOut.ok || !reason.ok) {
    const errors = [id, email, optOut, reason].flatMap((p) => (p.ok ? [] : [p.error]));
    return { kind: 'invalid', row, key, contactId: id.ok ? id.value : null, errors };
  }
  return {
    kind: 'valid',
    row,
    key,
    request: {
      contactId: id.value,
      email: email.value,
      optOut: optOut.value,
      reason: reason.value,
    },
  };
}

const INPUT_LABELS: readonly [keyof InputHeaderNames, string][] = [
  ['contactId', 'Contact ID'],
  ['email', 'Email'],
  ['optOut', 'Opt Out'],
  ['optOutReason', 'Opt Out Reason'],
];

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
  for (const [field, label] of INPUT_LABELS) {
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
