/**
 * In-memory stand-ins for the sync's ports: a sheet, Keap behind a KeapGateway, property
 * stores, a lock and a clock. Small and faithful to the behaviour the sync relies on.
 */
import type { ConnectionProblem } from '../../../../src/keap/failure';
import {
  KeapAccessError,
  KeapDailyLimitError,
  type EmailOptState,
  type KeapContact,
  type KeapGateway,
  type KeapWrite,
  type WriteResult,
} from '../../../../src/keap/model';
import type { ContactSheetPort, SyncLogPort } from '../../../../src/sheet/ports';
import {
  readSyncState,
  parseRecordCell,
  SYNC_RECORD_HEADER,
  type SyncState,
} from '../../../../src/sheet/syncRecord';
import type { CellBlock, CellRange } from '../../../../src/sheet/statusPlacement';
import { SYNC_LIMITS, type SyncLimits } from '../../../../src/sync/budget';
import type { CheckpointPort, RunCheckpoint } from '../../../../src/sync/checkpoint';
import type { KeyValueStore, LockLike } from '../../../../src/sync/ports';
import type { SyncPorts } from '../../../../src/sync/runSync';
import { defaultSettings } from '../../../../src/sync/settings';
import type { SyncSummary } from '../../../../src/sync/summary';

export class ManualClock {
  constructor(public time = Date.parse('2025-03-01T06:00:00Z')) {}
  now(): number {
    return this.time;
  }
  advance(ms: number): void {
    this.time += ms;
  }
}

export class MemoryStore implements KeyValueStore {
  readonly map = new Map<string, string>();
  getProperty(key: string): string | null {
    return this.map.get(key) ?? null;
  }
  setProperty(key: string, value: string): void {
    this.map.set(key, value);
  }
  deleteProperty(key: string): void {
    this.map.delete(key);
  }
}

export class FakeLock implements LockLike {
  held = false;
  /** Another execution holds it. */
  busy = false;
  tryLock(): boolean {
    if (this.busy || this.held) return false;
    this.held = true;
    return true;
  }
  releaseLock(): void {
    this.held = false;
  }
}

/** The contacts tab: getDataRange().getValues() and setValues() on blocks, as Sheets does them. */
export class MemorySheet implements ContactSheetPort {
  reads = 0;
  writes = 0;
  /** Runs before each read with its index (0 = first read), e.g. to sort rows mid-run. */
  beforeRead: ((readIndex: number, sheet: MemorySheet) => void) | null = null;
  /** Runs before each block write with its index (0 = first write), e.g. to sort rows. */
  beforeWrite: ((writeIndex: number, sheet: MemorySheet) => void) | null = null;
  failWrites: Error | null = null;
  formulaReads = 0;
  readonly hiddenColumns = new Set<number>();
  /** Cell formulas by "row,column" (1-based); a formula cell's value is in `values`. */
  readonly formulas = new Map<string, string>();

  values: unknown[][];

  /** Copies the rows: tests share header arrays, which the sync's writes would extend. */
  constructor(values: unknown[][]) {
    this.values = values.map((row) => [...row]);
  }

  tabName(): string {
    return 'Contacts';
  }

  readValues(): unknown[][] {
    this.beforeRead?.(this.reads, this);
    this.reads += 1;
    const width = Math.max(0, ...this.values.map((row) => row.length));
    return this.values.map((row) => Array.from({ length: width }, (_, i) => row[i] ?? ''));
  }

  readFormulas(range: CellRange): unknown[][] {
    this.formulaReads += 1;
    return Array.from({ length: range.rows }, (_, i) =>
      Array.from(
        { length: range.columns },
        (_, j) => this.formulas.get(`${range.row + i},${range.column + j}`) ?? '',
      ),
    );
  }

  writeBlock(block: CellBlock): void {
    if (this.failWrites) throw this.failWrites;
    this.beforeWrite?.(this.writes, this);
    this.writes += 1;
    block.values.forEach((cells, i) => {
      const row = (this.values[block.row - 1 + i] ??= []);
      cells.forEach((cell, j) => {
        this.formulas.delete(`${block.row + i},${block.column + j}`);
        // A leading apostrophe marks text; Sheets does not keep it in the value.
        row[block.column - 1 + j] =
          typeof cell === 'string' && cell.startsWith("'") ? cell.slice(1) : cell;
      });
    });
  }

