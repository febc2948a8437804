/**
 * Why a row's input cannot be synced, as data: decided by the cell parsers (cellParsers.ts),
 * the row parser (rowParsing.ts) and the duplicate check (src/sync/duplicates.ts); worded by
 * src/sync/statusText.ts `rowInputWords` where it reaches a person.
 */
import type { CellValue } from './cells';
import type { SyncedFieldKey } from './fields';

export type RowInputProblem =
  /** The field's cell is blank and the row needs it (the Contact ID, or the email on a tab without one). */
  | { kind: 'missing'; field: 'contactId' | 'email' }
  /** The cell shows a formula error (`error`, e.g. '#N/A'). */
  | { kind: 'formula-error'; field: SyncedFieldKey; error: string }
  /** The Contact ID cell as typed (`cell`) is not a whole number. */
  | { kind: 'contact-id-not-whole'; cell: CellValue }
  | { kind: 'contact-id-not-positive'; cell: CellValue }
  | { kind: 'contact-id-too-large'; cell: CellValue }
  /** The email cell holds no text (a number, a date, a checkbox). */
  | { kind: 'email-not-text'; cell: CellValue }
  | { kind: 'email-invalid'; cell: CellValue }
  /** The trimmed address is `length` characters; Keap keeps at most `max`. */
  | { kind: 'email-too-long'; length: number; max: number }
  | { kind: 'opt-out-not-yes-or-no'; cell: CellValue }
  /** The same Contact ID on `otherRows` (ascending) asks for something else. */
  | { kind: 'contact-id-conflict'; contactId: number; otherRows: readonly number[] };
