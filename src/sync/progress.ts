/**
 * How far a running sync has got, for every sidebar open on the spreadsheet (whoever started
 * the run: the person, the menu, the daily trigger, another person). One record per
 * spreadsheet in script properties (every user of the script reads them, like the lease),
 * written once when an execution knows its work and once after each chunk: never per row.
 *
 * The record names the lease of the execution that wrote it, so it is read as "running" only
 * while that very execution holds the lease: a killed execution's record (its lease expired)
 * or one left by an earlier run is never shown as progress. Between two executions of a run
 * it says when the next part is due, until a little after that moment.
 */
import { readJson, type Clock, type KeyValueStore } from './ports';
import type { LeaseRecord } from './lease';
import { SYNC_LIMITS } from './budget';
import { NO_NEXT_PART_NOTE } from './statusText';

export interface ProgressRecord {
  runId: string;
  /** Owner id of the lease held by the execution that wrote this. */
  lease: string;
  /** Rows the run has answered (earlier executions included). */
  rowsDone: number;
  /** Rows the run answers in all (earlier executions included). */
  rowsToDo: number;
  /** Epoch ms this execution started, and the rows done when it started. */
  executionStartedAt: number;
  rowsDoneAtStart: number;
  /**
   * This execution's first advance (epoch ms, rows done then): the rate is measured from it,
   * since the time before it also holds the start (the sheet read, the first chunk's reads).
   */
  firstAdvanceAt?: number;
  rowsAtFirstAdvance?: number;
  /** Epoch ms of this write. */
  updatedAt: number;
  /** Set once the execution ended with work left: epoch ms the next part is due. */
  nextAt?: number | null;
  /** The next part waits for Keap's daily limit to reset: `nextAt` is the reset. */
  afterKeapReset?: boolean;
}

/** What the sidebar is told (plain JSON). */
export type SyncProgressView =
  | {
      state: 'running';
      rowsDone: number;
      rowsToDo: number;
      /** Rows done since this execution's first advance, and in how many ms: the rate. */
      rowsThisPart: number;
      msThisPart: number;
      /** ms since the record was written (the estimate counts from then). */
      msSinceUpdate: number;
      /**
       * ms until this execution sends no more rows to Keap (its Keap deadline), or null when
       * unknown: rows left beyond it wait for a later part (a follow-up, maybe an hour away).
       */
      msLeftInPart?: number | null;
    }
  | {
      state: 'next-part';
      rowsDone: number;
      rowsToDo: number;
      nextAt: string;
      /** It starts after Keap's daily limit resets, at `nextAt` (maybe hours away). */
      afterKeapReset?: boolean;
      /**
       * The run is another person's: whether a trigger of theirs still carries it cannot be
       * read by this viewer (Apps Script lists a user's own triggers only), so the wait for
       * Keap's reset is told as conditional on their schedule, not promised.
       */
      carrierUnknown?: boolean;
    };

/** After the next part was due, it is still said for this long (a firing can be late). */
export const NEXT_PART_GRACE_MS = 10 * 60_000;

/**
 * A next part further ahead than this is not believed (a follow-up is at most about an hour
 * away; a record naming a later time is an older version's or a hand-edited one).
 */
export const MAX_NEXT_PART_AHEAD_MS = 2 * 60 * 60_000;

/**
 * A run that waits for Keap's daily limit continues after the reset, at most a day away
 * (src/keap/dailyQuota.ts ignores a reset further ahead); a later one is not believed.
 */
export const MAX_KEAP_RESET_AHEAD_MS = 25 * 60 * 60_000;

export function progressKey(spreadsheetId: string): string {
  return `keapSync.progress.${spreadsheetId}`;
}

