/**
 * One execution of a run: read the sheet once, chunks of contacts against Keap until the
 * time budget is spent, then the statuses and records written in blocks where their rows
 * are now (checked once after writing).
 */
import { accountLabel } from '../connection/keapAccount';
import {
  KeapAccessError,
  KeapDailyLimitError,
  KeapUnavailableError,
  type KeapGateway,
} from '../keap/model';
import { isBlankCell } from '../sheet/cells';
import { misplacedRecords } from '../sheet/recordAlignment';
import type { SheetRead } from '../sheet/sheetRead';
import { recordCell, type StateRecord, type SyncState } from '../sheet/syncRecord';
import { planStatusWrites, type PendingStatus } from '../sheet/statusPlacement';
import { repairStatusWrites } from '../sheet/statusRepair';
import { chunk, executionBudget, rowsBetweenStatusWrites, type SyncLimits } from './budget';
import { ChunkPipeline } from './chunkSync';
import { readContactsTable } from './contactsTable';
import { formatIsoDay } from './dailyTime';
import { formatDay, formatMoment, type Where } from './dateText';
import type { EmailWorkResult } from './emailRowSync';
import { ExecutionExtras } from './executionExtras';
import { changesContact, recordResultOf, type UnitResult } from './plan';
import type { SyncPorts } from './syncPorts';
import { nextTryAt, triesAfter } from './rowRetry';
import {
  dailyLimitStatus,
  errorStatus,
  inAccount,
  KEAP_BUSY,
  keapTroubleSentence,
  OLD_TAB_KEPT_NOTE,
  optOutNotSentStatus,
  runNoteText,
  UP_TO_DATE,
  unitStatus,
  unreachedRowStatus,
  withNextTry,
} from './statusText';
import { describe, stopFor, type Stop } from './stopWords';
import { emptyTally, MAX_ERROR_ROWS, type RunTally } from './tally';
import { recordFor, type RecordScope, type SkippedRow, type WorkUnit } from './worklist';

/** The label of `current` when the records name other Keap accounts too, else null. */
export function namedAccount(state: SyncState, current: string | null): string | null {
  if (current === null) return null;
  for (const record of state.values()) {
    if (record.account !== undefined && record.account !== current) return accountLabel(current);
  }
  return null;
}

export interface ExecutionReport {
  tally: RunTally;
  /** Rows remain that this execution did not reach (or whose writes were not sent in time). */
  workLeft: boolean;
  stop: Stop | null;
  /** Keap's daily request limit stopped the execution; the run waits for its reset. */
  dailyLimit: DailyLimitStop | null;
  notes: string[];
  /** The Keap account this execution's records describe (null: the connection did not say). */
  account: string | null;
}

export interface DailyLimitStop {
  /** Epoch ms of the reset (00:00 UTC). */
  resetsAt: number;
  /** The reset as people read it, in the spreadsheet's time zone. */
  when: string;
  /** Rows the run continues with after the reset. */
  rowsWaiting: number;
}

export class Execution {
  private readonly tally = emptyTally();
  private readonly pending: PendingStatus[] = [];
  private readonly notes: string[] = [];
  private gateway: KeapGateway | null = null;
  private workLeft = false;
  private stop: Stop | null = null;
  private dailyLimit: DailyLimitStop | null = null;
  /** The contacts to sync, and those whose rows got their status (with or without a record). */
  private units: readonly WorkUnit[] = [];
  private readonly answered = new Set<WorkUnit>();
  /** Answered with the part done so far (email changed, opt-out still to send). */
  private readonly unfinished = new Set<WorkUnit>();
  /** Record cells the first read found beside other contacts' rows (recordAlignment.ts). */
  private recordsMisplaced = false;
  /** Records of the old state tab, still to be written into the record column. */
  private oldRecords: SyncState = new Map();
  /** A row's Sync Status as this execution first read it. */
  private shown: (row: number) => unknown = () => '';
  /**
   * The sheet as this execution last read it (first, then before each write), with what was
   * worked out from it: the next read works out only what differs (sheetRead.ts), as a rule
   * the records the write put in.
   */
  private lastRead: SheetRead | null = null;
  /** The records as this execution first read them, and whose records count. */
  private state: SyncState = new Map();
  private scope: RecordScope;
  /** The Keap account's name when more than one account has synced this sheet, else null. */
  private accountNamed: string | null = null;
  /** Rows without a Contact ID and the Keap Email Status column (executionExtras.ts). */
  private extras: ExecutionExtras | null = null;

