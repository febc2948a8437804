/**
 * A run of the sync, with every service behind a port so it runs against in-memory fakes in
 * tests: lease -> the run to continue (or a new one) -> one execution (execution.ts) ->
 * checkpoint and follow-up, or the end of the run: its last run, log row and, when nobody
 * watched, an e-mail.
 */
import { SYNC_LIMITS, type SyncLimits } from './budget';
import { changeSince, isStale, isWaitingForKeap, type RunCheckpoint } from './checkpoint';
import { formatMoment } from './dateText';
import { Execution } from './execution';
import type { LeaseRecord } from './lease';
import type { NextExecution } from './triggers';
import { uniqueId } from './ports';
import {
  BUSY_MESSAGE,
  checkpointNotSavedMessage,
  completedMessage,
  continuingMessage,
  dailyLimitMessage,
  INTERRUPTED_MESSAGE,
  leaseFailureMessage,
  restContinues,
  runEndedByChange,
  runNoteText,
  STALE_MESSAGE,
  stillWaitingMessage,
  tooManyContinuationsMessage,
  type RunNote,
} from './statusText';
import { describe } from './stopWords';
import type { SyncOutcome, SyncSummary, SyncTrigger } from './summary';
import type { SyncPorts } from './syncPorts';
import { addExecution, emptyTally, summaryOf, type RunTally } from './tally';

export type { SyncPorts } from './syncPorts';