/** What an execution of the sync writes (runSync.ts, execution.ts). */
export interface ProgressPort {
  /**
   * This execution's work is known: `rowsToDo` rows the run answers in all (as its summary
   * counts them), `rowsDone` of them answered already as it starts (by earlier parts, or
   * without a call to Keap).
   */
  begin(runId: string, rowsToDo: number, rowsDone?: number): void;
  /**
   * `rowsDone` more rows of this execution are answered by Keap: the sync's progress. Their
   * statuses are written with them when the sheet lets it; a chunk whose status write failed
   * still counts (its statuses follow in the run's final write), so "rows done" may run up to
   * a chunk ahead of the statuses in the sheet.
   */
  advance(rowsDone: number): void;
  /**
   * The execution ends: the next part is due at `nextAt`, or (null) the run is over, unless
   * `runGoesOn` (no next part known, e.g. nothing will continue it by itself): its record
   * then stays, not shown. `afterKeapReset`: the run waits for Keap's daily limit, and
   * `nextAt` is the reset.
   */
  end(nextAt: number | null, runGoesOn?: boolean, afterKeapReset?: boolean): void;
}

export class PropertiesProgress implements ProgressPort {
  private record: ProgressRecord | null = null;
  private readonly startedAt: number;

  constructor(
    private readonly store: KeyValueStore,
    private readonly spreadsheetId: string,
    private readonly clock: Clock,
    /** The lease this execution holds (its owner id). */
    private readonly leaseOwner: () => string,
  ) {
    this.startedAt = clock.now();
  }

  private save(record: ProgressRecord): void {
    this.record = record;
    this.store.setProperty(progressKey(this.spreadsheetId), JSON.stringify(record));
  }

  begin(runId: string, rowsToDo: number, rowsDone = 0): void {
    // Counted from the sheet as this execution read it (the truth: its records and the run's
    // checkpoint), never chained from an earlier record, which a killed execution or a stop
    // for Keap's daily limit leaves behind or takes away.
    const toDo = Math.max(0, rowsToDo);
    const done = Math.max(0, Math.min(rowsDone, toDo));
    this.save({
      runId,
      lease: this.leaseOwner(),
      rowsDone: done,
      rowsToDo: toDo,
      executionStartedAt: this.startedAt,
      rowsDoneAtStart: done,
      updatedAt: this.clock.now(),
    });
  }

  advance(rowsDone: number): void {
    if (!this.record || rowsDone <= 0) return;
    const done = Math.min(this.record.rowsDone + rowsDone, this.record.rowsToDo);
    const now = this.clock.now();
    const first =
      this.record.firstAdvanceAt === undefined
        ? { firstAdvanceAt: now, rowsAtFirstAdvance: done }
        : {};
    this.save({ ...this.record, ...first, rowsDone: done, updatedAt: now });
  }

  end(nextAt: number | null, runGoesOn = false, afterKeapReset = false): void {
    if ((nextAt !== null || runGoesOn) && this.record) {
      const { afterKeapReset: _before, ...record } = this.record;
      const waits = afterKeapReset && nextAt !== null ? { afterKeapReset: true } : {};
      this.save({ ...record, updatedAt: this.clock.now(), nextAt, ...waits });
      return;
    }
    this.record = null;
    this.store.deleteProperty(progressKey(this.spreadsheetId));
  }
}

/**
 * The progress to show now: the running execution's, only while the execution that wrote it
 * holds the lease; the next part's time, only while no execution runs and until a little
 * after it was due. Null otherwise.
 */
