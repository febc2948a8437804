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
import type { LeaseRecord } from './lease';
import type { NextExecution } from './triggers';
import { uniqueId } from './ports';
import type { PreviewPorts } from './preview';
import { restContinues } from './statusText';
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
  lease: {
    acquire(): boolean;
    release(): void;
    /** The expired lease taken over by acquire: an execution that was killed. */
    takenOver?(): LeaseRecord | null;
  };
  checkpoint: CheckpointPort;
  continuation: {
    /**
     * Arranges the rest of a run with work left (its checkpoint saved): a recurring trigger
     * that continues it, and a quick follow-up where Apps Script accepts one. Says when the
     * next execution comes (nothing is made once Keap is disconnected).
     */
    schedule(delayMs: number, runId: string): NextExecution | void;
    /** The run is over: spent follow-ups are removed. */
    finish(): void;
    /** This execution got through its work: the day's slot is not started again. */
    slotStarted?(): void;
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
 * The run to continue, or null: the checkpoint alone decides (whichever trigger fired). A
 * checkpoint older than a day is from a run that broke off: it is closed and dropped.
 */
function resumableRun(
  ports: SyncPorts,
  trigger: SyncTrigger,
  startedAt: number,
  limits: SyncLimits,
): RunCheckpoint | null {
  let checkpoint: RunCheckpoint | null;
  try {
    checkpoint = ports.checkpoint.load();
  } catch {
    return null;
  }
  if (!checkpoint) return null;
  if (startedAt - checkpoint.savedAt > limits.staleCheckpointMs) {
    closeRun(ports, trigger, checkpoint, STALE_MESSAGE);
    quietly(() => ports.checkpoint.clear());
    return null;
  }
  return checkpoint;
}

export const INTERRUPTED_MESSAGE =
  'This sync was interrupted: Google stopped its run before it finished. The next run continues it.';

/** The summary of an execution that was killed, from the lease it left behind. */
export function interruptedSummary(lease: LeaseRecord): SyncSummary {
  const startedAt = typeof lease.startedAt === 'number' ? lease.startedAt : lease.expiresAt;
  const trigger = (['daily', 'menu', 'sidebar', 'continuation'] as const).find(
    (t) => t === lease.trigger,
  );
  return {
    ...summaryOf(
      emptyTally(),
      { startedAt, trigger: trigger ?? 'daily' },
      'interrupted',
      INTERRUPTED_MESSAGE,
    ),
    startedBy: lease.startedBy ?? null,
    continuesAt:
      typeof lease.continuesAt === 'number' ? new Date(lease.continuesAt).toISOString() : null,
  };
}

/** One log row for an execution that was killed (the lease it left says who and when). */
function logInterrupted(ports: SyncPorts): void {
  const lease = ports.lease.takenOver?.() ?? null;
  if (!lease) return;
  quietly(() => ports.log.append(interruptedSummary(lease)));
}

function whenRestContinues(ports: SyncPorts, next: NextExecution): string {
  let timeZone = 'UTC';
  if (next.kind === 'hourly') quietly(() => (timeZone = ports.timeZone?.() ?? 'UTC'));
  return restContinues(next, timeZone);
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
    return summaryOf(emptyTally(), { startedAt, trigger }, 'busy', BUSY_MESSAGE);
  }
  logInterrupted(ports);
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
  /** Why a continuing run stopped early (a passing Google error), said after when it continues. */
  let cutShort = '';
  if (report.stop?.transient && run.executions + 1 <= limits.maxContinuations) {
    // Google failed for a moment: what was done is kept, and the next run carries on.
    outcome = 'continuing';
    cutShort = ` (${report.stop.message})`;
    message = `${continuingMessage(tally)}${cutShort}`;
  } else if (report.stop) {
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
    } catch (error) {
      outcome = 'failed';
      message = `The sync could not save where it stopped (${describe(error)}). The next run syncs the remaining rows.`;
    }
    if (outcome === 'continuing') {
      let arranged: NextExecution | null = null;
      quietly(() => {
        arranged = ports.continuation.schedule(limits.continuationDelayMs, run.runId) ?? null;
      });
      // Said as it was arranged: "in a few minutes" only when a quick follow-up was made.
      const rest = arranged === null ? null : whenRestContinues(ports, arranged);
      if (rest !== null) message = `${continuingMessage(tally, rest)}${cutShort}`;
    }
  }
  if (outcome !== 'continuing') {
    const cleared = attempt(notes, 'The checkpoint could not be cleared', () =>
      ports.checkpoint.clear(run.runId),
    );
    // A checkpoint left behind is closed by the next firing: the trigger that fires stays.
    if (cleared) quietly(() => ports.continuation.finish());
  }
  // A failed run (a Google service error, Keap down) leaves its slot open: the next hourly
  // firing tries again, up to the slot's attempts.
  if (outcome !== 'failed') quietly(() => ports.continuation.slotStarted?.());
  const final = outcome;
  return recordRun(
    ports,
    trigger,
    (all) => summaryOf(tally, run, final, withNotes(message, all)),
    notes,
  );
}
