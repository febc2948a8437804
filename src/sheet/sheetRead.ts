/**
 * One read of the contacts tab with what has been worked out from it, row by row: each row's
 * key (its raw input cells, rowParsing.ts) and the record its Keap Sync Record cell holds.
 *
 * An execution reads the tab again before and after each write of statuses (once per chunk
 * of contacts, so people see them while the sync goes on), and most rows are the same each
 * time. Working the same cells out again is what made large runs slow, so a later read asks
 * the earlier one for a row whose cells are the very same values (===) in the same columns,
 * and works out only the rows that differ. When every input cell is the same, the later read
 * shares the earlier one's whole-tab indexes (rows by key, rows by contact); when the record
 * cells differ only where a write put newer records of the same contacts, the newest records
 * are updated from the earlier ones instead of read again (anything else: read again). All
 * are pure functions of those cells, so the answers are what working them out again would
 * give. Pure.
 */
import { isBlankCell } from './cells';
import { inputColumnsOf, type SheetColumns } from './headers';
import { contactIdOfKey, parseContactId, rowKey } from './rowParsing';
import {
  keepNewest,
  parseRecordCell,
  recordCell,
  type RecordForm,
  type StateRecord,
  type SyncState,
} from './syncRecord';

type Grid = readonly (readonly unknown[])[];
export type ParsedRecord = { contactId: number; record: StateRecord };

const NOT_YET = undefined;
/** parseRecordCell's answer on the cell's form, reused: asked once per row of every read. */
const FORM: RecordForm = { canonical: false };
const NONE: readonly number[] = [];
/** A row's entry in RecordFacts' `canonical` bytes. */
const FORM_NOT_YET = 0;
const CANONICAL = 1;
const NOT_CANONICAL = 2;

function formFlag(canonical: boolean): number {
  return canonical ? CANONICAL : NOT_CANONICAL;
}
/** Reads whose newest records are looked up through earlier ones before those are copied. */
const MAX_DEPTH = 8;

interface Renewal {
  /** The newest record of each contact the changed rows renewed. */
  records: Map<number, StateRecord>;
  contacts: readonly number[];
}

/** What is worked out from the input cells (Contact ID, Email, Opt Out, Opt Out Reason). */
class InputFacts {
  /** Index: row - 1. Undefined: not worked out yet; null: the row has no inputs. */
  readonly keys: (string | null | undefined)[] = [];
  readonly contactIds: (number | null | undefined)[] = [];
  private byKey: RowIndex<string | null> | null = null;
  private byContact: RowIndex<number> | null = null;

  /** `earlier`: the facts of a read with the same input columns, reused row by row. */
  constructor(
    private readonly values: Grid,
    private readonly columns: SheetColumns,
    private readonly inputColumns: readonly (number | null)[],
    private readonly earlier: InputFacts | null,
  ) {}

  key(row: number): string | null {
    const known = this.keys[row - 1];
    if (known !== NOT_YET) return known;
    const key =
      this.earlier !== null && this.sameInputCells(row)
        ? this.earlier.key(row)
        : this.workOutKey(row);
    this.keys[row - 1] = key;
    return key;
  }

  contactId(row: number): number | null {
    const known = this.contactIds[row - 1];
    if (known !== NOT_YET) return known;
    const column = this.columns.contactId;
    let id: number | null = null;
    if (column !== null) {
      const cell = this.values[row - 1]?.[column - 1];
      if (this.earlier !== null && this.earlier.values[row - 1]?.[column - 1] === cell) {
        id = this.earlier.contactId(row);
      } else {
        const parsed = parseContactId(cell);
        id = parsed.ok ? parsed.value : null;
      }
    }
    this.contactIds[row - 1] = id;
    return id;
  }

