/**
 * One read of the contacts tab with what has been worked out from it, row by row: each row's
 * key (its raw input cells, rowParsing.ts) and the record its Keap Sync Record cell holds.
 *
 * An execution reads the tab two or three times (before syncing, before writing the
 * statuses, after writing them) and most rows are the same each time. Working the same
 * cells out again is what made a 50,000-row run slow, so a later read asks the earlier one
 * for a row whose cells are the very same values (===) in the same columns, and works out
 * only the rows that differ. Both are pure functions of those cells, so the answer is what
 * working them out again would give. Pure.
 */
import { isBlankCell } from './cells';
import { inputColumnsOf, type SheetColumns } from './headers';
import { parseContactId, rowKey } from './rowParsing';
import {
  keepNewest,
  parseRecordCell,
  recordCell,
  type StateRecord,
  type SyncState,
} from './syncRecord';

type Grid = readonly (readonly unknown[])[];
export type ParsedRecord = { contactId: number; record: StateRecord };

const NOT_YET = undefined;

export class SheetRead {
  /** Index: row - 1. Undefined: not worked out yet; null: the row has no inputs. */
  private readonly keys: (string | null | undefined)[] = [];
  private readonly records: (ParsedRecord | null | undefined)[] = [];
  private readonly contactIds: (number | null | undefined)[] = [];
  /** Whether the record cell is exactly what recordCell writes for the record it holds. */
  private readonly canonical: (boolean | undefined)[] = [];
  private newestRecords: SyncState | null = null;
  /** Contact ID, Email, Opt Out, Opt Out Reason (null: no such column). */
  private readonly inputColumns: (number | null)[];
  private readonly sameInputColumns: boolean;
  private readonly sameRecordColumn: boolean;

  /** `earlier`: a read of the same tab whose rows may be reused (see the top of the file). */
  constructor(
    readonly values: Grid,
    readonly columns: SheetColumns,
    private readonly earlier: SheetRead | null = null,
  ) {
    this.inputColumns = inputColumnsOf(columns);
    this.sameInputColumns =
      earlier !== null && sameNumbers(earlier.inputColumns, this.inputColumns);
    this.sameRecordColumn = earlier !== null && earlier.columns.syncRecord === columns.syncRecord;
  }

  /** Rows, header included (row 1 is the header). */
  get rowCount(): number {
    return this.values.length;
  }

  /** The row's key (rowParsing.ts rowKey); null when its input cells are all blank. */
  key(row: number): string | null {
    const known = this.keys[row - 1];
    if (known !== NOT_YET) return known;
    const key =
      this.earlier !== null && this.sameInputColumns && this.sameInputCells(row)
        ? this.earlier.key(row)
        : this.workOutKey(row);
    this.keys[row - 1] = key;
    return key;
  }

  /** Remembers keys already worked out (parseRow makes them while parsing the read). */
  knowKey(row: number, key: string | null): void {
    this.keys[row - 1] = key;
  }

  /** The record the row's Keap Sync Record cell holds, or null. */
  record(row: number): ParsedRecord | null {
    return this.fromCell(row, this.records, this.columns.syncRecord, this.sameRecordColumn, {
      earlier: (earlier) => earlier.record(row),
      workOut: parseRecordCell,
    });
  }

  /** The contact id the row's Contact ID cell holds (parseContactId), or null. */
  contactId(row: number): number | null {
    return this.fromCell(row, this.contactIds, this.columns.contactId, this.sameInputColumns, {
      earlier: (earlier) => earlier.contactId(row),
      workOut: (cell) => {
        const parsed = parseContactId(cell);
        return parsed.ok ? parsed.value : null;
      },
    });
  }

  /**
   * What one cell of the row holds, worked out once: asked of the earlier read when its cell
   * is the very same value in the same column (`sameColumn`), else worked out from the cell.
   * Null when there is no such column.
   */
  private fromCell<T>(
    row: number,
    known: (T | null | undefined)[],
    column: number | null,
    sameColumn: boolean,
    how: { earlier: (earlier: SheetRead) => T | null; workOut: (cell: unknown) => T | null },
  ): T | null {
    const remembered = known[row - 1];
    if (remembered !== NOT_YET) return remembered;
    let value: T | null = null;
    if (column !== null) {
      const cell = this.values[row - 1]?.[column - 1];
      const earlier = sameColumn ? this.earlier : null;
      value =
        earlier !== null && earlier.values[row - 1]?.[column - 1] === cell
          ? how.earlier(earlier)
          : how.workOut(cell);
    }
    known[row - 1] = value;
    return value;
  }

  /**
   * Every record in the record column, newest per contact (syncRecord.ts readSyncState).
   * Worked out once and shared: callers copy it before adding records.
   */
  state(): SyncState {
    if (this.newestRecords !== null) return this.newestRecords;
    const state: SyncState = new Map();
    if (this.columns.syncRecord !== null) {
      for (let row = 2; row <= this.values.length; row++) {
        const parsed = this.record(row);
        if (parsed) keepNewest(state, parsed.contactId, parsed.record);
      }
    }
    this.newestRecords = state;
    return state;
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
      this.isCanonical(row)
    );
  }

  private isCanonical(row: number): boolean {
    const known = this.canonical[row - 1];
    if (known !== NOT_YET) return known;
    const column = this.columns.syncRecord as number;
    const cell = this.values[row - 1]?.[column - 1];
    const earlier = this.sameRecordColumn ? this.earlier : null;
    let canonical: boolean;
    if (earlier !== null && earlier.values[row - 1]?.[column - 1] === cell) {
      canonical = earlier.isCanonical(row);
    } else {
      const parsed = this.record(row);
      canonical = parsed !== null && recordCell(parsed.contactId, parsed.record) === cell;
    }
    this.canonical[row - 1] = canonical;
    return canonical;
  }

  private sameInputCells(row: number): boolean {
    const now = this.values[row - 1];
    const then = (this.earlier as SheetRead).values[row - 1];
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

function sameNumbers(a: readonly (number | null)[], b: readonly (number | null)[]): boolean {
  return a.length === b.length && a.every((n, i) => n === b[i]);
}
