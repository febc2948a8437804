/**
 * One execution of the sync, with every service behind a port so it runs against
 * in-memory fakes in tests:
 * lease -> read the sheet once -> chunks of contacts against Keap until the time budget is
 * spent -> statuses written in blocks where their rows are now -> state -> checkpoint and
 * follow-up, or the log row of the finished run.
 */
import { KeapAccessError, KeapUnavailableError, type KeapGateway } from '../keap/model';
import { SheetSetupError, type ContactSheetPort } from '../sheet/contactSheet';
import { matchHeaders } from '../sheet/headers';
import type { SyncLogPort } from '../sheet/logTab';
import { parseRow } from '../sheet/rowParsing';
import type { SyncState, StateRecord, SyncStatePort } from '../sheet/stateTab';
import { planStatusWrites, type PendingStatus } from '../sheet/statusPlacement';
import { chunk, executionBudget, SYNC_LIMITS, type SyncLimits } from './budget';
import type { CheckpointPort, RunCheckpoint } from './checkpoint';
import { syncChunk } from './chunkSync';
import type { UnitResult } from './plan';
import type { Clock } from './ports';
import type { SyncSettings } from './settings';
import { errorStatus, unitStatus } from './statusText';
import type { SyncOutcome, SyncSummary, SyncTrigger } from './summary';
import {
  addExecution,
  BUSY_MESSAGE,
  completedMessage,
  continuingMessage,
  emptyTally,
  MAX_ERROR_ROWS,
  summaryOf,
  type RunTally,
} from './tally';
import { buildWorklist, type Worklist } from './worklist';

export interface SyncPorts {
  clock: Clock;
  settings: SyncSettings;
  sheet: ContactSheetPort;
  state: SyncStatePort;
  log: SyncLogPort;
  lease: { acquire(): boolean; release(): void };
  checkpoint: CheckpointPort;
  /** The follow-up trigger: schedule one, or end the chain (and restore the daily trigger). */
  continuation: { schedule(delayMs: number): void; finish(): void };
  lastRun: { save(summary: SyncSummary): void };
  /** Opened only when some row needs Keap. Throws KeapAccessError when there is no connection. */
  openGateway(deadline: number): KeapGateway;
  /** E-mails the owner of an unattended run that needs them (at most daily per kind). */
  notifyOwner?(kind: string, subject: string, body: string): void;
  defaultReason?: string;
}

interface Stop {
  outcome: Extract<SyncOutcome, 'needs-reconnect' | 'failed'>;
  message: string;
}

interface ExecutionReport {
  tally: RunTally;
  /** Rows remain that this execution did not reach (or whose writes were not sent in time). */
  workLeft: boolean;
  stop: Stop | null;
  notes: string[];
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Plain words for why an execution stopped early. */
export function stopFor(error: unknown): Stop {
  if (error instanceof KeapAccessError) {
    return {
      outcome: 'needs-reconnect',
      message: `Keap needs to be reconnected (${error.reason}). Open Keap Sheets Sync from the Extensions menu and connect again; rows not yet synced are synced after that.`,
    };
  }
  if (error instanceof KeapUnavailableError) {
    return {
      outcome: 'failed',
      message: `Keap did not respond (${error.message}). Rows not yet synced are tried again on the next run.`,
    };
  }
  if (error instanceof SheetSetupError) return { outcome: 'failed', message: error.message };
  return { outcome: 'failed', message: `The sync stopped unexpectedly: ${describe(error)}` };
}

class Execution {
  private readonly tally = emptyTally();
  private readonly pending: PendingStatus[] = [];
  /** State to record per contact once all its rows' statuses are placed. */
  private readonly records = new Map<number, { record: StateRecord; statuses: PendingStatus[] }>();
  private readonly notes: string[] = [];
  private gateway: KeapGateway | null = null;
  private state: SyncState | null = null;
  private worklist: Worklist | null = null;
  private workLeft = false;
  private stop: Stop | null = null;

  constructor(
    private readonly ports: SyncPorts,
    private readonly runId: string,
    private readonly firstOfRun: boolean,
    private readonly limits: SyncLimits,
  ) {}

