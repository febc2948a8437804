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

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function retryCause(tally: RunTally): string {
  const unreachable = Math.min(tally.unreachable ?? 0, tally.retrying);
  if (unreachable === 0) return 'Keap was busy';
  if (unreachable === tally.retrying) return 'Keap could not be reached';
  return 'Keap was busy or could not be reached';
}

export function countsSentence(tally: RunTally): string {
  const parts = [
    `${plural(tally.emailsUpdated, 'email')} updated`,
    `${tally.optedOut} opted out`,
    `${tally.unchanged} unchanged`,
    plural(tally.errors, 'error'),
  ];
  const retry =
    tally.retrying > 0
      ? ` ${plural(tally.retrying, 'row')} will be retried (${retryCause(tally)}).`
      : '';
  return `${parts.join(', ')}.${retry}`;
}

export function completedMessage(tally: RunTally): string {
  return `Synced ${plural(tally.rowsSeen, 'row')}: ${countsSentence(tally)}`;
}

/** `rest`: when the rest is synced (statusText.ts restContinues); a quick follow-up by default. */
export function continuingMessage(
  tally: RunTally,
  rest = 'the rest continues automatically in a few minutes.',
): string {
  return `Part of the sheet is synced (${countsSentence(tally).replace(/\.$/, '')}); ${rest}`;
}

/**
 * A run stopped by Keap's daily request limit. `when`: its reset as people read it (00:00
 * UTC in the spreadsheet's time zone); `rowsWaiting`: rows it continues with then.
 */
export function dailyLimitMessage(tally: RunTally, rowsWaiting: number, when: string): string {
  return (
    `Keap's daily request limit for this add-on was reached, so the sync stopped before using it up. ` +
    `So far: ${countsSentence(tally)} ${plural(rowsWaiting, 'row')} continue after ${when}, when Keap resets the limit.`
  );
}

/** A person asked for a sync while the run waits for Keap's daily limit: nothing was sent. */
export function stillWaitingMessage(when: string): string {
  return `Keap's daily request limit for this add-on was reached earlier, so nothing was sent now. The sync continues after ${when}, when Keap resets the limit.`;
}

export const BUSY_MESSAGE =
  'Another sync of this spreadsheet is already running. Try again in a few minutes.';

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