  /**
   * Rows (2 on, ascending) whose key is `key` (null: rows whose input cells are all blank).
   * Rows with a contact id are found through the index by contact (numbers, made for other
   * questions too) and compared by key; only the others are indexed by their key text (a
   * 50,000-row tab's keys cost more to index than its contact ids).
   */
  rowsWithKey(key: string | null): readonly number[] {
    if (this.byKey === null) {
      this.byKey = new RowIndex();
      for (let row = 2; row <= this.values.length; row++) {
        if (this.contactId(row) === null) this.byKey.add(this.key(row), row);
      }
    }
    const others = this.byKey.rows(key);
    const id = key === null ? null : contactIdOfKey(key);
    if (id === null) return others;
    const withId = this.rowsOfContact(id).filter((row) => this.key(row) === key);
    return others.length === 0 ? withId : [...withId, ...others].sort((a, b) => a - b);
  }

  /** Rows (2 on, ascending) whose Contact ID cell holds `contactId`. */
  rowsOfContact(contactId: number): readonly number[] {
    return this.contactIndex().rows(contactId);
  }

  /** Whether more than one row's Contact ID cell holds `contactId`. */
  severalRowsOf(contactId: number): boolean {
    return this.contactIndex().hasSeveral(contactId);
  }

  private contactIndex(): RowIndex<number> {
    if (this.byContact === null) {
      this.byContact = new RowIndex();
      for (let row = 2; row <= this.values.length; row++) {
        const id = this.contactId(row);
        if (id !== null) this.byContact.add(id, row);
      }
    }
    return this.byContact;
  }

  private sameInputCells(row: number): boolean {
    const now = this.values[row - 1];
    const then = (this.earlier as InputFacts).values[row - 1];
    if (now === undefined || then === undefined) return false;
    for (const column of this.inputColumns) {
      if (column !== null && now[column - 1] !== then[column - 1]) return false;
    }
    return true;
  }

  private workOutKey(row: number): string | null {
    const cells = this.values[row - 1];
    if (cells === undefined) return null;
    const blank = this.inputColumns.every(
      (column) => column === null || isBlankCell(cells[column - 1]),
    );
    return blank ? null : rowKey(cells, this.columns);
  }
}

/** What is worked out from the Keap Sync Record cells. */
class RecordFacts {
  private readonly records: (ParsedRecord | null | undefined)[];
  /**
   * Whether the record cell is exactly what recordCell writes for the record it holds, by
   * row - 1: CANONICAL, NOT_CANONICAL or 0, not worked out yet. Bytes, not an array of
   * booleans: it is copied by each read after a write (a 50,000-row tab: 50 KB, not 400).
   */
  private readonly canonical: Int8Array;
  private newestRecords: SyncState | null = null;
  /**
   * The newest records of the contacts the changed rows renewed, over the earlier facts'
   * (undefined: not worked out yet; null: the changed rows do not allow it, see `renew`).
   */
  private renewal: Renewal | null | undefined = undefined;

  /**
   * `earlier`: the facts of a read with the same record column, reused row by row.
   * `changedRows`: when known, the only rows (ascending) whose record cell differs from it.
   */
  constructor(
    private readonly values: Grid,
    private readonly column: number | null,
    private readonly earlier: RecordFacts | null,
    readonly changedRows: readonly number[] | null,
  ) {
    // Every other row's cell is the earlier one: what it worked out holds, without a walk
    // down the reads before it for each row asked.
    if (earlier !== null && changedRows !== null) {
      this.records = earlier.records.slice();
      this.canonical = new Int8Array(values.length);
      this.canonical.set(earlier.canonical.subarray(0, values.length));
      for (const row of changedRows) {
        this.records[row - 1] = NOT_YET;
        this.canonical[row - 1] = FORM_NOT_YET;
      }
    } else {
      this.records = [];
      this.canonical = new Int8Array(values.length);
    }
  }

  record(row: number): ParsedRecord | null {
    const known = this.records[row - 1];
    if (known !== NOT_YET) return known;
    let parsed: ParsedRecord | null = null;
    if (this.column !== null) {
      const cell = this.values[row - 1]?.[this.column - 1];
      if (this.sameCell(row, cell)) parsed = (this.earlier as RecordFacts).record(row);
      else {
        // Whether the cell is canonical is learnt in the same pass (no recordCell to compare).
        parsed = parseRecordCell(cell, FORM);
        this.canonical[row - 1] = formFlag(FORM.canonical);
      }
    }
    this.records[row - 1] = parsed;
    return parsed;
  }

