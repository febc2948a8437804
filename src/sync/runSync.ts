/**
 * A run of the sync, with every service behind a port so it runs against in-memory fakes in
 * tests: lease -> the run to continue (or a new one) -> one execution (execution.ts) ->
 * checkpoint and follow-up, or the end of the run: its last run, log row and, when nobody
 * watched, an e-mail.
 */
import type { SyncLogPort } from '../sheet/logTab';
import { SYNC_LIMITS, type SyncLimits } from './budget';
import type { CheckpointPort, RunCheckpoint } from './checkpoint';
import { Execution } from './execution';
import { uniqueId } from './ports';
import type { PreviewPorts } from './preview';
import { asSentence, describe } from './stopWords';
import type { SyncOutcome, SyncSummary, SyncTrigger } from './summary';
import {
  addExecution,
  BUSY_MESSAGE,
  completedMessage,
  continuingMessage,
  emptyTally,
  summaryOf,
  type RunTally,
} from './tally';

/** What a preview reads, and what a run writes and schedules. */
export interface SyncPorts extends PreviewPorts {
  log: SyncLogPort;
  lease: { acquire(): boolean; release(): void };
  checkpoint: CheckpointPort;
  continuation: {
    /** The run a pending follow-up trigger will continue, or null when none is pending. */
    pendingRunId(): string | null;
    /** Makes sure a follow-up of run `runId` is pending (keeps one that already is). */
    schedule(delayMs: number, runId: string): void;
    /** Ends the chain: no follow-up left, and the daily trigger back if it is enabled. */
    finish(): void;
  };
  lastRun: { save(summary: SyncSummary): void };
  /**
   * Why the stored Keap connection cannot be used (plain words), or null. No network: it is
   * asked on every run, so a run with nothing to send still says that Keap needs a person.
   */
  connectionProblem?(): string | null;
  /** E-mails the owner of an unattended run that needs them (at most daily per kind). */
  notifyOwner?(kind: string, subject: string, body: string): void;
}

/** Runs `work`; on failure adds "what: why" to the notes. True when it worked. */
function attempt(notes: string[], what: string, work: () => void): boolean {
  try {
    work();
    return true;
  } catch (error) {
    notes.push(`${what}: ${describe(error)}`);
    return false;
  }
}

function quietly(work: () => void): void {
  try {
    work();
  } catch {
    // Best effort: the caller goes on without it.
  }
}

const STALE_MESSAGE =
  'This sync stopped before finishing: its follow-up run never came. The next run syncs the remaining rows.';

export const FOLLOW_UPS_EXHAUSTED_MESSAGE =
  'This sync stopped: its follow-up runs kept being cut off before they could finish. The next run syncs the remaining rows.';

/** Started by a trigger: nobody is watching, so failures are recorded and e-mailed. */
export function isUnattended(trigger: SyncTrigger): boolean {
  return trigger === 'daily' || trigger === 'continuation';
}

function notifyIfUnattended(ports: SyncPorts, trigger: SyncTrigger, summary: SyncSummary): void {
  if (!isUnattended(trigger) || !ports.notifyOwner) return;
  if (summary.outcome !== 'needs-reconnect' && summary.outcome !== 'failed') return;
  const kind = summary.outcome === 'needs-reconnect' ? 'needs-reconnect' : 'sync-failed';
  const subject =
    summary.outcome === 'needs-reconnect'
      ? 'Keap Sheets Sync: reconnect Keap'
      : 'Keap Sheets Sync: the daily sync did not finish';
  quietly(() => ports.notifyOwner?.(kind, subject, summary.message));
}

/**
 * The summary of a run, kept where people look: the last run (sidebar) and a log row. A
 * failure to keep one is said in the other and in the summary returned, so the notes are
 * gathered before the final text is built.
 */
function recordRun(
  ports: SyncPorts,
  trigger: SyncTrigger,
  build: (notes: string[]) => SyncSummary,
  notes: string[],
): SyncSummary {
  let summary = build(notes);
  if (summary.outcome !== 'continuing') {
    const saved = attempt(notes, 'The last run could not be saved', () =>
      ports.lastRun.save(summary),
    );
    summary = build(notes);
    const logged = attempt(notes, 'The log tab could not be updated', () =>
      ports.log.append(summary),
    );
    if (!logged) {
      summary = build(notes);
      if (saved) quietly(() => ports.lastRun.save(summary));
    }
  }
  notifyIfUnattended(ports, trigger, summary);
  return summary;
}

function withNotes(message: string, notes: string[]): string {
  return notes.length > 0 ? `${message} (${notes.join('; ')})` : message;
}

/** Closes a run without running it: its log row, last run and, if unattended, the e-mail. */
function closeRun(
  ports: SyncPorts,
  trigger: SyncTrigger,
  run: { startedAt: number; trigger: SyncTrigger; tally: RunTally },
  message: string,
): SyncSummary {
  return recordRun(
    ports,
    trigger,
    (notes) => summaryOf(run.tally, run, 'failed', withNotes(message, notes)),
    [],
  );
}

/**
 * The run a pending follow-up continues, or null. A checkpoint no pending follow-up refers
 * to is a leftover (a clear that failed, an execution killed before it scheduled its
 * follow-up): it is dropped, so this run reports only its own work.
 */
