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
 */
export function parseRecordCell(
  value: unknown,
  form?: RecordForm,
): { contactId: number; record: StateRecord } | null {
  if (form) form.canonical = false;
  if (typeof value !== 'string') return null;
  // Read by index: every sheet read parses every row's cell.
  const fields = value.split(SEPARATOR);
  if (fields.length < 6) return null;
  const prefix = fields[0];
  const rest = fields.length - 6;
  let account: string | undefined;
  let tries: number | undefined;
  let optedOutAt: number | undefined;
  if (prefix === PREFIX_V1) {
    if (rest > 0) return null;
  } else if (prefix === PREFIX || prefix === PREFIX_V3) {
    if (rest !== (prefix === PREFIX ? 2 : 3)) return null;
    const accountCell = fields[6];
    const triesCell = fields[7];
    if (rest === 3) {
      const optedOutCell = fields[8];
      optedOutAt = Number(optedOutCell);
      if (optedOutCell === '' || !Number.isFinite(optedOutAt)) return null;
    }
    if (accountCell !== '') {
      if (!fitsCell(accountCell)) return null;
      account = accountCell;
    }
    if (triesCell !== '') {
      tries = Number(triesCell);
      if (!Number.isSafeInteger(tries) || tries < 1) return null;
    }
  } else return null;
  const fingerprint = fields[2];
  const run = fields[5];
  const contactId = Number(fields[1]);
  const when = Number(fields[3]);
  const result = fields[4] as StateResult;
  const outcome = RESULTS.includes(result) ? result : undefined;
  if (!Number.isSafeInteger(contactId) || contactId <= 0 || fingerprint === '') return null;
  if (!Number.isFinite(when) || outcome === undefined) return null;
  const record: StateRecord = { fingerprint, syncedAt: when, result: outcome, run };
  if (account !== undefined) record.account = account;
  if (tries !== undefined && outcome === 'error') record.tries = tries;
  if (optedOutAt !== undefined) record.optedOutAt = optedOutAt;
  // recordCell writes ksr2 (ksr3 with an opt-out time) with every number in its own text, the
  // tries only of an error, and the other fields as they were read.
  if (form && prefix !== PREFIX_V1) {
    const triesCell = fields[7];
    form.canonical =
      fields[1] === String(contactId) &&
      fields[3] === String(when) &&
      (outcome === 'error' ? triesCell !== '' && triesCell === String(tries) : triesCell === '') &&
      (optedOutAt === undefined || fields[8] === String(optedOutAt));
  }
  return { contactId, record };
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