  hideColumn(column: number): void {
    this.hiddenColumns.add(column);
  }

  /** Records in an old 'Keap Sync State' tab; null: the spreadsheet has none. */
  oldRecords: SyncState | null = null;

  readOldRecords(): SyncState {
    return new Map(this.oldRecords ?? []);
  }

  removeOldRecords(): void {
    this.oldRecords = null;
  }

  /** The contact each data row's record cell names (null where it names none). */
  recordContacts(): (number | null)[] {
    return this.column(SYNC_RECORD_HEADER).map((cell) => parseRecordCell(cell)?.contactId ?? null);
  }

  column(header: string): unknown[] {
    const index = this.values[0].indexOf(header);
    return this.values.slice(1).map((row) => row[index] ?? '');
  }
}

/** Keap's contacts and email statuses, with gateways bound to an execution's deadline. */
export class FakeKeap {
  readonly contacts = new Map<number, KeapContact>();
  readonly optStates = new Map<string, EmailOptState>();
  readonly sent: KeapWrite[] = [];
  readonly writeCalls: KeapWrite[][] = [];
  reads = 0;
  gatewaysOpened = 0;
  /** Virtual time each write takes. */
  msPerWrite = 100;
  /** Decides a write's fate; null lets it succeed. */
  answer: (write: KeapWrite) => WriteResult | null = () => null;
  /** Thrown by the next read (then cleared), e.g. KeapUnavailableError. */
  failNextRead: Error | null = null;
  /** Reads after this many fail with `failNextRead`. */
  failReadsAfter = Infinity;
  accessError: KeapAccessError | null = null;
  /**
   * Keap's daily limit as the gateway sees it: requests (reads and writes) it lets start
   * today; then it stops for the day (reads throw, writes come back unsent) until `resetAt`.
   */
  requestsLeftToday = Infinity;
  resetAt = Date.parse('2025-03-02T00:00:00Z');

  constructor(private readonly clock: ManualClock) {}

  /** True when the daily limit lets one more request start now. */
  private takeFromDailyLimit(stop: { at: number | null }): boolean {
    if (this.clock.now() >= this.resetAt) {
      this.requestsLeftToday = Infinity;
      stop.at = null;
    }
    if (stop.at !== null || this.requestsLeftToday <= 0) {
      stop.at = this.resetAt;
      return false;
    }
    this.requestsLeftToday -= 1;
    return true;
  }

  addContact(id: number, emails: Record<string, string>): void {
    this.contacts.set(id, {
      id,
      emails: Object.entries(emails).map(([field, email]) => ({ field: field as 'EMAIL1', email })),
    });
  }

  email1(id: number): string | undefined {
    return this.contacts.get(id)?.emails.find((slot) => slot.field === 'EMAIL1')?.email;
  }

  isOptedOut(email: string): boolean {
    return this.optStates.get(email.toLowerCase())?.optedOut === true;
  }

  private read(): void {
    if (this.reads >= this.failReadsAfter && this.failNextRead) {
      const error = this.failNextRead;
      this.failNextRead = null;
      throw error;
    }
    this.reads += 1;
  }

  gateway(deadline: number): KeapGateway {
    if (this.accessError) throw this.accessError;
    this.gatewaysOpened += 1;
    const counts = { reads: 0, writes: 0, token: 0 };
    const stop = { at: null as number | null };
    const limitRead = (): void => {
      if (!this.takeFromDailyLimit(stop)) throw new KeapDailyLimitError(stop.at as number);
    };
    return {
      readContacts: (ids) => {
        limitRead();
        this.read();
        counts.reads += 1;
        const found = new Map<number, KeapContact>();
        for (const id of ids) {
          const contact = this.contacts.get(id);
          if (contact) found.set(id, structuredClone(contact));
        }
        return found;
      },
      readOptStates: (emails) => {
        limitRead();
        this.read();
        counts.reads += 1;
        const found = new Map<string, EmailOptState>();
        for (const email of emails) {
          const state = this.optStates.get(email.toLowerCase());
          if (state) found.set(email.toLowerCase(), { ...state });
        }
        return found;
      },
      write: (writes) => {
        this.writeCalls.push(writes);
        return writes.map((write): WriteResult => {
          if (this.clock.now() >= deadline || !this.takeFromDailyLimit(stop)) {
            return { ok: false, failure: { kind: 'not-sent' } };
          }
          this.clock.advance(this.msPerWrite);
          counts.writes += 1;
          const answer = this.answer(write);
          if (answer) return answer;
          this.apply(write);
          return { ok: true };
        });
      },
      counts: () => ({ ...counts }),
      dailyLimitResetsAt: () => stop.at,
    };
  }