  run(): ExecutionReport {
    const startedAt = this.ports.clock.now();
    try {
      this.syncRows(startedAt);
    } catch (error) {
      this.stop = stopFor(error);
    }
    try {
      this.writeBack();
    } catch (error) {
      this.stop ??= stopFor(error);
      this.notes.push(`The statuses could not all be written: ${describe(error)}`);
    }
    if (this.gateway) {
      const counts = this.gateway.counts();
      this.tally.keapRequests = counts.reads + counts.writes + counts.token;
    }
    this.tally.durationMs = this.ports.clock.now() - startedAt;
    return { tally: this.tally, workLeft: this.workLeft, stop: this.stop, notes: this.notes };
  }

  private syncRows(startedAt: number): void {
    const { sheet, settings } = this.ports;
    const values = sheet.readValues();
    const header = matchHeaders(values[0] ?? [], settings.headers, () => sheet.tabName());
    if (!header.ok) throw new SheetSetupError(header.error);
    const rows = values.slice(1).map((cells, i) => parseRow(cells, i + 2, header.columns));
    this.state = this.ports.state.read();
    const worklist = buildWorklist(rows, this.state, this.runId);
    this.worklist = worklist;
    this.tally.rowsSeen = worklist.rowsSeen;

    // An error the row already shows is not written again: an unchanged sheet costs no write.
    const statusColumn = header.columns.syncStatus;
    for (const issue of worklist.issues) {
      const status = errorStatus(issue.message);
      const shown = statusColumn === null ? '' : values[issue.row - 1][statusColumn - 1];
      if (shown !== status) {
        this.pending.push({ row: issue.row, key: issue.key, status, syncedAt: null });
      }
    }
    // Rows with errors and unchanged rows are counted once per run, by its first execution.
    if (this.firstOfRun) {
      this.countErrors([...worklist.issues, ...worklist.knownErrorRows].map((issue) => issue.row));
      this.tally.unchanged += worklist.skippedRows.length;
    }

    const budget = executionBudget(startedAt, this.limits);
    const chunks = chunk(worklist.units, this.limits.chunkSize);
    for (let done = 0; done < chunks.length; done++) {
      if (!budget.mayStartChunk(this.ports.clock.now(), done)) {
        this.workLeft = true;
        return;
      }
      this.gateway ??= this.ports.openGateway(budget.keapDeadline);
      const results = syncChunk(this.gateway, chunks[done], this.ports.defaultReason);
      results.forEach((result) => this.account(result));
    }
  }

  private countErrors(rows: number[]): void {
    this.tally.errors += rows.length;
    this.tally.errorRows = [...this.tally.errorRows, ...rows]
      .sort((a, b) => a - b)
      .slice(0, MAX_ERROR_ROWS);
  }

  private account(result: UnitResult): void {
    const { unit } = result.plan;
    if (result.emailChangedTo !== null) this.tally.emailsUpdated += 1;
    if (result.optedOut) this.tally.optedOut += 1;
    const status = unitStatus(result);
    if (status === null) {
      this.workLeft = true;
      return;
    }
    const failure = result.failure;
    if (failure?.kind === 'error') this.countErrors(unit.rows.map((r) => r.row));
    else if (failure?.kind === 'retry') this.tally.retrying += unit.rows.length;
    else if (result.emailChangedTo === null && !result.optedOut)
      this.tally.unchanged += unit.rows.length;

    const now = this.ports.clock.now();
    const syncedAt = failure === null ? new Date(now) : null;
    const statuses = unit.rows.map((ref) => ({ row: ref.row, key: ref.key, status, syncedAt }));
    this.pending.push(...statuses);
    const outcome = failure === null ? 'ok' : failure.kind === 'retry' ? 'retry' : 'error';
    this.records.set(unit.contactId, {
      record: { fingerprint: unit.fingerprint, syncedAt: now, result: outcome, run: this.runId },
      statuses,
    });
  }

