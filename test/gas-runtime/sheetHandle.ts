/**
 * A test's hands on a sheet, as a person in the Sheets UI: typing, inserting and deleting
 * rows, sorting. Nothing here is counted in a ledger or costs virtual time.
 */
import { isDate } from './realm';
import {
  applyInput,
  displayValue,
  type CellValue,
  type SheetData,
  type Workbook,
} from './sheetModel';

export class SheetHandle {
  constructor(
    private readonly workbook: Workbook,
    private readonly data: SheetData,
  ) {}

  get name(): string {
    return this.data.name;
  }

  get sheetId(): number {
    return this.data.sheetId;
  }

  lastRow(): number {
    return this.data.lastRow();
  }

  lastColumn(): number {
    return this.data.lastColumn();
  }

  maxRows(): number {
    return this.data.maxRows;
  }

  maxColumns(): number {
    return this.data.maxColumns;
  }

  /** 1-based numbers of the hidden columns, in order. */
  hiddenColumns(): number[] {
    return [...this.data.hiddenColumns].sort((a, b) => a - b);
  }

  /** As a person does it from the column's menu. */
  hideColumn(column: number): this {
    this.data.hiddenColumns.add(column);
    return this;
  }

  private block<T>(cellFn: (row: number, column: number) => T): T[][] {
    const out: T[][] = [];
    const columns = this.data.lastColumn();
    for (let r = 1; r <= this.data.lastRow(); r++) {
      const row: T[] = [];
      for (let c = 1; c <= columns; c++) row.push(cellFn(r, c));
      out.push(row);
    }
    return out;
  }

  /** The data block (A1 to the last row and column with content), as getValues gives it. */
  values(): CellValue[][] {
    return this.block((r, c) => this.cell(r, c));
  }

  displayValues(): string[][] {
    return this.block((r, c) => displayValue(this.data.cell(r, c), this.workbook.timeZone));
  }

  formulas(): string[][] {
    return this.block((r, c) => this.data.cell(r, c)?.formula ?? '');
  }

  notes(): string[][] {
    return this.block((r, c) => this.data.cell(r, c)?.note ?? '');
  }

  cell(row: number, column: number): CellValue {
    const v = this.data.cell(row, column)?.value ?? '';
    return isDate(v) ? new Date(v.getTime()) : v;
  }

  note(row: number, column: number): string {
    return this.data.cell(row, column)?.note ?? '';
  }

  numberFormat(row: number, column: number): string | undefined {
    return this.data.cell(row, column)?.numberFormat;
  }

  fontWeight(row: number, column: number): string | undefined {
    return this.data.cell(row, column)?.fontWeight;
  }

  private grow(row: number, column: number): void {
    if (row > this.data.maxRows) this.data.maxRows = row;
    if (column > this.data.maxColumns) this.data.maxColumns = column;
  }

  /** Types a value into a cell: '=...' is a formula, "'" forces text, numbers become numbers. */
  setCell(row: number, column: number, value: unknown): this {
    this.grow(row, column);
    applyInput(this.data.ensure(row, column), value, this.workbook.timeZone);
    return this;
  }

  setValues(row: number, column: number, rows: unknown[][]): this {
    rows.forEach((values, i) => values.forEach((v, j) => this.setCell(row + i, column + j, v)));
    return this;
  }

  /** A formula with the result Sheets computed for it (this runtime evaluates no formulas). */
  setFormula(row: number, column: number, formula: string, result: CellValue = ''): this {
    this.grow(row, column);
    const cell = this.data.ensure(row, column);
    cell.formula = formula.startsWith('=') ? formula : `=${formula}`;
    cell.value = result;
    return this;
  }

  /** An error value such as '#N/A' or '#REF!' (getValues returns it as text). */
  setError(row: number, column: number, error: string): this {
    this.grow(row, column);
    const cell = this.data.ensure(row, column);
    cell.value = error;
    return this;
  }

  insertRowsBefore(row: number, count = 1): this {
    this.data.insertRows(row, count);
    return this;
  }

  deleteRow(row: number): this {
    this.data.deleteRows(row, 1);
    return this;
  }

  insertColumnsBefore(column: number, count = 1): this {
    this.data.insertColumns(column, count);
    return this;
  }

  /** Sorts the rows below the header as Sheets' "Sort range" does: numbers, text, booleans, blanks last. */
  sortBy(column: number, options: { ascending?: boolean; headerRows?: number } = {}): this {
    const ascending = options.ascending ?? true;
    const header = options.headerRows ?? 1;
    const last = this.data.lastRow();
    if (last <= header) return this;
    const rows = Array.from({ length: last - header }, (_, i) => this.data.rows[header + i] ?? []);
    const rank = (v: CellValue | undefined) =>
      v === undefined || v === ''
        ? 3
        : typeof v === 'number' || isDate(v)
          ? 0
          : typeof v === 'string'
            ? 1
            : 2;
    rows.sort((a, b) => {
      const x = a[column - 1]?.value;
      const y = b[column - 1]?.value;
      const rx = rank(x);
      const ry = rank(y);
      if (rx === 3 || ry === 3) return rx - ry;
      let d = rx - ry;
      if (d === 0) {
        if (rx === 0) d = Number(x) - Number(y);
        else if (rx === 1) d = String(x).localeCompare(String(y), 'en', { sensitivity: 'base' });
        else d = Number(x) - Number(y);
      }
      return ascending ? d : -d;
    });
    this.data.rows.splice(header, rows.length, ...rows);
    return this;
  }

  isHidden(): boolean {
    return this.data.hidden;
  }

  frozenRows(): number {
    return this.data.frozenRows;
  }

  rename(name: string): this {
    this.data.name = name;
    return this;
  }
}