/** Runs `work`; on failure adds the note (what, and why) to the notes. True when it worked. */
function attempt(notes: string[], note: RunNote, work: () => void): boolean {
  try {
    work();
    return true;
  } catch (error) {
    notes.push(runNoteText(note, describe(error)));
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
  notify = true,
): SyncSummary {
  let summary = build(notes);
  if (summary.outcome !== 'continuing') {
    const saved = attempt(notes, 'last-run-not-saved', () => ports.lastRun.save(summary));
    summary = build(notes);
    const logged = attempt(notes, 'log-not-updated', () => ports.log.append(summary));
    if (!logged) {
      summary = build(notes);
      if (saved) quietly(() => ports.lastRun.save(summary));
    }
  }
  if (notify) notifyIfUnattended(ports, trigger, summary);
  return summary;
}

function withNotes(message: string, notes: string[]): string {
  return notes.length > 0 ? `${message} (${notes.join('; ')})` : message;
}

/**
 * Closes a run without running it: its log row, last run and, if unattended and `notify`,
 * the e-mail.
 */
function closeRun(
  ports: SyncPorts,
  trigger: SyncTrigger,
  run: { startedAt: number; trigger: SyncTrigger; tally: RunTally },
  message: string,
  notify = true,
): SyncSummary {
  return recordRun(
    ports,
    trigger,
    (notes) => summaryOf(run.tally, run, 'failed', withNotes(message, notes)),
    [],
    notify,
  );
}

/** The tab the settings lead to now; null when there is none (the execution says so). */
function currentTab(ports: SyncPorts): string | null {
  try {
    return ports.sheet.tabName();
  } catch {
    return null;
  }
}

/** The Keap account the connection reaches now; null when it does not say (or cannot be read). */
function currentAccount(ports: SyncPorts): string | null {
  try {
    return ports.keapAccount?.() ?? null;
  } catch {
    return null;
  }
}

/**
 * The run to continue, or null: the checkpoint alone decides (whichever trigger fired). A
 * checkpoint older than a day is from a run that broke off: it is closed and dropped. So is
 * one of another Keap account or another tab (checkpoint.ts changeSince): its counts describe
 * other contacts or rows, so it ends with its own log row (no e-mail: nothing is wrong, and a
 * new run takes over in this execution).
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
  if (isStale(checkpoint, startedAt, limits.staleCheckpointMs)) {
    closeRun(ports, trigger, checkpoint, STALE_MESSAGE);
    quietly(() => ports.checkpoint.clear());
    return null;
  }
  const change = changeSince(checkpoint, {
    account: currentAccount(ports),
    sheetName: currentTab(ports),
  });
  if (change !== null) {
    closeRun(ports, trigger, checkpoint, runEndedByChange(change), false);
    quietly(() => ports.checkpoint.clear(checkpoint.runId));
    return null;
  }
  return checkpoint;
}

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
  const where = { timeZone: 'UTC', locale: 'en-US' };
  if (next.kind === 'hourly') {
    quietly(() => (where.timeZone = ports.timeZone?.() ?? 'UTC'));
    quietly(() => (where.locale = ports.locale?.() ?? 'en-US'));
  }
  return restContinues(next, where);
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
      leaseFailureMessage(describe(error)),
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

/** Margin after Keap's reset before a follow-up fires, for clocks that differ a little. */
const AFTER_RESET_MS = 60_000;

/**
 * A person asked for a sync while the run waits for Keap's daily limit: nothing is sent (the
 * limit is spent until the reset), nothing is logged again; the answer says when it continues.
 */
function stillWaiting(ports: SyncPorts, run: RunCheckpoint, waitUntil: number): SyncSummary {
  const where = { timeZone: ports.timeZone?.() ?? 'UTC', locale: ports.locale?.() ?? 'en-US' };
  const when = formatMoment(waitUntil, where, ports.clock.now());
  return {
    ...summaryOf(run.tally, run, 'daily-limit', stillWaitingMessage(when)),
    continuesAt: new Date(waitUntil).toISOString(),
  };
}

function runHoldingLease(
  trigger: SyncTrigger,
  ports: SyncPorts,
  limits: SyncLimits,
  startedAt: number,
): SyncSummary {
  const resumed = resumableRun(ports, trigger, startedAt, limits);
  if (resumed && isWaitingForKeap(resumed, startedAt)) {
    return stillWaiting(ports, resumed, resumed.waitUntil as number);
  }
  const run: RunCheckpoint = resumed ?? {
    startedAt,
    runId: uniqueId(startedAt),
    trigger,
    executions: 0,
    tally: emptyTally(),
    savedAt: startedAt,
  };
  delete run.waitUntil;
  const report = new Execution(ports, run.runId, run.executions === 0, limits).run();
  const notes = [...report.notes];
  const tally = addExecution(run.tally, report.tally);

  let outcome: SyncOutcome;
  let message: string;
  const waitUntil = report.dailyLimit?.resetsAt;
  /** Why a continuing run stopped early (a passing Google error), said after when it continues. */
  let cutShort = '';
  if (report.dailyLimit && report.workLeft) {
    // Keap's daily limit: what was done is kept; the run continues after the reset.
    outcome = 'daily-limit';
    message = dailyLimitMessage(tally, report.dailyLimit.rowsWaiting, report.dailyLimit.when);
  } else if (report.stop?.transient && run.executions + 1 <= limits.maxContinuations) {
    // Google failed for a moment: what was done is kept, and the next run carries on.
    outcome = 'continuing';
    cutShort = ` (${report.stop.message})`;
    message = `${continuingMessage(tally)}${cutShort}`;
  } else if (report.stop) {
    ({ outcome, message } = report.stop);
  } else if (report.workLeft && run.executions + 1 > limits.maxContinuations) {
    outcome = 'failed';
    message = tooManyContinuationsMessage(limits.maxContinuations);
  } else if (report.workLeft) {
    outcome = 'continuing';
    message = continuingMessage(tally);
  } else {
    outcome = 'completed';
    message = completedMessage(tally);
  }

  const waits = outcome === 'daily-limit';
  /** When the run's next execution is due, once one is arranged. */
  let nextPartAt: number | null = null;
  if (outcome === 'continuing' || waits) {
    const next: RunCheckpoint = {
      ...run,
      executions: run.executions + 1,
      tally,
      savedAt: ports.clock.now(),
      ...(waits ? { waitUntil } : {}),
      account: report.account ?? run.account ?? null,
      sheetName: currentTab(ports) ?? run.sheetName,
    };
    try {
      ports.checkpoint.save(next);
    } catch (error) {
      outcome = 'failed';
      message = checkpointNotSavedMessage(describe(error));
    }
    // A run with work left gets its continuation arranged (triggers.ts: the recurring trigger,
    // or a carrier when the daily sync is off). One that waits for Keap's daily limit asks for
    // its quick follow-up just after the reset; firings before it return at once.
    const delayMs = waits
      ? (waitUntil as number) + AFTER_RESET_MS - ports.clock.now()
      : limits.continuationDelayMs;
    if (outcome === 'continuing' || outcome === 'daily-limit') {
      let arranged: NextExecution | null = null;
      quietly(() => {
        arranged = ports.continuation.schedule(delayMs, run.runId) ?? null;
      });
      const made = arranged as NextExecution | null;
      if (made !== null && (made.kind === 'soon' || made.kind === 'hourly')) nextPartAt = made.at;
      // Said as it was arranged: "in a few minutes" only when a quick follow-up was made.
      const rest =
        arranged === null || outcome !== 'continuing' ? null : whenRestContinues(ports, arranged);
      if (rest !== null) message = `${continuingMessage(tally, rest)}${cutShort}`;
    }
  }
  if (outcome !== 'continuing' && outcome !== 'daily-limit') {
    const cleared = attempt(notes, 'checkpoint-not-cleared', () =>
      ports.checkpoint.clear(run.runId),
    );
    // A checkpoint left behind is closed by the next firing: the trigger that fires stays.
    if (cleared) quietly(() => ports.continuation.finish());
  }
  // Every sidebar learns when the next part is due (progress.ts), or that the run is over.
  // A run that goes on (a daily-limit stop too) keeps its record, so its rest counts on from it.
  // One that waits for Keap's daily limit names the reset, once a trigger will continue it.
  const goesOn = outcome === 'continuing' || outcome === 'daily-limit';
  const afterReset = outcome === 'daily-limit' && nextPartAt !== null;
  const partAt = outcome === 'continuing' ? nextPartAt : afterReset ? (waitUntil as number) : null;
  quietly(() => ports.progress?.end(partAt, goesOn, afterReset));
  // A failed run (a Google service error, Keap down) leaves its slot open: the next hourly
  // firing tries again, up to the slot's attempts.
  if (outcome !== 'failed') quietly(() => ports.continuation.slotStarted?.());
  const final = outcome;
  const continuesAt =
    final === 'daily-limit' ? { continuesAt: new Date(waitUntil as number).toISOString() } : {};
  return recordRun(
    ports,
    trigger,
    (all) => ({ ...summaryOf(tally, run, final, withNotes(message, all)), ...continuesAt }),
    notes,
  );
}
