/** One run of the sync as the log tab, the sidebar and the menu report it. */
export type SyncTrigger = 'daily' | 'menu' | 'sidebar' | 'continuation';

export type SyncOutcome =
  /** Every row was handled (some may carry their own error status). */
  | 'completed'
  /** Stopped before the time limit; a follow-up run continues. */
  | 'continuing'
  /** Another sync of this spreadsheet was already running: nothing was done. */
  | 'busy'
  /** The Keap connection is gone; a person must reconnect. */
  | 'needs-reconnect'
  /** Keap or the sheet failed; the message says what. */
  | 'failed'
  /** Google stopped the execution before it finished (known from the lease it left). */
  | 'interrupted'
  /**
   * Keap's daily request limit (shared by every user of the add-on) was reached: the run
   * stopped before using it up and continues after it resets at 00:00 UTC (`continuesAt`).
   */
  | 'daily-limit';

export interface SyncSummary {
  /** ISO 8601 start time. */
  startedAt: string;
  trigger: SyncTrigger;
  outcome: SyncOutcome;
  /** Plain-language one-liner for a person. */
  message: string;
  rowsSeen: number;
  emailsUpdated: number;
  optedOut: number;
  unchanged: number;
  errors: number;
  /** Sheet row numbers (1-based) that got an error status, the first few. */
  errorRows: number[];
  keapRequests: number;
  durationMs: number;
  /** Who ran the execution, for an interrupted one (its starter is told differently). */
  startedBy?: string | null;
  /**
   * ISO 8601, about when the run continues: for one stopped by Keap's daily limit, its reset;
   * for an interrupted one, when a trigger of its starter continues it (null: none will).
   */
  continuesAt?: string | null;
}
