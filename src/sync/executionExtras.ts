/**
 * The parts of an execution for rows without a Contact ID (emailRows.ts, emailRowSync.ts) and
 * for the Keap Email Status column (keapStatusColumn.ts), kept apart from execution.ts so each
 * reads on its own. The execution calls `prepare` with the sheet as first read, `syncByEmail`
 * after its chunks, and `refreshStatusColumn` last, when the run's work is done.
 */
import { KeapUnavailableError, type KeapGateway } from '../keap/model';
import { cellText, isBlankCell } from '../sheet/cells';
import type { EmailState } from '../sheet/emailRecord';
import type { SheetColumns } from '../sheet/headers';
import type { ParsedRow } from '../sheet/rowParsing';
import type { PendingStatus } from '../sheet/statusPlacement';
import type { SyncState } from '../sheet/syncRecord';
import { chunk, type ExecutionBudget } from './budget';
import { unchangedEmailRowStatuses, type EmailWork, type EmailWorklist } from './emailRows';
import { syncEmailWork, type EmailRowContext, type EmailWorkResult } from './emailRowSync';
import {
  clearedStatusCells,
  keapStatusCells,
  rowsWithoutStatus,
  keapStatusColumnOn,
  statusColumnRows,
  withKeapStatuses,
} from './keapStatusColumn';
import { KeapStatusMarks, type KeapStatusMarksPort } from './keapStatusMarks';
import { keapStatusNotRefreshedNote } from './statusText';
import type { RowRef } from './worklist';

type Grid = readonly (readonly unknown[])[];

export interface ExtrasSheet {
  values: Grid;
  columns: SheetColumns;
  rows: readonly ParsedRow[];
  state: SyncState;
  /** The Sync Status cell as first read. */
  shown: (row: number) => unknown;
}

export class ExecutionExtras {
  private emailState: EmailState = new Map();
  private work: EmailWork[] = [];
  /** Addresses whose rows got their status in this execution. */
  private readonly answered = new Set<EmailWork>();

  constructor(
    private readonly sheet: ExtrasSheet,
    private readonly keapEmailStatus: boolean | undefined,
    /** Absent: the legacy reader decides (legacyStatusWords.ts), and nothing is stored. */
    private readonly marksPort: KeapStatusMarksPort | null = null,
  ) {}

  /**
   * The rows without a Contact ID as the read worked them out (contactsTable.ts): what to
   * send, and what their unchanged rows say.
   */
  prepare(list: EmailWorklist, emailState: EmailState): PendingStatus[] {
    const { shown } = this.sheet;
    this.emailState = emailState;
    this.work = list.work;
    const blank = (row: number) => isBlankCell(shown(row));
    return unchangedEmailRowStatuses(list.skippedRows, blank);
  }

  /**
   * Chunks of addresses, each started only while the budget allows; `betweenChunks` before
   * each one that follows another chunk (of contacts too): the statuses and progress so far
   * are shown, as between chunks of contacts. Returns false when work is left for a
   * continuation.
   */
  syncByEmail(
    gateway: () => KeapGateway,
    budget: ExecutionBudget,
    chunksDone: number,
    chunkSize: number,
    now: () => number,
    ctx: EmailRowContext,
    answer: (result: EmailWorkResult) => void,
    betweenChunks: () => void = () => undefined,
  ): boolean {
    let done = chunksDone;
    const parts = chunk(this.work, chunkSize);
    for (let index = 0; index < parts.length; index++) {
      if (!budget.mayStartChunk(now(), done)) return false;
      // After a chunk of contacts or of addresses: what it answered is shown first.
      if (done > 0) betweenChunks();
      done += 1;
      for (const result of syncEmailWork(gateway(), parts[index], ctx)) {
        if (result.statuses !== null) this.answered.add(result.work);
        answer(result);
      }
    }
    return true;
  }

  /** Rows without a Contact ID still waiting for Keap (its daily limit stopped the execution). */
  waitingRows(): RowRef[] {
    return this.work.filter((w) => !this.answered.has(w)).flatMap((w) => w.rows);
  }

  /**
   * Keap's status of every row's email, read in batches, joined to the statuses to write
   * where it changed. A failed read leaves the column as it is and returns a note. With the
   * column turned off, the words the add-on left in it are emptied instead (no Keap read).
   * Which cells hold the add-on's words is told by the stored marks (keapStatusMarks.ts),
   * which this keeps up to date with what the column holds and what it writes.
   */
  refreshStatusColumn(
    gateway: () => KeapGateway,
    pending: PendingStatus[],
    isoDay: (epochMs: number) => string,
  ): string | null {
    const { values, columns, rows, state } = this.sheet;
    const column = columns.keapEmailStatus;
    const shown = (row: number) => (column === null ? '' : (values[row - 1]?.[column - 1] ?? ''));
    const marks = new KeapStatusMarks(this.storedMarks());
    const ours = (text: string) => marks.isOurs(text);
    if (!keapStatusColumnOn(this.keapEmailStatus, columns)) {
      // Turned off: the words it left would go stale; they are emptied, the column is kept.
      if (column !== null) {
        withKeapStatuses(pending, clearedStatusCells(rows, shown, ours));
        this.saveMarks(marks, column, []);
      }
      return null;
    }
    // Rows whose address is not (or no longer) theirs to show: the words left there go.
    if (column !== null)
      withKeapStatuses(pending, clearedStatusCells(rowsWithoutStatus(rows), shown, ours));
    const statusRows = statusColumnRows(rows);
    let states;
    try {
      const emails = new Set(statusRows.map((row) => row.email).filter((email) => email !== ''));
      states = emails.size > 0 ? gateway().readOptStates([...emails]) : new Map();
    } catch (error) {
      if (!(error instanceof KeapUnavailableError)) throw error;
      return keapStatusNotRefreshedNote(error.failure, error.reading);
    }
    const cells = keapStatusCells({
      rows: statusRows,
      states,
      state,
      emailState: this.emailState,
      pending,
      shown,
      ours,
      isoDay,
    });
    // Marked before the words are written: a run cut short after the write leaves no
    // words of the add-on that a later run would take for a person's.
    this.saveMarks(
      marks,
      column,
      [...cells.values()].map((cell) => cell.keapStatus ?? ''),
    );
    withKeapStatuses(pending, cells);
    return null;
  }

  /** The stored marks; none (the legacy reader decides) when they cannot be read. */
  private storedMarks(): string[] | null {
    try {
      return this.marksPort?.read() ?? null;
    } catch {
      return null;
    }
  }

  /**
   * Stores the marks of the add-on's words in the column (`column`: null while the column is
   * still to be added). A failed save is passed over: the words written now are then kept, as
   * a person's would be, until a run that saves the marks writes them again.
   */
  private saveMarks(marks: KeapStatusMarks, column: number | null, written: string[]): void {
    if (!this.marksPort) return;
    const { values } = this.sheet;
    const shownTexts =
      column === null ? [] : values.slice(1).map((row) => cellText(row[column - 1]));
    const next = marks.next(shownTexts, written);
    if (next === null) return;
    try {
      this.marksPort.write(next);
    } catch {
      // See above: the column's words stay as they are written.
    }
  }
}
