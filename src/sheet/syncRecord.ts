/**
 * The sync's memory of each contact lives on the contacts tab itself, in a hidden
 * 'Keap Sync Record' column: one cell per row saying which contact was synced with which
 * values (a fingerprint, never the email), when, and how it ended. Kept in the rows it
 * describes, it is read with the sheet and written with the statuses, in the same calls.
 *
 * Every cell names its contact, so the record is a map by contact id, not by row: a sort of
 * only some columns, a copied row or a deleted one can make the sync read Keap again, never
 * skip a row it should send. Pure.
 */

export const SYNC_RECORD_HEADER = 'Keap Sync Record';

/**
 * Marks a cell as ours and its layout's version. ksr2 adds the Keap account and the tries
 * of an error; ksr1 cells (earlier versions) are still read, as records of an unknown
 * account. ksr3 adds when this add-on opted the address out; it is written only for such a
 * record, so every other cell stays ksr2 and versions that know only ksr2 keep reading it.
 */
const PREFIX = 'ksr2';
const PREFIX_V1 = 'ksr1';
const PREFIX_V3 = 'ksr3';
const SEPARATOR = '|';

/**
 * 'ok': synced; skipped while the row is unchanged.
 * 'error': Keap refused it or does not know the contact; tried again unchanged only after a
 * back-off (src/sync/rowRetry.ts): the contact may be created, merged or fixed in Keap.
 * 'retry': Keap was busy; skipped by the rest of the run that wrote it, tried by the next.
 */
export type StateResult = 'ok' | 'error' | 'retry';

export interface StateRecord {
  fingerprint: string;
  syncedAt: number;
  result: StateResult;
  /** Id of the run that wrote it. */
  run: string;
  /**
   * The Keap account the record describes (src/connection/keapAccount.ts); absent for a
   * record of an earlier version, which cannot tell.
   */
  account?: string;
  /** Consecutive runs that ended in this error (an 'error' only; absent means 1). */
  tries?: number;
  /** Epoch ms when this add-on opted the row's address out (the Keap Email Status says so). */
  optedOutAt?: number;
}

export type SyncState = Map<number, StateRecord>;

const RESULTS: readonly StateResult[] = ['ok', 'error', 'retry'];

/** An account id fit for a cell: what keapAccount.ts makes (host names, key ids). */
const ACCOUNT_PATTERN = /^[a-z0-9][a-z0-9.-]{0,99}$/;

/** The last account id that fit: a sheet's records name one or two, so most tests are skipped. */
let fittingAccount: string | null = null;

function fitsCell(account: string): boolean {
  if (account === fittingAccount) return true;
  if (!ACCOUNT_PATTERN.test(account)) return false;
  fittingAccount = account;
  return true;
}

export function recordCell(contactId: number, record: StateRecord): string {
  const account = record.account !== undefined && fitsCell(record.account) ? record.account : '';
  const tries = record.result === 'error' ? String(record.tries ?? 1) : '';
  const optedOutAt = record.optedOutAt;
  const fields = [
    optedOutAt === undefined ? PREFIX : PREFIX_V3,
    contactId,
    record.fingerprint,
    record.syncedAt,
    record.result,
    record.run,
    account,
    tries,
  ];
  if (optedOutAt !== undefined) fields.push(optedOutAt);
  return fields.join(SEPARATOR);
}

/** How a record cell is written: set by parseRecordCell when asked. */
export interface RecordForm {
  /** The cell is exactly recordCell(contactId, record) of what it was read as. */
  canonical: boolean;
}

/**
 * The contact and record a cell holds; null for anything else (blank, edited, foreign).
 * `form`, when given, learns whether the cell is written exactly as recordCell writes that
 * record: known while parsing, so every read need not write every record again to compare.
 *
 * Every sheet read parses every row's cell, so the cell is read in place, field by field
 * between its separators: only the texts a record keeps are cut out (fingerprint, run, a new
 * account), and a number of plain digits is read from them (what Number gives for it).
 */
export function parseRecordCell(
  value: unknown,
  form?: RecordForm,
): { contactId: number; record: StateRecord } | null {
  if (form) form.canonical = false;
  if (typeof value !== 'string') return null;
  const fieldCount = cutFields(value);
  if (fieldCount < 6 || CUTS[0] !== PREFIX.length) return null;
  const version = value.startsWith(PREFIX)
    ? 2
    : value.startsWith(PREFIX_V3)
      ? 3
      : value.startsWith(PREFIX_V1)
        ? 1
        : 0;
  if (version === 0) return null;
  if (fieldCount !== (version === 1 ? 6 : version === 2 ? 8 : 9)) return null;
  let account: string | undefined;
  let tries: number | undefined;
  let optedOutAt: number | undefined;
  let exact = version !== 1;
  if (version !== 1) {
    if (version === 3) {
      if (fieldEnd(value, 8) === fieldStart(8)) return null;
      optedOutAt = numberField(value, 8);
      exact &&= numberExact;
      if (!Number.isFinite(optedOutAt)) return null;
    }
    if (fieldEnd(value, 6) !== fieldStart(6)) {
      account = accountField(value);
      if (account === undefined) return null;
    }
    if (fieldEnd(value, 7) !== fieldStart(7)) {
      tries = numberField(value, 7);
      if (!Number.isSafeInteger(tries) || tries < 1) return null;
    }
  }
  const outcome = resultField(value);
  const contactId = numberField(value, 1);
  exact &&= numberExact;
  const when = numberField(value, 3);
  exact &&= numberExact;
  if (!Number.isSafeInteger(contactId) || contactId <= 0 || fieldEnd(value, 2) === fieldStart(2))
    return null;
  if (!Number.isFinite(when) || outcome === undefined) return null;
  const fingerprint = field(value, 2);
  const run = runField(value);
  // The account in the literal when there is one (most records): added after, it would take
  // the record a second block of memory for its properties.
  const record: StateRecord =
    account === undefined
      ? { fingerprint, syncedAt: when, result: outcome, run }
      : { fingerprint, syncedAt: when, result: outcome, run, account };
  if (tries !== undefined && outcome === 'error') record.tries = tries;
  if (optedOutAt !== undefined) record.optedOutAt = optedOutAt;
  // recordCell writes ksr2 (ksr3 with an opt-out time) with every number in its own text, the
  // tries only of an error, and the other fields as they were read.
  if (form && exact) {
    if (outcome === 'error') {
      form.canonical = tries !== undefined && String(tries) === field(value, 7);
    } else form.canonical = tries === undefined;
  }
  return { contactId, record };
}

