/**
 * The optional Keap Email Status column: per row, Keap's status of the row's email in words
 * (statusText.ts keapStatusWords), refreshed on every run from the batched status read and
 * written only where it changed, in the same block as the statuses. It sends Keap nothing.
 * Pure: the execution hands in the read and the sheet as first read.
 */
import { cellText } from '../sheet/cells';
import { parseEmailRecordCell, type EmailState } from '../sheet/emailRecord';
import type { SheetColumns } from '../sheet/headers';
import type { ParsedRow } from '../sheet/rowParsing';
import { BLANK_ROW_KEY, type PendingStatus } from '../sheet/statusPlacement';
import { parseRecordCell, type SyncState } from '../sheet/syncRecord';
import type { EmailOptState } from '../keap/model';
import { addressKeyOf } from './emailRows';
import { keapStatusWords } from './statusText';

/**
 * Whether this run keeps the column. Never chosen (`setting` absent): on for a sheet the
 * add-on has not synced yet (no Sync Status column: a new spreadsheet) and for one that has
 * the column already; off for a sheet synced before the column existed, so an update does
 * not add a column nobody asked for. Deleting the column of a never-chosen sheet turns it off.
 */
export function keapStatusColumnOn(setting: boolean | undefined, columns: SheetColumns): boolean {
  if (setting !== undefined) return setting;
  return columns.syncStatus === null || columns.keapEmailStatus !== null;
}

export interface StatusColumnRow {
  row: number;
  key: string;
  email: string;
  optOutTicked: boolean;
  /** Null for a row without a Contact ID (its record is keyed by address). */
  contactId: number | null;
}

/**
 * The rows the column speaks for: valid rows and rows without an id. A row with no email
 * (`email` '') gets its cell emptied of the add-on's words, so a cleared email does not keep
 * its old status. The other rows (errors, rows cleared of every input) are emptied of them by
 * clearedStatusCells: the address beside them may not be the row's any more.
 */
export function statusColumnRows(rows: readonly ParsedRow[]): StatusColumnRow[] {
  const out: StatusColumnRow[] = [];
  for (const row of rows) {
    if (row.kind === 'valid') {
      const { email, optOut, contactId } = row.request;
      out.push({ row: row.row, key: row.key, email: email ?? '', optOutTicked: optOut, contactId });
    } else if (row.kind === 'byEmail') {
      const { email, optOut } = row.request;
      out.push({ row: row.row, key: row.key, email, optOutTicked: optOut, contactId: null });
    }
  }
  return out;
}

export interface StatusColumnInputs {
  rows: readonly StatusColumnRow[];
  /** The batched status read, keyed by lower-cased email. */
  states: ReadonlyMap<string, EmailOptState>;
  /** Records as first read, and this execution's statuses (their records are newer). */
  state: SyncState;
  emailState: EmailState;
  pending: readonly PendingStatus[];
  /** The cell as first read. */
  shown: (row: number) => unknown;
  /** Whether a cell's text is the add-on's (keapStatusMarks.ts), never read from the words. */
  ours: (text: string) => boolean;
  isoDay: (epochMs: number) => string;
}

/** When this add-on opted the row's address out, from the newest record of the row. */
function optedOutAt(row: StatusColumnRow, inputs: StatusColumnInputs): number | undefined {
  const fresh = inputs.pending.find((p) => p.row === row.row && p.record !== undefined)?.record;
  if (fresh !== undefined) {
    return (parseRecordCell(fresh)?.record ?? parseEmailRecordCell(fresh)?.record)?.optedOutAt;
  }
  if (row.contactId !== null) return inputs.state.get(row.contactId)?.optedOutAt;
  return inputs.emailState.get(addressKeyOf(row.email))?.optedOutAt;
}

/**
 * The cells to write (row -> words), only where the words differ from what the row shows.
 * Rows with the same inputs get theirs together: statuses are placed by inputs, and a group
 * of identical rows is placed only whole.
 */
