/**
 * Versions before the record column kept the sync's records in a hidden 'Keap Sync State'
 * tab, one row per contact: id, fingerprint, synced at (ms), result, run. A contacts tab
 * without a record column may still have its records there. Its first run carries them into
 * the record column and the old tab is removed: without them that run would compare every
 * contact with Keap as if never synced, and undo edits made in Keap since. Pure.
 */
import type { SheetColumns } from './headers';
import { keepNewest, readSyncState, type StateResult, type SyncState } from './syncRecord';

export const OLD_STATE_TAB_NAME = 'Keap Sync State';

/**
 * Whether the old tab is worth a look (a spreadsheet call): only a contacts tab without a
 * record column can have its records there, and only one an earlier version wrote to, which
 * added Sync Status with its first write. So a new spreadsheet's first run does not look.
 */
function mayHaveOldRecords(columns: SheetColumns): boolean {
  return columns.syncRecord === null && columns.syncStatus !== null;
}

/**
 * The sheet's records, with the old tab's where it may still hold them (asked of
 * `readOldRecords` only then). `old`: the old tab's records, still to be written.
 * `sheetState`: the record column's records, when already read from `values`.
 */
export function recordsOfSheet(
  values: readonly (readonly unknown[])[],
  columns: SheetColumns,
  readOldRecords: () => SyncState,
  sheetState: SyncState = readSyncState(values, columns.syncRecord),
): { state: SyncState; old: SyncState } {
  const old = mayHaveOldRecords(columns) ? readOldRecords() : new Map();
  // A copy only when records are added: the sheet's may be shared (sheetRead.ts).
  const state = old.size > 0 ? new Map(sheetState) : sheetState;
  for (const [contactId, record] of old) keepNewest(state, contactId, record);
  return { state, old };
}

const RESULTS: readonly StateResult[] = ['ok', 'error', 'retry'];

export function parseOldStateValues(values: readonly (readonly unknown[])[]): SyncState {
  const state: SyncState = new Map();
  for (const [id, fingerprint, syncedAt, result, run] of values.slice(1)) {
    const contactId = Number(id);
    const when = Number(syncedAt);
    const outcome = RESULTS.find((r) => r === result);
    if (!Number.isSafeInteger(contactId) || contactId <= 0) continue;
    if (typeof fingerprint !== 'string' || fingerprint === '') continue;
    if (!Number.isFinite(when) || outcome === undefined) continue;
    keepNewest(state, contactId, {
      fingerprint,
      syncedAt: when,
      result: outcome,
      run: String(run ?? ''),
    });
  }
  return state;
}