function resumableRun(
  ports: SyncPorts,
  trigger: SyncTrigger,
  startedAt: number,
  limits: SyncLimits,
): RunCheckpoint | null {
  let checkpoint: RunCheckpoint | null;
  let pending: string | null = null;
  try {
    checkpoint = ports.checkpoint.load();
    if (checkpoint) pending = ports.continuation.pendingRunId();
  } catch {
    return null;
  }
  if (!checkpoint) return null;
  if (checkpoint.runId !== pending) {
    quietly(() => ports.checkpoint.clear());
    return null;
  }
  if (startedAt - checkpoint.savedAt > limits.staleCheckpointMs) {
    closeRun(ports, trigger, checkpoint, STALE_MESSAGE);
    quietly(() => ports.checkpoint.clear());
    return null;
  }
  return checkpoint;
}

/**
 * Closes the run of a follow-up chain that had all its follow-ups (killed ones included):
 * the daily trigger is already back; the log says why the run ended.
 */
export function closeExhaustedRun(ports: SyncPorts, runId: string | null): SyncSummary | null {
  let run: RunCheckpoint | null;
  try {
    run = ports.checkpoint.load();
  } catch {
    return null;
  }
  if (!run || (runId !== null && run.runId !== runId)) return null;
  const summary = closeRun(ports, 'continuation', run, FOLLOW_UPS_EXHAUSTED_MESSAGE);
  quietly(() => ports.checkpoint.clear());
  return summary;
}

/** A busy follow-up must not end its chain: its own trigger has fired. */
function keepFollowUpPending(ports: SyncPorts, limits: SyncLimits): void {
  quietly(() => {
    const runId = ports.continuation.pendingRunId();
    if (runId !== null) ports.continuation.schedule(limits.continuationDelayMs, runId);
  });
}

function leaseFailureMessage(error: unknown): string {
  return `The sync did not start: Google could not save the note that keeps two syncs of this spreadsheet apart. ${asSentence(describe(error))} The next run tries again.`;
}

/** Runs one execution of the sync and returns the run's summary so far (or its end). */
export function runSyncWith(
  trigger: SyncTrigger,
  ports: SyncPorts,
  limits: SyncLimits = SYNC_LIMITS,
): SyncSummary {
  const startedAt = ports.clock.now();
  let acquired: boolean;
  try {
    acquired = ports.lease.acquire();
  } catch (error) {
    // A person sees the error at once; nobody watches an unattended run, so it is recorded.
    if (!isUnattended(trigger)) throw error;
    return closeRun(
      ports,
      trigger,
      { startedAt, trigger, tally: emptyTally() },
      leaseFailureMessage(error),
    );
  }
  if (!acquired) {
    if (trigger === 'continuation') keepFollowUpPending(ports, limits);
    return summaryOf(emptyTally(), { startedAt, trigger }, 'busy', BUSY_MESSAGE);
  }
  try {
    return runHoldingLease(trigger, ports, limits, startedAt);
  } finally {
    // A lease that cannot be given back expires by itself; the run's outcome stands.
    quietly(() => ports.lease.release());
  }
}

function runHoldingLease(
  trigger: SyncTrigger,
  ports: SyncPorts,
  limits: SyncLimits,
  startedAt: number,
): SyncSummary {
  const run: RunCheckpoint = resumableRun(ports, trigger, startedAt, limits) ?? {
    startedAt,
    runId: uniqueId(startedAt),
    trigger,
    executions: 0,
    tally: emptyTally(),
    savedAt: startedAt,
  };
  const report = new Execution(ports, run.runId, run.executions === 0, limits).run();
  const notes = [...report.notes];
  const tally = addExecution(run.tally, report.tally);

  let outcome: SyncOutcome;
  let message: string;
  if (report.stop) {
    ({ outcome, message } = report.stop);
  } else if (report.workLeft && run.executions + 1 > limits.maxContinuations) {
    outcome = 'failed';
    message = `The sheet took more than ${limits.maxContinuations} follow-up runs, so this sync stopped. The next run syncs the remaining rows.`;
  } else if (report.workLeft) {
    outcome = 'continuing';
    message = continuingMessage(tally);
  } else {
    outcome = 'completed';
    message = completedMessage(tally);
  }

  if (outcome === 'continuing') {
    const next: RunCheckpoint = {
      ...run,
      executions: run.executions + 1,
      tally,
      savedAt: ports.clock.now(),
    };
    try {
      ports.checkpoint.save(next);
      ports.continuation.schedule(limits.continuationDelayMs, run.runId);
    } catch (error) {
      outcome = 'failed';
      message = `The sync could not schedule its follow-up run (${describe(error)}). The next run syncs the remaining rows.`;
    }
  }
  if (outcome !== 'continuing') {
    attempt(notes, 'The checkpoint could not be cleared', () => ports.checkpoint.clear());
    attempt(notes, 'The daily trigger could not be restored', () => ports.continuation.finish());
  }
  const final = outcome;
  return recordRun(
    ports,
    trigger,
    (all) => summaryOf(tally, run, final, withNotes(message, all)),
    notes,
  );
}