  /** Statuses first, then the state: a state saved without its statuses would hide those rows. */
  private writeBack(): void {
    let placed = new Set<PendingStatus>();
    if (this.pending.length > 0) {
      const current = this.ports.sheet.readValues();
      const plan = planStatusWrites(this.pending, current, this.ports.settings.headers);
      plan.blocks.forEach((block) => this.ports.sheet.writeBlock(block));
      placed = plan.placed;
    }
    if (!this.state) return;
    let changed = false;
    for (const [contactId, { record, statuses }] of this.records) {
      if (!statuses.every((status) => placed.has(status))) continue;
      this.state.set(contactId, record);
      changed = true;
    }
    const finished = !this.workLeft && this.stop === null && this.worklist !== null;
    if (finished && this.worklist) {
      for (const contactId of [...this.state.keys()]) {
        if (this.worklist.contactIds.has(contactId)) continue;
        this.state.delete(contactId);
        changed = true;
      }
    }
    if (changed) this.ports.state.write(this.state);
  }
}

/** Unique per run, also when two runs start in the same millisecond. */
export function newRunId(startedAt: number): string {
  return `${startedAt.toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

function attempt(notes: string[], what: string, work: () => void): void {
  try {
    work();
  } catch (error) {
    notes.push(`${what}: ${describe(error)}`);
  }
}

const STALE_MESSAGE =
  'This sync stopped before finishing: its follow-up run never came. The next run syncs the remaining rows.';

/** Closes a run whose follow-up never came, so the log still shows it. */
function closeStaleRun(ports: SyncPorts, checkpoint: RunCheckpoint, notes: string[]): void {
  const summary = summaryOf(checkpoint.tally, checkpoint, 'failed', STALE_MESSAGE);
  attempt(notes, 'The log tab could not be updated', () => ports.log.append(summary));
  attempt(notes, 'The last run could not be saved', () => ports.lastRun.save(summary));
  ports.checkpoint.clear();
}

function notifyIfUnattended(ports: SyncPorts, trigger: SyncTrigger, summary: SyncSummary): void {
  const unattended = trigger === 'daily' || trigger === 'continuation';
  if (!unattended || !ports.notifyOwner) return;
  if (summary.outcome !== 'needs-reconnect' && summary.outcome !== 'failed') return;
  const kind = summary.outcome === 'needs-reconnect' ? 'needs-reconnect' : 'sync-failed';
  const subject =
    summary.outcome === 'needs-reconnect'
      ? 'Keap Sheets Sync: reconnect Keap'
      : 'Keap Sheets Sync: the daily sync did not finish';
  try {
    ports.notifyOwner(kind, subject, summary.message);
  } catch {
    // The log tab already holds the failure; a failed e-mail must not hide it.
  }
}

/** Runs one execution of the sync and returns the run's summary so far (or its end). */
export function runSyncWith(
  trigger: SyncTrigger,
  ports: SyncPorts,
  limits: SyncLimits = SYNC_LIMITS,
): SyncSummary {
  const startedAt = ports.clock.now();
  if (!ports.lease.acquire()) {
    // A follow-up that finds the sheet busy must not end its chain (it removed its own trigger).
    if (trigger === 'continuation') {
      try {
        ports.continuation.schedule(limits.continuationDelayMs);
      } catch {
        // The running execution schedules or finishes the chain itself.
      }
    }
    return summaryOf(emptyTally(), { startedAt, trigger }, 'busy', BUSY_MESSAGE);
  }
  try {
    const notes: string[] = [];
    let checkpoint = ports.checkpoint.load();
    if (checkpoint && startedAt - checkpoint.savedAt > limits.staleCheckpointMs) {
      closeStaleRun(ports, checkpoint, notes);
      checkpoint = null;
    }
    const run: RunCheckpoint = checkpoint ?? {
      startedAt,
      runId: newRunId(startedAt),
      trigger,
      executions: 0,
      tally: emptyTally(),
      savedAt: startedAt,
    };
    const report = new Execution(ports, run.runId, run.executions === 0, limits).run();
    notes.push(...report.notes);
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
        ports.continuation.schedule(limits.continuationDelayMs);
      } catch (error) {
        outcome = 'failed';
        message = `The sync could not schedule its follow-up run (${describe(error)}). The next run syncs the remaining rows.`;
      }
    }
    if (outcome !== 'continuing') {
      attempt(notes, 'The checkpoint could not be cleared', () => ports.checkpoint.clear());
      attempt(notes, 'The daily trigger could not be restored', () => ports.continuation.finish());
    }
    const fullMessage = notes.length > 0 ? `${message} (${notes.join('; ')})` : message;
    const summary = summaryOf(tally, run, outcome, fullMessage);
    if (outcome !== 'continuing') {
      attempt(notes, 'The log tab could not be updated', () => ports.log.append(summary));
      attempt(notes, 'The last run could not be saved', () => ports.lastRun.save(summary));
    }
    notifyIfUnattended(ports, trigger, summary);
    return summary;
  } finally {
    ports.lease.release();
  }
}
