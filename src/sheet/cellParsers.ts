/**
 * One cell, as people type it, into the value the sync means by it, or into why it cannot be
 * (a RowInputProblem, worded by src/sync/statusText.ts): a parser per synced field
 * (CELL_PARSERS, keyed by the table in fields.ts). Pure.
 */
import { formulaErrorOf, isBlankCell, isDate, lowerCased } from './cells';
import type { SyncedFieldKey } from './fields';
import type { RowInputProblem } from './rowInputProblem';

/** Keap stores EMAIL1 in at most 75 characters. */
export const MAX_EMAIL_LENGTH = 75;

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: RowInputProblem };

export const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(error: RowInputProblem): Parsed<T> => ({ ok: false, error });

// The answers most cells get, made once (every cell of every read is parsed); never changed.
const OK_NONE: Parsed<null> = Object.freeze(ok(null));
const OK_YES: Parsed<boolean> = Object.freeze(ok(true));
const OK_NO: Parsed<boolean> = Object.freeze(ok(false));

export function parseContactId(cell: unknown): Parsed<number> {
  if (isBlankCell(cell)) return fail({ kind: 'missing', field: 'contactId' });
  const formulaError = formulaErrorOf(cell);
  if (formulaError) return fail({ kind: 'formula-error', field: 'contactId', error: formulaError });
  if (typeof cell === 'number') return contactIdFromNumber(cell, cell);
  if (typeof cell !== 'string') {
    return fail({ kind: 'contact-id-not-whole', cell });
  }
  const text = cell.trim();
  // "123", "00123", "123.0", "-5", "12.5": number-like text is judged as the number it spells.
  if (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(text)) {
    const integerDigits = text.replace(/^[+-]/, '').split('.')[0].replace(/^0+/, '');
    if (integerDigits.length > 16) return fail({ kind: 'contact-id-too-large', cell: text });
    return contactIdFromNumber(Number(text), text);
  }
  return fail({ kind: 'contact-id-not-whole', cell: text });
}

/** `typed`: the cell as typed, made text only for a problem's words (most ids are fine). */
function contactIdFromNumber(value: number, typed: string | number): Parsed<number> {
  if (!Number.isFinite(value)) return fail({ kind: 'contact-id-not-whole', cell: String(typed) });
  if (!Number.isInteger(value)) return fail({ kind: 'contact-id-not-whole', cell: String(typed) });
  if (value <= 0) return fail({ kind: 'contact-id-not-positive', cell: String(typed) });
  if (value > Number.MAX_SAFE_INTEGER)
    return fail({ kind: 'contact-id-too-large', cell: String(typed) });
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
  if (isBlankCell(cell)) return OK_NONE;
  const formulaError = formulaErrorOf(cell);
  if (formulaError) return fail({ kind: 'formula-error', field: 'email', error: formulaError });
  if (typeof cell !== 'string') {
    return fail({ kind: 'email-not-text', cell });
  }
  const email = lowerCased(cell.trim());
  if (email.length > MAX_EMAIL_LENGTH) {
    return fail({ kind: 'email-too-long', length: email.length, max: MAX_EMAIL_LENGTH });
  }
  if (!isValidEmail(email)) return fail({ kind: 'email-invalid', cell });
  return ok(email);
}

const YES = new Set(['yes', 'y', 'true', '1', 'x', '✓', '✔', 'checked', 'opt out', 'opted out']);
const NO = new Set(['no', 'n', 'false', '0', 'unchecked']);

/** Checkboxes, yes/no, true/false, 1/0 and x; blank means no. */
export function parseOptOut(cell: unknown): Parsed<boolean> {
  if (isBlankCell(cell)) return OK_NO;
  if (typeof cell === 'boolean') return cell ? OK_YES : OK_NO;
  if (typeof cell === 'number') {
    if (cell === 1) return OK_YES;
    if (cell === 0) return OK_NO;
  }
  const formulaError = formulaErrorOf(cell);
  if (formulaError) return fail({ kind: 'formula-error', field: 'optOut', error: formulaError });
  if (typeof cell === 'string') {
    const text = lowerCased(cell.trim());
    if (YES.has(text)) return OK_YES;
    if (NO.has(text)) return OK_NO;
  }
  return fail({ kind: 'opt-out-not-yes-or-no', cell });
}

/** Blank means "use the default reason" (null). */
export function parseReason(cell: unknown): Parsed<string | null> {
  if (isBlankCell(cell)) return OK_NONE;
  const formulaError = formulaErrorOf(cell);
  if (formulaError)
    return fail({ kind: 'formula-error', field: 'optOutReason', error: formulaError });
  const text = isDate(cell) ? cell.toISOString().slice(0, 10) : String(cell).trim();
  return ok(spacedOnce(text) ? text : text.replace(/\s+/g, ' '));
}

/**
 * True when no run of white space in `text` is other than one plain space (replacing each
 * run by one space would change nothing). Anything beyond ASCII is left to the replace.
 */
function spacedOnce(text: string): boolean {
  let afterSpace = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 32) {
      if (afterSpace) return false;
      afterSpace = true;
    } else if ((code >= 9 && code <= 13) || code >= 128) return false;
    else afterSpace = false;
  }
  return true;
}

/**
 * Which parser reads each synced field's cell (fields.ts): a field added to the table fails
 * this build until it has one.
 */
export const CELL_PARSERS = {
  contactId: parseContactId,
  email: parseEmail,
  optOut: parseOptOut,
  optOutReason: parseReason,
} satisfies Record<SyncedFieldKey, (cell: unknown) => Parsed<unknown>>;
