/**
 * The sheet as the sync uses it: the ports the sync's logic is written against. The adapters
 * over SpreadsheetApp implement them (contactSheet.ts, logTab.ts); tests use in-memory fakes.
 * Kept apart from the adapters so pure code never imports a module that touches Apps Script.
 */
import type { CellBlock, CellRange } from './statusPlacement';
import type { SyncState } from './syncRecord';

/** The contacts tab: one block read of the used range and block writes. */
export interface ContactSheetPort {
  /** The tab's name, for messages. */
  tabName(): string;
  /** The whole used range, row 1 (headers) first. */
  readValues(): unknown[][];
  /** The formulas of a range ('' where a cell holds a plain value). */
  readFormulas(range: CellRange): unknown[][];
  writeBlock(block: CellBlock): void;
  hideColumn(column: number): void;
  /** Records an earlier version kept in a tab of their own (see oldStateTab.ts); none: empty. */
  readOldRecords(): SyncState;
  /** Removes that tab, once its records are in the record column. */
  removeOldRecords(): void;
}

/**
 * What one log row says about a run. The sync's own summary (src/sync/summary.ts) has this
 * shape; the log tab is an adapter below the sync, so it names only what it writes.
 */
export interface LogEntry {
  /** ISO 8601. */
  startedAt: string;
  trigger: string;
  rowsSeen: number;
  emailsUpdated: number;
  optedOut: number;
  unchanged: number;
  errors: number;
  keapRequests: number;
  durationMs: number;
  outcome: string;
  message: string;
}

/** The 'Keap Sync Log' tab: one row per finished run. */
export interface SyncLogPort {
  append(entry: LogEntry): void;
}