  isCanonical(row: number): boolean {
    const known = this.canonical[row - 1];
    if (known === CANONICAL || known === NOT_CANONICAL) return known === CANONICAL;
    const cell = this.values[row - 1]?.[(this.column as number) - 1];
    let canonical: boolean;
    if (this.sameCell(row, cell)) canonical = (this.earlier as RecordFacts).isCanonical(row);
    else {
      const parsed = this.record(row);
      const learnt = this.canonical[row - 1];
      canonical =
        learnt !== FORM_NOT_YET
          ? learnt === CANONICAL
          : parsed !== null && recordCell(parsed.contactId, parsed.record) === cell;
    }
    this.canonical[row - 1] = formFlag(canonical);
    return canonical;
  }

  /** Every record in the column, newest per contact (readSyncState). */
  state(): SyncState {
    if (this.newestRecords !== null) return this.newestRecords;
    if (this.renew() === null) {
      this.newestRecords = this.readState();
      return this.newestRecords;
    }
    // One copy of the nearest worked-out state, with each read's renewals since, in order.
    const renewals: Renewal[] = [this.renew() as Renewal];
    let facts = this.earlier as RecordFacts;
    while (facts.newestRecords === null && facts.renew() !== null) {
      renewals.push(facts.renew() as Renewal);
      facts = facts.earlier as RecordFacts;
    }
    const state: SyncState = new Map(facts.state());
    for (const renewal of renewals.reverse()) {
      for (const [contactId, record] of renewal.records) state.set(contactId, record);
    }
    this.newestRecords = state;
    return this.newestRecords;
  }

  /** The contact's newest record: state().get(contactId), without a copy of the state. */
  newest(contactId: number): StateRecord | undefined {
    if (this.newestRecords !== null) return this.newestRecords.get(contactId);
    const renewal = this.renew();
    if (renewal === null) return this.state().get(contactId);
    return renewal.records.get(contactId) ?? (this.earlier as RecordFacts).newest(contactId);
  }

  /** Contacts whose newest record is another than in the earlier facts (null: not known). */
  renewed(): readonly number[] | null {
    return this.renew()?.contacts ?? null;
  }

  /** Facts between this and ones whose state is worked out (lookups go that deep). */
  private depth(): number {
    if (this.newestRecords !== null || this.renewal === null || this.earlier === null) return 0;
    return this.earlier.depth() + 1;
  }

  private readState(): SyncState {
    const state: SyncState = new Map();
    if (this.column !== null) {
      for (let row = 2; row <= this.values.length; row++) {
        const parsed = this.record(row);
        if (parsed) keepNewest(state, parsed.contactId, parsed.record);
      }
    }
    return state;
  }

  /**
   * The changed rows' records over the earlier newest ones, when that is certainly what
   * reading every row gives: each changed cell holds a record of the contact its cell held
   * before (or none before), strictly newer than that one, and not as old as a record of
   * the contact the write did not bring (the first row of equals wins in keepNewest: rows
   * are taken in order). Null otherwise.
   */
  private renew(): Renewal | null {
    if (this.renewal !== undefined) return this.renewal;
    this.renewal = null;
    const earlier = this.earlier;
    if (earlier === null || this.changedRows === null) return null;
    // Lookups go through each earlier read: a long chain is worked out once instead.
    if (earlier.depth() > MAX_DEPTH) earlier.state();
    const records = new Map<number, StateRecord>();
    for (const row of this.changedRows) {
      const old = earlier.record(row);
      const now = this.record(row);
      if (now === null) {
        if (old !== null) return null;
        continue;
      }
      const { contactId, record } = now;
      if (old !== null && (old.contactId !== contactId || !(record.syncedAt > old.record.syncedAt)))
        return null;
      const renewed = records.get(contactId);
      const known = renewed ?? earlier.newest(contactId);
      if (known === undefined || record.syncedAt > known.syncedAt) records.set(contactId, record);
      else if (record.syncedAt === known.syncedAt && renewed === undefined) return null;
    }
    this.renewal = { records, contacts: [...records.keys()] };
    return this.renewal;
  }