/** Where the separators of the cell last cut are (up to 9 fields; see cutFields). */
const CUTS: number[] = new Array<number>(9).fill(0);
/** The number of fields of the cell last cut. */
let fieldsCut = 0;

/** Cuts `value` at its separators into CUTS; the number of fields (10: more than 9). */
function cutFields(value: string): number {
  let count = 0;
  let at = value.indexOf(SEPARATOR);
  while (at !== -1) {
    if (count === 9) return (fieldsCut = 10);
    CUTS[count++] = at;
    at = value.indexOf(SEPARATOR, at + 1);
  }
  return (fieldsCut = count + 1);
}

function fieldStart(index: number): number {
  return index === 0 ? 0 : CUTS[index - 1] + 1;
}

/** The end of field `index` of the cell last cut: its separator, or the text's end. */
function fieldEnd(value: string, index: number): number {
  return index < fieldsCut - 1 ? CUTS[index] : value.length;
}

function field(value: string, index: number): string {
  return value.slice(fieldStart(index), fieldEnd(value, index));
}

/** Whether the last number read is written in its own text (String of it). */
let numberExact = false;

/** Number(field): plain digits are read in place, anything else by Number. */
function numberField(value: string, index: number): number {
  const start = fieldStart(index);
  const end = fieldEnd(value, index);
  const length = end - start;
  if (length >= 1 && length <= 15) {
    let number = 0;
    let i = start;
    for (; i < end; i++) {
      const digit = value.charCodeAt(i) - 48;
      if (digit < 0 || digit > 9) break;
      number = number * 10 + digit;
    }
    if (i === end) {
      numberExact = length === 1 || value.charCodeAt(start) !== 48;
      return number;
    }
  }
  const text = value.slice(start, end);
  const number = Number(text);
  numberExact = String(number) === text;
  return number;
}

/** The result field as one of RESULTS, or undefined. */
function resultField(value: string): StateResult | undefined {
  const start = fieldStart(4);
  const length = fieldEnd(value, 4) - start;
  for (const result of RESULTS) {
    if (result.length === length && value.startsWith(result, start)) return result;
  }
  return undefined;
}

/** The run id last read: the records of a column come from a few runs, in long stretches. */
let lastRun = '';

/** The run field: the run id last read when it is that one (no copy of it per record). */
function runField(value: string): string {
  const start = fieldStart(5);
  const length = fieldEnd(value, 5) - start;
  const known = lastRun;
  if (known.length === length && value.startsWith(known, start)) return known;
  lastRun = value.slice(start, start + length);
  return lastRun;
}

/** The account field (not empty) when it fits a cell, else undefined. */
function accountField(value: string): string | undefined {
  const start = fieldStart(6);
  const length = fieldEnd(value, 6) - start;
  const known = fittingAccount;
  if (known !== null && known.length === length && value.startsWith(known, start)) return known;
  const account = value.slice(start, start + length);
  return fitsCell(account) ? account : undefined;
}

/**
 * Every record in the column (1-based; null when the tab has none yet). A contact named by
 * several cells (rows moved apart from their records) takes its newest record: an older one
 * could say the contact holds values it no longer holds.
 */
export function readSyncState(
  values: readonly (readonly unknown[])[],
  column: number | null,
): SyncState {
  return newestOfColumn(values, column, parseRecordCell, (parsed) => parsed.contactId);
}

/**
 * The records of one kind in the record column (1-based; null: none), each key's newest:
 * `parse` reads a cell of that kind (null for any other cell), `keyOf` names its key.
 */
export function newestOfColumn<P extends { record: R }, K, R extends { syncedAt: number }>(
  values: readonly (readonly unknown[])[],
  column: number | null,
  parse: (cell: unknown) => P | null,
  keyOf: (parsed: P) => K,
): Map<K, R> {
  const state = new Map<K, R>();
  if (column === null) return state;
  for (let row = 1; row < values.length; row++) {
    const parsed = parse(values[row][column - 1]);
    if (parsed) keepNewest(state, keyOf(parsed), parsed.record);
  }
  return state;
}

/** Adds `record` unless `state` already holds a newer one for its key (contact or address). */
export function keepNewest<K, R extends { syncedAt: number }>(
  state: Map<K, R>,
  key: K,
  record: R,
): void {
  const known = state.get(key);
  if (!known || record.syncedAt > known.syncedAt) state.set(key, record);
}