  private apply(write: KeapWrite): void {
    this.sent.push(structuredClone(write));
    if (write.kind === 'setEmails') {
      const contact = this.contacts.get(write.contactId);
      if (contact) contact.emails = structuredClone(write.emails);
    } else {
      this.optStates.set(write.email.toLowerCase(), {
        email: write.email,
        optedOut: true,
        status: 'MANUAL',
      });
    }
  }
}

/** The sync's records as the sheet holds them, in its (hidden) Keap Sync Record column. */
export class SheetRecords {
  constructor(private readonly sheet: MemorySheet) {}
  get state(): SyncState {
    const index = (this.sheet.values[0] ?? []).indexOf(SYNC_RECORD_HEADER);
    return readSyncState(this.sheet.values, index === -1 ? null : index + 1);
  }
}

export class MemoryLog implements SyncLogPort {
  readonly rows: SyncSummary[] = [];
  fail: Error | null = null;
  append(summary: SyncSummary): void {
    if (this.fail) throw this.fail;
    this.rows.push(summary);
  }
}

export class MemoryCheckpoint implements CheckpointPort {
  saved: RunCheckpoint | null = null;
  load(): RunCheckpoint | null {
    return this.saved ? structuredClone(this.saved) : null;
  }
  save(checkpoint: RunCheckpoint): void {
    this.saved = structuredClone(checkpoint);
  }
  clear(): void {
    this.saved = null;
  }
}

/** Everything a test needs to run the sync on one spreadsheet, several times over. */
export class SyncHarness {
  readonly clock = new ManualClock();
  readonly keap = new FakeKeap(this.clock);
  readonly log = new MemoryLog();
  readonly checkpoint = new MemoryCheckpoint();
  readonly scheduled: number[] = [];
  /** The run the pending follow-up continues (the trigger record), null when none. */
  pendingRun: string | null = null;
  /** Why the Keap connection cannot be used (connectionProblem), null when it can. */
  connectionProblem: ConnectionProblem | null = null;
  leaseError: Error | null = null;
  releaseError: Error | null = null;
  lastRunError: Error | null = null;
  finished = 0;
  leaseTaken = false;
  lastRun: SyncSummary | null = null;
  readonly notices: { kind: string; subject: string; body: string }[] = [];
  limits: SyncLimits = { ...SYNC_LIMITS };
  readonly sheet: MemorySheet;
  readonly state: SheetRecords;

  constructor(values: unknown[][]) {
    this.sheet = new MemorySheet(values);
    this.state = new SheetRecords(this.sheet);
  }

  ports(): SyncPorts {
    return {
      clock: this.clock,
      // Tests written before the Keap Email Status column describe a sheet without it.
      settings: { ...defaultSettings(), keapEmailStatus: false },
      sheet: this.sheet,
      log: this.log,
      lease: {
        acquire: () => {
          if (this.leaseError) throw this.leaseError;
          return this.leaseTaken ? false : (this.leaseTaken = true);
        },
        release: () => {
          if (this.releaseError) throw this.releaseError;
          this.leaseTaken = false;
        },
      },
      checkpoint: this.checkpoint,
      continuation: {
        schedule: (delayMs, runId) => {
          this.scheduled.push(delayMs);
          this.pendingRun = runId;
        },
        finish: () => {
          this.finished += 1;
          this.pendingRun = null;
        },
      },
      lastRun: {
        save: (summary) => {
          if (this.lastRunError) throw this.lastRunError;
          this.lastRun = summary;
        },
      },
      connectionProblem: () => this.connectionProblem,
      openGateway: (deadline) => this.keap.gateway(deadline),
      notifyOwner: (kind, subject, body) => {
        this.notices.push({ kind, subject, body });
      },
    };
  }
}