export function keapStatusCells(inputs: StatusColumnInputs): Map<number, PendingStatus> {
  // Undefined: the cell is kept (a row with no email beside words a person typed).
  const wordsOf = new Map<StatusColumnRow, string | undefined>();
  for (const row of inputs.rows) {
    if (row.email === '') {
      const ours = inputs.ours(cellText(inputs.shown(row.row)));
      wordsOf.set(row, ours ? '' : undefined);
      continue;
    }
    const state = inputs.states.get(row.email.toLowerCase());
    const at = row.optOutTicked ? optedOutAt(row, inputs) : undefined;
    const words = keapStatusWords({
      status: state?.status ?? null,
      optedOut: state?.optedOut === true,
      optOutTicked: row.optOutTicked,
      optedOutByAddOnOn: at === undefined ? null : inputs.isoDay(at),
    });
    wordsOf.set(row, words);
  }
  const keysToWrite = new Set(
    inputs.rows
      .filter((row) => {
        const words = wordsOf.get(row);
        return words !== undefined && cellText(inputs.shown(row.row)) !== words;
      })
      .map((row) => row.key),
  );
  const cells = new Map<number, PendingStatus>();
  for (const row of inputs.rows) {
    if (!keysToWrite.has(row.key)) continue;
    const keapStatus = wordsOf.get(row);
    cells.set(row.row, { row: row.row, key: row.key, status: null, syncedAt: null, keapStatus });
  }
  return cells;
}

/**
 * Cells of `rows` that still hold the add-on's words, emptied (they would claim a status Keap
 * may no longer show), once; the header, the column and every other cell (a note a person
 * typed there) are kept. For the column turned off in the settings (every row), and for rows
 * the column does not speak for (statusColumnRows). Rows with the same inputs get theirs
 * together, as in keapStatusCells; so do the rows cleared of every input (BLANK_ROW_KEY).
 * Needs no Keap read.
 */
export function clearedStatusCells(
  rows: readonly ParsedRow[],
  shown: (row: number) => unknown,
  isOurs: (text: string) => boolean,
): Map<number, PendingStatus> {
  const keyOf = (row: ParsedRow) => (row.kind === 'blank' ? BLANK_ROW_KEY : row.key);
  const ours = (row: number) => isOurs(cellText(shown(row)));
  const keysToClear = new Set(rows.filter((row) => ours(row.row)).map(keyOf));
  const cells = new Map<number, PendingStatus>();
  for (const row of rows) {
    const key = keyOf(row);
    if (!keysToClear.has(key)) continue;
    const keapStatus = ours(row.row) ? '' : undefined;
    cells.set(row.row, { row: row.row, key, status: null, syncedAt: null, keapStatus });
  }
  return cells;
}

/** The rows statusColumnRows leaves out: errors, and rows cleared of every input. */
export function rowsWithoutStatus(rows: readonly ParsedRow[]): ParsedRow[] {
  return rows.filter((row) => row.kind === 'invalid' || row.kind === 'blank');
}

/** The cells joined to the rows' statuses (one entry per row), the others added on their own. */
export function withKeapStatuses(
  pending: PendingStatus[],
  cells: ReadonlyMap<number, PendingStatus>,
): void {
  const joined = new Set<number>();
  for (const status of pending) {
    const cell = cells.get(status.row);
    if (!cell) continue;
    status.keapStatus = cell.keapStatus;
    joined.add(status.row);
  }
  for (const [row, cell] of cells) if (!joined.has(row)) pending.push(cell);
}

/** Rows of the preview: Keap shows the address opted out and the row's box is not ticked. */
export function optedOutInKeapOnly(
  rows: readonly StatusColumnRow[],
  states: ReadonlyMap<string, EmailOptState>,
): { row: StatusColumnRow; status: string }[] {
  return rows.flatMap((row) => {
    if (row.email === '') return [];
    const state = states.get(row.email.toLowerCase());
    return state?.optedOut && !row.optOutTicked ? [{ row, status: state.status }] : [];
  });
}