  constructor(
    private readonly ports: SyncPorts,
    private readonly runId: string,
    private readonly firstOfRun: boolean,
    private readonly limits: SyncLimits,
  ) {
    this.scope = { runId, account: null, now: 0 };
  }

  run(): ExecutionReport {
    const startedAt = this.ports.clock.now();
    try {
      this.syncRows(startedAt);
    } catch (error) {
      if (error instanceof KeapDailyLimitError) this.waitForDailyLimit(error.resetsAt);
      else {
        this.stop = stopFor(error);
        if (error instanceof KeapUnavailableError) {
          this.answerUnreachedRows(keapTroubleSentence(error.failure, error.reading));
        }
      }
    }
    try {
      this.writeBack();
    } catch (error) {
      this.stop ??= stopFor(error);
      this.notes.push(runNoteText('statuses-not-written', describe(error)));
    }
    this.reportProgress();
    if (this.gateway) {
      const counts = this.gateway.counts();
      this.tally.keapRequests = counts.reads + counts.writes + counts.token;
    }
    this.tally.durationMs = this.ports.clock.now() - startedAt;
    return {
      tally: this.tally,
      workLeft: this.workLeft,
      stop: this.stop,
      dailyLimit: this.dailyLimit,
      notes: this.notes,
      account: this.scope.account,
    };
  }

  private syncRows(startedAt: number): void {
    const { sheet, settings } = this.ports;
    const table = readContactsTable(sheet, {
      headers: settings.headers,
      scopeOf: () => ({
        runId: this.runId,
        account: this.ports.keapAccount?.() ?? null,
        now: startedAt,
        timeZone: () => this.zone(),
      }),
      statusesShown: true,
    });
    const { values, columns, rows, read, state, worklist, byEmail, shown } = table;
    this.shown = shown;
    this.lastRead = read;
    this.statusWriteEvery = rowsBetweenStatusWrites(values.length - 1, this.limits);
    this.oldRecords = table.oldRecords;
    this.state = state;
    this.recordsMisplaced = misplacedRecords(values, columns, this.oldRecords, read).size > 0;
    this.scope = table.scope;
    this.accountNamed = namedAccount(state, this.scope.account);
    this.extras = new ExecutionExtras(
      { values, columns, rows, state, shown },
      settings.keapEmailStatus,
      this.ports.keapStatusMarks ?? null,
    );
    const unchangedByEmail = this.extras.prepare(byEmail, table.emailState);
    this.tally.rowsSeen = worklist.rowsSeen + byEmail.rowsSeen;
    this.units = worklist.units;
    this.beginProgress(byEmail.work.reduce((n, work) => n + work.rows.length, 0));
    this.pending.push(
      ...unchangedByEmail.map((p) => ({ ...p, status: this.named(p.status as string) })),
    );

    // An error the row already shows is not written again: an unchanged sheet costs no write.
    for (const issue of [...worklist.issues, ...byEmail.issues]) {
      const status = errorStatus(issue.message);
      if (shown(issue.row) !== status) {
        this.pending.push({ row: issue.row, key: issue.key, status, syncedAt: null });
      }
    }
    this.answerUnchangedRows(worklist.skippedRows, (row) => isBlankCell(shown(row)));
    // Rows with errors and unchanged rows are counted once per run, by its first execution.
    if (this.firstOfRun) {
      const errorRows = [
        worklist.issues,
        worklist.knownErrorRows,
        byEmail.issues,
        byEmail.knownErrorRows,
      ];
      this.countErrors(errorRows.flat().map((issue) => issue.row));
      this.tally.unchanged += worklist.skippedRows.length + byEmail.skippedRows.length;
    }

    // Checked before any chunk: a run with nothing to send still says Keap needs a person.
    const problem = this.ports.connectionProblem?.() ?? null;
    if (problem !== null) throw new KeapAccessError(problem);

    const budget = executionBudget(startedAt, this.limits);
    const chunks = chunk(worklist.units, this.limits.chunkSize);
    let pipeline: ChunkPipeline | null = null;
    try {
      for (let done = 0; done < chunks.length; done++) {
        if (!budget.mayStartChunk(this.ports.clock.now(), done)) {
          this.workLeft = true;
          break;
        }
        this.gateway ??= this.ports.openGateway(budget.keapDeadline);
        pipeline ??= new ChunkPipeline(this.gateway);
        pipeline.push(chunks[done]).forEach((result) => this.account(result));
        // Shown before the next chunk; the last chunk's rows (and those still waiting for a
        // second wave) are written by the execution's last write, in the same blocks.
        if (done < chunks.length - 1) this.showSoFar();
      }
      pipeline?.flush().forEach((result) => this.account(result));
      if (!this.workLeft) this.syncByEmail(budget, chunks.length);
    } catch (error) {
      // What the chunk in the pipeline got done still gets its statuses and state.
      pipeline?.abandon().forEach((result) => this.account(result));
      throw error;
    }
    // Writes the gateway held back for the daily limit came back unsent: the run waits.
    const resetsAt = this.gateway?.dailyLimitResetsAt?.() ?? null;
    if (resetsAt !== null) throw new KeapDailyLimitError(resetsAt);
    // Keap's statuses are read once the run's writes are done, so they show their effect.
    if (!this.workLeft) this.refreshStatusColumn(budget.keapDeadline);
  }

