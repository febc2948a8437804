/**
 * Counting one run across its executions. A long sync is several executions (the first one
 * and its continuations); the log and the sidebar show them as one run.
 */
import type { SyncOutcome, SyncSummary, SyncTrigger } from './summary';

export const MAX_ERROR_ROWS = 20;

export interface RunTally {
  rowsSeen: number;
  emailsUpdated: number;
  optedOut: number;
  unchanged: number;
  errors: number;
  /** Rows that got "Will retry": the next run tries them again. */
  retrying: number;
  /** Of those, rows Keap could not be reached for (the rest: Keap was busy). */
  unreachable?: number;
  errorRows: number[];
  keapRequests: number;
  durationMs: number;
}

export function emptyTally(): RunTally {
  return {
    rowsSeen: 0,
    emailsUpdated: 0,
    optedOut: 0,
    unchanged: 0,
    errors: 0,
    retrying: 0,
    unreachable: 0,
    errorRows: [],
    keapRequests: 0,
    durationMs: 0,
  };
}

/** Adds one execution to the run so far. rowsSeen is the latest read's, not a sum. */
export function addExecution(run: RunTally, execution: RunTally): RunTally {
  const errorRows = [...new Set([...run.errorRows, ...execution.errorRows])]
    .sort((a, b) => a - b)
    .slice(0, MAX_ERROR_ROWS);
  return {
    rowsSeen: execution.rowsSeen,
    emailsUpdated: run.emailsUpdated + execution.emailsUpdated,
    optedOut: run.optedOut + execution.optedOut,
    unchanged: run.unchanged + execution.unchanged,
    errors: run.errors + execution.errors,
    retrying: run.retrying + execution.retrying,
    unreachable: (run.unreachable ?? 0) + (execution.unreachable ?? 0),
    errorRows,
    keapRequests: run.keapRequests + execution.keapRequests,
    durationMs: run.durationMs + execution.durationMs,
  };
}

export function summaryOf(
  tally: RunTally,
  run: { startedAt: number; trigger: SyncTrigger },
  outcome: SyncOutcome,
  message: string,
): SyncSummary {
  return {
    startedAt: new Date(run.startedAt).toISOString(),
    trigger: run.trigger,
    outcome,
    message,
    rowsSeen: tally.rowsSeen,
    emailsUpdated: tally.emailsUpdated,
    optedOut: tally.optedOut,
    unchanged: tally.unchanged,
    errors: tally.errors,
    errorRows: [...tally.errorRows],
    keapRequests: tally.keapRequests,
    durationMs: tally.durationMs,
  };
}
