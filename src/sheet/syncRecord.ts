/**
 * The hidden 'Keap Sync State' tab: contact id -> fingerprint of the row at its last sync,
 * when, and how it ended. Keyed by contact id, it survives sorting and inserted rows.
 * The conversion to and from cells is pure; `SpreadsheetStateTab` is the thin adapter.
 */
import { readUsedRange, SheetSession, writeGrowing } from './tabs';

type Spreadsheet = GoogleAppsScript.Spreadsheet.Spreadsheet;
type Sheet = GoogleAppsScript.Spreadsheet.Sheet;

export const STATE_TAB_NAME = 'Keap Sync State';
const STATE_HEADER = ['Contact ID', 'Fingerprint', 'Synced At (ms)', 'Result', 'Run'];

/**
 * 'ok': synced; skipped while the row is unchanged.
 * 'error': Keap refused it or does not know the contact; skipped until the row is edited
 * (Keap never reuses or pre-assigns ids, so trying again unchanged cannot help).
 * 'retry': Keap was busy; skipped by the rest of the run that wrote it, tried by the next.
 */
export type StateResult = 'ok' | 'error' | 'retry';

export interface StateRecord {
  fingerprint: string;
  syncedAt: number;
  result: StateResult;
  /** Id of the run that wrote it. */
  run: string;
}

export type SyncState = Map<number, StateRecord>;

const RESULTS: readonly StateResult[] = ['ok', 'error', 'retry'];

export function parseStateValues(values: readonly (readonly unknown[])[]): SyncState {
  const state: SyncState = new Map();
  for (const [id, fingerprint, syncedAt, result, run] of values.slice(1)) {
    const contactId = Number(id);
    if (!Number.isSafeInteger(contactId) || contactId <= 0) continue;
    if (typeof fingerprint !== 'string' || fingerprint === '') continue;
    const when = Number(syncedAt);
    const outcome = RESULTS.find((r) => r === result) ?? 'error';
    state.set(contactId, {
      fingerprint,
      syncedAt: Number.isFinite(when) ? when : 0,
      result: outcome,
      run: typeof run === 'string' ? run : String(run ?? ''),
    });
  }
  return state;
}

/** Header plus one row per record, padded with blank rows to `minRows` so old rows are cleared. */
export function stateValues(state: SyncState, minRows = 0): unknown[][] {
  const rows: unknown[][] = [STATE_HEADER];
  for (const [id, record] of [...state].sort((a, b) => a[0] - b[0])) {
    rows.push([id, record.fingerprint, record.syncedAt, record.result, record.run]);
  }
  while (rows.length < minRows) rows.push(STATE_HEADER.map(() => ''));
  return rows;
}

export interface SyncStatePort {
  read(): SyncState;
  write(state: SyncState): void;
}

export class SpreadsheetStateTab implements SyncStatePort {
  private sheet: Sheet | null = null;
  /** Whether this execution already looked for the tab (one sync at a time: it stays so). */
  private looked = false;
  private rowsOnSheet = 0;
  private readonly session: SheetSession;

  constructor(
    private readonly spreadsheet: Spreadsheet,
    session?: SheetSession,
  ) {
    this.session = session ?? new SheetSession(spreadsheet);
  }

  read(): SyncState {
    this.sheet = this.spreadsheet.getSheetByName(STATE_TAB_NAME);
    this.looked = true;
    if (!this.sheet) return new Map();
    const values = readUsedRange(this.sheet);
    this.rowsOnSheet = values.length;
    return parseStateValues(values);
  }

  write(state: SyncState): void {
    if (!this.sheet && !this.looked) this.sheet = this.spreadsheet.getSheetByName(STATE_TAB_NAME);
    if (!this.sheet) this.sheet = this.session.insertTab(STATE_TAB_NAME, { hidden: true });
    const values = stateValues(state, this.rowsOnSheet);
    writeGrowing(this.sheet, { row: 1, column: 1, values }, 'rows');
    this.rowsOnSheet = values.length;
  }
}