  /** Rows of the units answered so far, and those the progress record already counts. */
  private rowsAnswered = 0;
  private rowsReported = 0;
  /** Rows answered when statuses were last written between chunks. */
  private rowsAnsweredWhenWritten = 0;
  /** Rows answered between two status writes between chunks (budget.ts). */
  private statusWriteEvery = 0;
  /** Statuses already written between chunks. */
  private readonly written: PendingStatus[] = [];

  /**
   * The progress record (progress.ts) learns this execution's work: one write. It counts
   * every row the run answers, as its summary does (rows without a Contact ID too); the rows
   * not sent to Keap in this execution (unchanged, done by an earlier part or a killed
   * execution, errors) are answered at once and count as done from the start.
   */
  private beginProgress(emailRows: number): void {
    const sent = this.units.reduce((n, unit) => n + unit.rows.length, 0) + emailRows;
    const rows = Math.max(this.tally.rowsSeen, sent);
    try {
      this.ports.progress?.begin(this.runId, rows, rows - sent);
    } catch {
      // Progress is for looks: the sync goes on without it.
    }
  }

  /** The progress record counts the rows answered since it was last written (one write). */
  private reportProgress(): void {
    const delta = this.rowsAnswered - this.rowsReported;
    if (delta <= 0) return;
    this.rowsReported = this.rowsAnswered;
    try {
      this.ports.progress?.advance(delta);
    } catch {
      // Progress is for looks: the sync goes on without it.
    }
  }

  /**
   * Between chunks: the statuses so far are written, so people see them on the rows while the
   * sync goes on (the read that checks the write makes Apps Script apply it at once; no
   * SpreadsheetApp.flush needed), then the progress record says how far the run has got.
   * A failed write leaves them pending: the execution's last write tries again. While an old
   * state tab is being moved into the record column, the rows wait for that last write.
   * Either way the rows are answered (by Keap), so the progress counts them: it never stays
   * behind the work for the rest of the execution.
   */
  private showSoFar(): void {
    if (this.rowsAnswered === this.rowsReported) return;
    const due = this.rowsAnswered - this.rowsAnsweredWhenWritten >= this.statusWriteEvery;
    if (this.oldRecords.size === 0 && due) {
      try {
        this.writeBack();
        this.written.push(...this.pending);
        this.pending.length = 0;
        this.recordsMisplaced = false;
        this.rowsAnsweredWhenWritten = this.rowsAnswered;
      } catch {
        // Still pending: the next chunk's write or the execution's last one tries again.
      }
    }
    this.reportProgress();
  }

