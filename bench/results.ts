/** What one measured run reports; shared by the runners, the targets and the report. */
import type { CpuFigures } from './cpuMeter';
import type { NeededChanges } from './dataset';
import type { RunMeasurement } from './measure';

export type Implementation = 'add-on' | 'naive';

export interface OptOutFigures {
  /** PATCH /v2/emailAddresses/{email}/status requests (opted_in false), retries included. */
  restWrites: number;
  xmlRpcWrites: number;
  /** Status list reads of addresses already sent an opt-out in this run (the read-backs). */
  verificationReads: number;
  /** fetchAll batches those reads went in (requests sent together count once). */
  verificationRounds: number;
  /** Distinct addresses read back. */
  verifiedAddresses: number;
}

export const SCENARIOS = {
  'first-sync': '(0) first sync of a new spreadsheet, rows already as in Keap',
  'all-changed': '(a) all rows: new email, half opt-out',
  unchanged: '(b) nothing changed since last run',
  'one-percent-edited': '(c) 1 % of rows edited since last run',
  'no-ids-first': '(d) rows without Contact ID: each found by email, half opt-out',
  'no-ids-unchanged': '(e) rows without Contact ID, nothing changed since (d)',
  'status-column-first': '(f) with ids, Keap Email Status column on: first sync',
  'status-column-unchanged': '(g) with ids, Keap Email Status column on, nothing changed',
} as const;

export type ScenarioName = keyof typeof SCENARIOS;

export interface ScenarioResult {
  implementation: Implementation;
  scenario: ScenarioName;
  rows: number;
  /** Keap writes the sheet asked for before the run (the oracle's count). */
  needed: NeededChanges;
  measurement: RunMeasurement;
  /** How the run ended, as the person sees it (the add-on's log tab) or as the bench saw it. */
  outcome: string;
  /** The run finished its work: the add-on logged 'completed', the naive script reached the last row. */
  completed: boolean;
  /** False when the run was still asking for more executions when the bench stopped it. */
  ended: boolean;
  /** Sheet rows whose contact in Keap does not hold what the row asks for after the run. */
  rowsNotInKeap: number;
  firstRowsNotInKeap: number[];
  /** Rows with a record of their last sync (the hidden Keap Sync Record column); null when none. */
  recordedRows: number | null;
  /** Spreadsheet calls of the run's first execution by method ('Sheet.getRange': 3); add-on only. */
  firstExecutionSheetCalls: Record<string, number>;
  /** REST v2 requests the simulator found outside Keap's spec (empty when validation is off). */
  specViolations: string[];
  /** Real (wall-clock) time the bench spent on this run. */
  realMs: number;
  /** Opt-outs as sent (add-on only): REST v2 PATCHes, XML-RPC calls, read-backs of their status. */
  optOuts?: OptOutFigures;
  /**
   * The bundle's own CPU time in Node and what was taken out to get it (bench/cpuMeter.ts):
   * other threads, service calls (the simulator's answers among them), the clocking itself,
   * and GC pauses beyond the bundle's share of the bytes allocated.
   */
  cpu?: CpuFigures & { perTenThousandRowsMs: number };
  notes: string[];
}