export function progressView(
  record: ProgressRecord | null,
  holder: LeaseRecord | null,
  now: number,
  lastRun: LastRunSeen | null = null,
): SyncProgressView | null {
  if (!record || !(record.rowsToDo > 0)) return null;
  const rowsDone = Math.max(0, Math.min(record.rowsDone, record.rowsToDo));
  if (holder !== null) {
    if (holder.owner !== record.lease || record.nextAt) return null;
    return {
      state: 'running',
      rowsDone,
      rowsToDo: record.rowsToDo,
      rowsThisPart: Math.max(0, rowsDone - (record.rowsAtFirstAdvance ?? rowsDone)),
      msThisPart: Math.max(0, record.updatedAt - (record.firstAdvanceAt ?? record.updatedAt)),
      msSinceUpdate: Math.max(0, now - record.updatedAt),
      msLeftInPart:
        typeof record.executionStartedAt === 'number' && Number.isFinite(record.executionStartedAt)
          ? Math.max(0, record.executionStartedAt + SYNC_LIMITS.keapDeadlineAfterMs - now)
          : null,
    };
  }
  if (completedSince(record, lastRun)) return null;
  const afterKeapReset = record.afterKeapReset === true;
  const aheadAtMost = afterKeapReset ? MAX_KEAP_RESET_AHEAD_MS : MAX_NEXT_PART_AHEAD_MS;
  if (
    typeof record.nextAt === 'number' &&
    now < record.nextAt + NEXT_PART_GRACE_MS &&
    record.nextAt <= now + aheadAtMost
  ) {
    return {
      state: 'next-part',
      rowsDone,
      rowsToDo: record.rowsToDo,
      nextAt: new Date(record.nextAt).toISOString(),
      ...(afterKeapReset ? { afterKeapReset } : {}),
    };
  }
  return null;
}

/** The last run as the spreadsheet's records keep it (src/sync/summary.ts SyncSummary). */
export interface LastRunSeen {
  outcome: string;
  /** ISO 8601: the run's start (its first execution's), as its summary says. */
  startedAt: string;
}

/** The start of the run a record is about: its id begins with it (ports.ts uniqueId). */
export function runStartOf(runId: string): number | null {
  const head = /^([0-9a-z]+)-/.exec(String(runId));
  if (!head) return null;
  const at = parseInt(head[1], 36);
  return Number.isFinite(at) ? at : null;
}

/**
 * The record's run, or a later one, has completed: a follow-up that finished the run but
 * could not write or delete the record (a property server error) leaves its next part
 * behind, and no next part comes.
 */
function completedSince(record: ProgressRecord, lastRun: LastRunSeen | null): boolean {
  if (lastRun?.outcome !== 'completed') return false;
  const runStart = runStartOf(record.runId);
  const lastStart = Date.parse(lastRun.startedAt);
  return runStart !== null && Number.isFinite(lastStart) && lastStart >= runStart;
}

/**
 * The starter's sidebar found a live carrier for the run waiting for Keap's reset (Keap
 * connected again, its trigger given back): the next part a Disconnect withdrew (or an end
 * that found nothing to carry the run left out) is said again, for every sidebar.
 */
export function renewNextPart(
  store: KeyValueStore,
  spreadsheetId: string,
  runId: string,
  resetAt: number,
): void {
  const key = progressKey(spreadsheetId);
  const record = readJson<ProgressRecord>(store, key);
  if (!record || record.runId !== runId || typeof record.nextAt === 'number') return;
  store.setProperty(key, JSON.stringify({ ...record, nextAt: resetAt, afterKeapReset: true }));
}

/**
 * The last run as shown: a daily-limit stop of the record's run whose next part is withdrawn
 * (`nextAt` null) says that nothing continues it by itself.
 */
export function lastRunWithoutNextPart<T extends LastRunSeen & { message: string }>(
  lastRun: T | null,
  record: ProgressRecord | null,
): T | null {
  if (lastRun?.outcome !== 'daily-limit' || !record || record.nextAt !== null) return lastRun;
  if (runStartOf(record.runId) !== Date.parse(lastRun.startedAt)) return lastRun;
  return { ...lastRun, message: `${lastRun.message} ${NO_NEXT_PART_NOTE}` };
}

/**
 * Nothing continues the run by itself any more (its starter disconnected Keap): its record
 * keeps the rows done but no next part, so no sidebar promises one (a later part, once Keap
 * is connected again, writes a new record). Only the record of `runId` is changed.
 */
export function withdrawNextPart(store: KeyValueStore, spreadsheetId: string, runId: string): void {
  const key = progressKey(spreadsheetId);
  const record = readJson<ProgressRecord>(store, key);
  if (!record || record.runId !== runId || record.nextAt === null || record.nextAt === undefined)
    return;
  const { afterKeapReset: _waits, ...rest } = record;
  store.setProperty(key, JSON.stringify({ ...rest, nextAt: null }));
}
