/**
 * What getSyncStatus answers: the sync's part of the sidebar's state. A type of its own, apart
 * from the adapters that fill it (index.ts), so src/ui can name it without importing them.
 */
import type { SyncProgressView } from './progress';
import type { SyncSettings } from './settings';
import type { SyncSummary } from './summary';
import type { DailySyncStatus } from './triggers';

export interface SyncStatusView {
  daily: DailySyncStatus;
  lastRun: SyncSummary | null;
  /** An execution of a sync of this spreadsheet holds the lease now (it expires on its own). */
  running: boolean;
  /**
   * How far the running sync has got (whoever started it), or when its next part is due;
   * null when neither is known.
   */
  progress?: SyncProgressView | null;
  settings: SyncSettings;
  /** The spreadsheet's locale as Apps Script names it ('en_US'): times are shown in it. */
  locale?: string;
  /** The last execution was stopped before it finished; null when it was not. */
  interrupted?: InterruptedView | null;
  /**
   * ISO 8601: your run stopped at Keap's daily request limit and continues after this moment
   * (Keap's reset, 00:00 UTC) by itself (Keap is connected and a recurring trigger of yours
   * carries it); null when no run waits so.
   */
  waitingForKeapUntil?: string | null;
  /**
   * Your run stopped at Keap's daily request limit but nothing will continue it by itself:
   * Keap is disconnected (connecting again gives it a trigger), or no trigger could be made
   * (sync again after the reset). Null otherwise.
   */
  waitingForKeapStalled?: { until: string; disconnected: boolean } | null;
}

export interface InterruptedView {
  /** True when the person looking started it. */
  byYou: boolean;
  /** Who started it, told only to that person: others are not shown anyone's address. */
  startedBy: string | null;
  /** ISO 8601 of about when the next run continues it; null when no trigger will. */
  continuesAt: string | null;
}