  private sameCell(row: number, cell: unknown): boolean {
    return (
      this.earlier !== null && this.earlier.values[row - 1]?.[(this.column as number) - 1] === cell
    );
  }
}

/**
 * Rows by a value of theirs, ascending. Most values are on one row: a list is kept only for
 * those on several (a 50,000-row tab is indexed again by each execution).
 */
class RowIndex<K> {
  private readonly first = new Map<K, number>();
  private readonly several = new Map<K, number[]>();

  add(key: K, row: number): void {
    const first = this.first.get(key);
    if (first === undefined) this.first.set(key, row);
    else {
      const rows = this.several.get(key);
      if (rows) rows.push(row);
      else this.several.set(key, [first, row]);
    }
  }

  hasSeveral(key: K): boolean {
    return this.several.has(key);
  }

  rows(key: K): readonly number[] {
    const several = this.several.get(key);
    if (several) return several;
    const first = this.first.get(key);
    return first === undefined ? NONE : [first];
  }
}

/** How a later read relates to the earlier one: see the top of the file. */
export interface ReadOrigin {
  /** The earlier read: every input cell is the same. */
  read: SheetRead;
  /** The only rows (ascending) whose record cell differs. */
  changedRows: readonly number[];
}

export class SheetRead {
  private readonly inputs: InputFacts;
  private readonly recordFacts: RecordFacts;
  /** Whole-tab results other modules work out from this read (see `memo`). */
  private readonly memos: Map<object, unknown>;
  /** Set when the inputs are the earlier read's and only some record cells differ. */
  readonly origin: ReadOrigin | null = null;

  /**
   * `earlier`: a read of the same tab whose rows may be reused (see the top of the file).
   * `rowByRow`: reuse its rows only, without comparing the whole tab first (for a read
   * asked about a few rows).
   */
  constructor(
    readonly values: Grid,
    readonly columns: SheetColumns,
    earlier: SheetRead | null = null,
    rowByRow = false,
  ) {
    const inputColumns = inputColumnsOf(columns);
    const sameInputColumns =
      earlier !== null && sameNumbers(inputColumnsOf(earlier.columns), inputColumns);
    const recordColumn = columns.syncRecord;
    const sameRecordColumn = earlier !== null && earlier.columns.syncRecord === recordColumn;
    const diff =
      earlier !== null && !rowByRow && earlier.values.length === values.length && sameInputColumns
        ? differences(earlier.values, values, inputColumns, sameRecordColumn ? recordColumn : null)
        : null;
    this.inputs =
      diff?.inputsSame === true
        ? (earlier as SheetRead).inputs
        : new InputFacts(values, columns, inputColumns, sameInputColumns ? earlier.inputs : null);
    if (diff !== null && sameRecordColumn && diff.recordRows?.length === 0) {
      this.recordFacts = (earlier as SheetRead).recordFacts;
      // The same cells as the earlier read: what it differs by from its origin, this does.
      if (this.inputs === (earlier as SheetRead).inputs)
        this.origin = (earlier as SheetRead).origin;
    } else {
      const changed = diff?.inputsSame === true && sameRecordColumn ? diff.recordRows : null;
      this.recordFacts = new RecordFacts(
        values,
        recordColumn,
        sameRecordColumn ? earlier.recordFacts : null,
        changed,
      );
      if (changed !== null) this.origin = { read: earlier as SheetRead, changedRows: changed };
    }
    const same =
      earlier !== null &&
      this.inputs === earlier.inputs &&
      this.recordFacts === earlier.recordFacts &&
      sameNumbers(columnNumbers(earlier.columns), columnNumbers(columns));
    this.memos = same ? earlier.memos : new Map();
  }

  /** Rows, header included (row 1 is the header). */
  get rowCount(): number {
    return this.values.length;
  }

  /** The row's key (rowParsing.ts rowKey); null when its input cells are all blank. */
  key(row: number): string | null {
    return this.inputs.key(row);
  }

  /** Remembers keys already worked out (parseRow makes them while parsing the read). */
  knowKey(row: number, key: string | null): void {
    this.inputs.keys[row - 1] = key;
  }