  private openedGateway(deadline: number): KeapGateway {
    this.gateway ??= this.ports.openGateway(deadline);
    return this.gateway;
  }

  private syncByEmail(budget: ReturnType<typeof executionBudget>, chunksDone: number): void {
    const done = this.extras?.syncByEmail(
      () => this.openedGateway(budget.keapDeadline),
      budget,
      chunksDone,
      this.limits.chunkSize,
      () => this.ports.clock.now(),
      {
        runId: this.runId,
        account: this.scope.account,
        now: () => this.ports.clock.now(),
        day: (epochMs) => this.day(epochMs),
        timeZone: () => this.zone(),
      },
      (result) => this.answerByEmail(result),
      () => this.showSoFar(),
    );
    if (done === false) this.workLeft = true;
  }

  /** A row without a Contact ID: counted and answered like a contact's rows. */
  private answerByEmail(result: EmailWorkResult): void {
    const rows = result.work.rows.map((ref) => ref.row);
    if (result.statuses === null) {
      this.workLeft = true;
      return;
    }
    this.rowsAnswered += rows.length;
    if (result.optedOut) this.tally.optedOut += 1;
    const failure = result.failure;
    if (failure?.kind === 'error') this.countErrors(rows);
    else if (failure?.kind === 'retry') {
      this.tally.retrying += rows.length;
      if (failure.reason === 'unreachable')
        this.tally.unreachable = (this.tally.unreachable ?? 0) + rows.length;
    } else if (!result.optedOut) this.tally.unchanged += rows.length;
    this.pending.push(
      ...result.statuses.map((p) => ({ ...p, status: this.named(p.status as string) })),
    );
  }

  /**
   * The statuses written between chunks count too (their records say when a row was opted
   * out): a row among them whose Keap Email Status changes gets that cell alone written.
   */
  private refreshStatusColumn(deadline: number): void {
    const earlier = this.written.map((p) => ({ ...p, keapStatus: undefined }));
    const pendingBefore = this.pending.length;
    const all = [...earlier, ...this.pending];
    const note = this.extras?.refreshStatusColumn(
      () => this.openedGateway(deadline),
      all,
      (epochMs) => formatIsoDay(epochMs, this.zone()),
    );
    this.pending.push(...all.slice(earlier.length + pendingBefore));
    for (const p of earlier) {
      if (p.keapStatus === undefined) continue;
      this.pending.push({
        row: p.row,
        key: p.key,
        status: null,
        syncedAt: null,
        keapStatus: p.keapStatus,
      });
    }
    if (note) this.notes.push(note);
  }

  /**
   * Keap's daily request limit was reached (or another user of the add-on spent it): every
   * row not yet answered says so and keeps no record, so the run syncs it after the reset.
   * A row already showing these words is not written again.
   */
  private waitForDailyLimit(resetsAt: number): void {
    const when = this.moment(resetsAt);
    const status = this.named(dailyLimitStatus(when));
    const waiting = this.units.filter((unit) => !this.answered.has(unit));
    for (const unit of waiting) {
      for (const ref of unit.rows) {
        if (this.shown(ref.row) === status) continue;
        this.pending.push({ row: ref.row, key: ref.key, status, syncedAt: null });
      }
    }
    // Rows without a Contact ID wait the same way (executionExtras.ts).
    const waitingByEmail = this.extras?.waitingRows() ?? [];
    for (const ref of waitingByEmail) {
      if (this.shown(ref.row) !== status)
        this.pending.push({ row: ref.row, key: ref.key, status, syncedAt: null });
    }
    this.workLeft ||= waiting.length > 0 || waitingByEmail.length > 0;
    const rowsWaiting =
      [...waiting, ...this.unfinished].reduce((n, u) => n + u.rows.length, 0) +
      waitingByEmail.length;
    this.dailyLimit = { resetsAt, when, rowsWaiting };
  }

