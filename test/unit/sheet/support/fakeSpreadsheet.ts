/**
 * A small SpreadsheetApp Spreadsheet stand-in that counts every method call on the
 * spreadsheet, its sheets and ranges (the strictest way to count round trips).
 */
type Grid = unknown[][];

export class CallCounter {
  calls: string[] = [];
  count(name: string): void {
    this.calls.push(name);
  }
}

class FakeRange {
  constructor(
    private readonly sheet: FakeSheet,
    private readonly row: number,
    private readonly column: number,
    private readonly rows: number,
    private readonly columns: number,
  ) {}

  getValues(): Grid {
    this.sheet.counter.count('Range.getValues');
    return Array.from({ length: this.rows }, (_, i) =>
      Array.from(
        { length: this.columns },
        (_, j) => this.sheet.cells[this.row - 1 + i]?.[this.column - 1 + j] ?? '',
      ),
    );
  }

  getFormulas(): Grid {
    this.sheet.counter.count('Range.getFormulas');
    return Array.from({ length: this.rows }, (_, i) =>
      Array.from(
        { length: this.columns },
        (_, j) => this.sheet.formulas.get(`${this.row + i},${this.column + j}`) ?? '',
      ),
    );
  }

  setValues(values: Grid): this {
    this.sheet.counter.count('Range.setValues');
    if (values.length !== this.rows || values.some((r) => r.length !== this.columns)) {
      throw new Error('The number of rows or columns in the data does not match the range.');
    }
    values.forEach((cells, i) =>
      cells.forEach((cell, j) => {
        this.sheet.formulas.delete(`${this.row + i},${this.column + j}`);
        const row = (this.sheet.cells[this.row - 1 + i] ??= []);
        row[this.column - 1 + j] =
          typeof cell === 'string' && cell.startsWith("'") ? cell.slice(1) : cell;
      }),
    );
    return this;
  }
}

export class FakeSheet {
  /** 1-based numbers of the hidden columns. */
  readonly hiddenColumns = new Set<number>();
  /** Formulas by "row,column" (1-based); the cell's value stays in `cells`. */
  readonly formulas = new Map<string, string>();
  constructor(
    public name: string,
    public cells: Grid,
    readonly counter: CallCounter,
  ) {}

  private lastRow(): number {
    for (let r = this.cells.length; r > 0; r--) {
      if ((this.cells[r - 1] ?? []).some((c) => c !== '' && c !== undefined && c !== null))
        return r;
    }
    return 0;
  }

  private lastColumn(): number {
    let last = 0;
    for (const row of this.cells) {
      row.forEach((cell, i) => {
        if (cell !== '' && cell !== undefined && cell !== null) last = Math.max(last, i + 1);
      });
    }
    return last;
  }

  getName(): string {
    this.counter.count('Sheet.getName');
    return this.name;
  }
  getLastColumn(): number {
    this.counter.count('Sheet.getLastColumn');
    return this.lastColumn();
  }
  /**
   * One call for a block of values; -1 rows or columns: up to the last row or column with
   * data. Like Sheets, an empty tab has no such range and the call throws.
   */
  getSheetValues(row: number, column: number, rows: number, columns: number): Grid {
    this.counter.count('Sheet.getSheetValues');
    const height = rows === -1 ? this.lastRow() - row + 1 : rows;
    const width = columns === -1 ? this.lastColumn() - column + 1 : columns;
    if (height < 1) throw new Error('The number of rows in the range must be at least 1.');
    if (width < 1) throw new Error('The number of columns in the range must be at least 1.');
    return Array.from({ length: height }, (_, i) =>
      Array.from({ length: width }, (_, j) => this.cells[row - 1 + i]?.[column - 1 + j] ?? ''),
    );
  }
  getDataRange(): FakeRange {
    this.counter.count('Sheet.getDataRange');
    return new FakeRange(this, 1, 1, Math.max(this.lastRow(), 1), Math.max(this.lastColumn(), 1));
  }
  getRange(row: number, column: number, rows: number, columns: number): FakeRange {
    this.counter.count('Sheet.getRange');
    return new FakeRange(this, row, column, rows, columns);
  }
  appendRow(values: unknown[]): this {
    this.counter.count('Sheet.appendRow');
    this.cells[this.lastRow()] = [...values];
    return this;
  }
  hideColumns(column: number, count = 1): this {
    this.counter.count('Sheet.hideColumns');
    for (let c = column; c < column + count; c++) this.hiddenColumns.add(c);
    return this;
  }
  activate(): this {
    this.counter.count('Sheet.activate');
    return this;
  }
}

export class FakeSpreadsheet {
  readonly counter = new CallCounter();
  readonly sheets: FakeSheet[] = [];

  constructor(tabs: Record<string, Grid>) {
    for (const [name, cells] of Object.entries(tabs))
      this.sheets.push(new FakeSheet(name, cells, this.counter));
  }

  tab(name: string): FakeSheet | undefined {
    return this.sheets.find((s) => s.name === name);
  }

  getId(): string {
    this.counter.count('Spreadsheet.getId');
    return 'fake-id';
  }
  getSheetByName(name: string): FakeSheet | null {
    this.counter.count('Spreadsheet.getSheetByName');
    return this.tab(name) ?? null;
  }
  getSheets(): FakeSheet[] {
    this.counter.count('Spreadsheet.getSheets');
    return [...this.sheets];
  }
  getActiveSheet(): FakeSheet | null {
    this.counter.count('Spreadsheet.getActiveSheet');
    return this.sheets[0] ?? null;
  }
  getNumSheets(): number {
    this.counter.count('Spreadsheet.getNumSheets');
    return this.sheets.length;
  }
  insertSheet(name: string, index = 0): FakeSheet {
    this.counter.count('Spreadsheet.insertSheet');
    const sheet = new FakeSheet(name, [], this.counter);
    this.sheets.splice(index, 0, sheet);
    return sheet;
  }

  deleteSheet(sheet: FakeSheet): void {
    this.counter.count('Spreadsheet.deleteSheet');
    this.sheets.splice(this.sheets.indexOf(sheet), 1);
  }

  /** Typed as the real service for the adapters. */
  asSpreadsheet(): GoogleAppsScript.Spreadsheet.Spreadsheet {
    return this as unknown as GoogleAppsScript.Spreadsheet.Spreadsheet;
  }
}