  /** Remembers a contact id already worked out (parseRow parses the Contact ID cell). */
  knowContactId(row: number, contactId: number | null): void {
    this.inputs.contactIds[row - 1] = contactId;
  }

  /** The record the row's Keap Sync Record cell holds, or null. */
  record(row: number): ParsedRecord | null {
    return this.recordFacts.record(row);
  }

  /** The contact id the row's Contact ID cell holds (parseContactId), or null. */
  contactId(row: number): number | null {
    return this.inputs.contactId(row);
  }

  /** Rows (ascending) whose key is `key`; null: the rows whose input cells are all blank. */
  rowsWithKey(key: string | null): readonly number[] {
    return this.inputs.rowsWithKey(key);
  }

  /** Rows (ascending) whose Contact ID cell holds `contactId`. */
  rowsOfContact(contactId: number): readonly number[] {
    return this.inputs.rowsOfContact(contactId);
  }

  /** Whether more than one row's Contact ID cell holds `contactId` (no list made). */
  severalRowsOf(contactId: number): boolean {
    return this.inputs.severalRowsOf(contactId);
  }

  /**
   * Every record in the record column, newest per contact (syncRecord.ts readSyncState).
   * Worked out once and shared: callers copy it before adding records.
   */
  state(): SyncState {
    return this.recordFacts.state();
  }

  /** The contact's newest record in the record column: state().get(contactId), cheaper. */
  newestRecord(contactId: number): StateRecord | undefined {
    return this.recordFacts.newest(contactId);
  }

  /**
   * With an `origin`: the contacts whose newest record differs from the origin's (null: not
   * known, as when a changed cell took a record away).
   */
  renewedContacts(): readonly number[] | null {
    return this.origin === null ? null : this.recordFacts.renewed();
  }

  /**
   * True when the row's record cell certainly holds recordCell(contactId, record): it was
   * read as that very record and is written the way recordCell writes it. False says
   * nothing: the caller compares the cell itself.
   */
  holds(row: number, contactId: number, record: StateRecord): boolean {
    const parsed = this.record(row);
    return (
      parsed !== null &&
      parsed.contactId === contactId &&
      parsed.record === record &&
      this.recordFacts.isCanonical(row)
    );
  }

  /**
   * A whole-tab result another module works out from this read, once: `slot` names it. A
   * later read whose input and record cells are all the same shares it.
   */
  memo<T>(slot: object, workOut: () => T): T {
    if (this.memos.has(slot)) return this.memos.get(slot) as T;
    const value = workOut();
    this.memos.set(slot, value);
    return value;
  }
}

/**
 * Whether every input cell is the same (===) in both reads, and the rows whose record cell
 * differs (null: more than a quarter of the rows, or no record column to compare).
 */
function differences(
  before: Grid,
  after: Grid,
  inputColumns: readonly (number | null)[],
  recordColumn: number | null,
): { inputsSame: boolean; recordRows: number[] | null } {
  const inputs = inputColumns.filter((c): c is number => c !== null).map((c) => c - 1);
  const count = inputs.length;
  const record = recordColumn === null ? -1 : recordColumn - 1;
  const most = Math.floor(after.length / 4);
  let inputsSame = true;
  let recordRows: number[] | null = record < 0 ? null : [];
  for (let index = 1; index < after.length; index++) {
    const now = after[index];
    const then = before[index];
    for (let i = 0; inputsSame && i < count; i++) {
      if (now[inputs[i]] !== then[inputs[i]]) inputsSame = false;
    }
    if (recordRows !== null && now[record] !== then[record]) {
      if (recordRows.length >= most) recordRows = null;
      else recordRows.push(index + 1);
    }
    if (!inputsSame && recordRows === null) break;
  }
  return { inputsSame, recordRows };
}

/** Every column the tab's headers placed, in a fixed order. */
function columnNumbers(columns: SheetColumns): (number | null)[] {
  return Object.keys(columns)
    .sort()
    .map((name) => columns[name as keyof SheetColumns] as number | null);
}

function sameNumbers(a: readonly (number | null)[], b: readonly (number | null)[]): boolean {
  return a.length === b.length && a.every((n, i) => n === b[i]);
}