  /**
   * Every row ends with a status: an unchanged row that shows none (a copy of a synced row,
   * a cleared cell) gets what its contact's last sync found. Rows that show one keep it, so
   * their group is sent along only to be placed (`onlyIfBlank`), never to be rewritten.
   */
  private answerUnchangedRows(skipped: SkippedRow[], blank: (row: number) => boolean): void {
    const unanswered = new Set(skipped.filter((r) => blank(r.row)).map((r) => r.contactId));
    if (unanswered.size === 0) return;
    for (const row of skipped) {
      if (!unanswered.has(row.contactId)) continue;
      const ok = row.result === 'ok';
      this.pending.push({
        row: row.row,
        key: row.key,
        status: this.named(ok ? UP_TO_DATE : KEAP_BUSY),
        syncedAt: ok && row.syncedAt > 0 ? new Date(row.syncedAt) : null,
        onlyIfBlank: true,
      });
    }
  }

  /**
   * Keap stopped the run (it refused or failed a read): the rows it did not reach say why on
   * their own row, in Keap's words, instead of keeping an empty or an old status. No record
   * is written, so each is sent again by the next run.
   */
  private answerUnreachedRows(reason: string): void {
    const status = this.named(unreachedRowStatus(reason));
    const unreached = this.units.filter((unit) => !this.answered.has(unit)).flatMap((u) => u.rows);
    // Rows without a Contact ID Keap did not answer say so the same way (executionExtras.ts).
    for (const ref of [...unreached, ...(this.extras?.waitingRows() ?? [])]) {
      if (this.shown(ref.row) === status) continue;
      this.pending.push({ row: ref.row, key: ref.key, status, syncedAt: null });
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
    // An earlier execution changed this row's email and said the opt-out was still to come.
    const partial = unit.request.email === null ? null : optOutNotSentStatus(unit.request.email);
    const continued = partial !== null && unit.rows.every((r) => this.shown(r.row) === partial);
    const shownStatus = unitStatus(result, continued ? unit.request.email : null);
    // Keap's daily limit stopped the work in flight (the read-back of a change just sent was
    // not sent): the unit waits for the reset like the rows not reached, with no record, so
    // this run checks it after the reset rather than calling it "Keap was busy".
    const waitsForQuota =
      result.failure?.kind === 'retry' && (this.gateway?.dailyLimitResetsAt?.() ?? null) !== null;
    if (shownStatus === null || waitsForQuota) {
      this.workLeft = true;
      if (result.emailChangedTo !== null) {
        this.answered.add(unit);
        this.unfinished.add(unit);
        this.rowsAnswered += unit.rows.length;
        const note = optOutNotSentStatus(result.emailChangedTo);
        this.pending.push(
          ...unit.rows.map((ref) => ({ row: ref.row, key: ref.key, status: note, syncedAt: null })),
        );
      }
      return;
    }
    const failure = result.failure;
    if (failure?.kind === 'error') this.countErrors(unit.rows.map((r) => r.row));
    else if (failure?.kind === 'retry') {
      this.tally.retrying += unit.rows.length;
      if (failure.reason === 'unreachable') {
        this.tally.unreachable = (this.tally.unreachable ?? 0) + unit.rows.length;
      }
    } else if (!changesContact(result.plan) && !result.optedOut)
      this.tally.unchanged += unit.rows.length;

    const now = this.ports.clock.now();
    const syncedAt = failure === null ? new Date(now) : null;
    const fields: StateRecord = {
      fingerprint: unit.fingerprint,
      syncedAt: now,
      result: recordResultOf(failure),
      run: this.runId,
    };
    if (this.scope.account !== null) fields.account = this.scope.account;
    const optedOutAt = result.optedOut ? now : this.optedOutBefore(result);
    if (optedOutAt !== undefined) fields.optedOutAt = optedOutAt;
    let status = shownStatus;
    if (fields.result === 'error') {
      const previous = recordFor(this.state, unit.contactId, this.scope.account);
      fields.tries = triesAfter(previous, unit.fingerprint);
      status = withNextTry(status, this.day(nextTryAt(fields, this.zone())));
    }
    status = this.named(status);
    this.answered.add(unit);
    this.rowsAnswered += unit.rows.length;
    const record = recordCell(unit.contactId, fields);
    this.pending.push(
      ...unit.rows.map((ref) => ({ row: ref.row, key: ref.key, status, syncedAt, record })),
    );
  }

  /** When this add-on opted out the address a contact still has opted out (Keap Email Status). */
  private optedOutBefore(result: UnitResult): number | undefined {
    if (!result.alreadyOptedOut || result.emailChangedTo !== null) return undefined;
    return recordFor(this.state, result.plan.unit.contactId, this.scope.account)?.optedOutAt;
  }

  /** The status, naming the Keap account when more than one has synced this sheet. */
  private named(status: string): string {
    return this.accountNamed === null ? status : inAccount(status, this.accountNamed);
  }

  private timeZone: string | null = null;

  private locale: string | null = null;

  /**
   * A day as people read it, in the spreadsheet's locale and time zone (each asked once, only
   * when needed); the year only when it is not this year there (src/sync/dateText.ts).
   */
  private day(epochMs: number): string {
    return formatDay(epochMs, this.where(), this.ports.clock.now());
  }

  /** A time and day as people read them, in the spreadsheet's locale and time zone. */
  private moment(epochMs: number): string {
    return formatMoment(epochMs, this.where(), this.ports.clock.now());
  }

  private where(): Where {
    this.locale ??= this.ports.locale?.() ?? 'en-US';
    return { timeZone: this.zone(), locale: this.locale };
  }

  private zone(): string {
    this.timeZone ??= this.ports.timeZone?.() ?? 'UTC';
    return this.timeZone;
  }

  /**
   * A row's record is written with its status (after it, when the columns are apart), so a
   * row is never recorded as synced without saying so; records left beside other contacts'
   * rows are put back on their own. The write is checked with one more read; statuses (and
   * their records) that a sort moved are put right.
   */
  private writeBack(): void {
    if (this.pending.length === 0 && !this.recordsMisplaced) return;
    const { sheet, settings } = this.ports;
    const current = sheet.readValues();
    const plan = planStatusWrites(
      this.pending,
      current,
      settings.headers,
      (range) => sheet.readFormulas(range),
      this.oldRecords,
      this.lastRead,
      this.written,
    );
    this.lastRead = plan.read ?? this.lastRead;
    plan.blocks.forEach((block) => sheet.writeBlock(block));
    if (plan.addsRecordColumn && plan.columns) this.hideRecordColumn(plan.columns.record);
    let settled = true;
    if (plan.written.size > 0) {
      const repair = repairStatusWrites(plan, current, sheet.readValues(), settings.headers);
      repair?.blocks.forEach((block) => sheet.writeBlock(block));
      settled = !repair?.gaveUp;
    }
    if (plan.addsRecordColumn && this.oldRecords.size > 0) {
      if (settled) this.removeOldStateTab();
      else this.notes.push(OLD_TAB_KEPT_NOTE);
    }
  }

  /**
   * The old tab's records are in the record column now. Left behind, the tab would be read
   * again if the column were ever deleted, with records some rows have outgrown since: the
   * person is asked to delete it.
   */
  private removeOldStateTab(): void {
    try {
      this.ports.sheet.removeOldRecords();
    } catch (error) {
      this.notes.push(runNoteText('old-tab-not-removed', describe(error)));
    }
  }

  /**
   * Hiding is for looks only: a record column left visible works the same, so a refusal is
   * not worth a word in the run's message.
   */
  private hideRecordColumn(column: number): void {
    try {
      this.ports.sheet.hideColumn(column);
    } catch {
      // The statuses and records are written; nothing depends on the column being hidden.
    }
  }
}
