/**
 * The spreadsheets' data as Google keeps it, independent of who looks (the script through
 * SpreadsheetApp, or a test acting as a person). Cells hold what Sheets holds: a string,
 * number, boolean or date, or '' when empty, plus an optional formula, note and formats.
 */
import { isDate } from './realm';
import { formatDate } from './formatDate';
import { zonedTimeToUtc } from './timeZone';

export type CellValue = string | number | boolean | Date;

export interface Cell {
  value: CellValue;
  formula?: string;
  note?: string;
  numberFormat?: string;
  fontWeight?: string;
  background?: string;
}

export const DEFAULT_ROWS = 1000;
export const DEFAULT_COLUMNS = 26;

export class SheetData {
  hidden = false;
  frozenRows = 0;
  frozenColumns = 0;
  deleted = false;
  /** 1-based numbers of the columns a person or script hid; they move with inserts and deletes. */
  hiddenColumns = new Set<number>();
  /** rows[r][c], 0-based, sparse: missing cells are empty. */
  rows: (Cell | undefined)[][] = [];

  constructor(
    public name: string,
    readonly sheetId: number,
    public maxRows = DEFAULT_ROWS,
    public maxColumns = DEFAULT_COLUMNS,
  ) {}

  cell(row: number, column: number): Cell | undefined {
    return this.rows[row - 1]?.[column - 1];
  }

  ensure(row: number, column: number): Cell {
    const r = (this.rows[row - 1] ??= []);
    return (r[column - 1] ??= { value: '' });
  }

  lastRow(): number {
    for (let r = this.rows.length; r >= 1; r--) {
      if (this.rows[r - 1]?.some((c) => c !== undefined && !isEmpty(c))) return r;
    }
    return 0;
  }

  lastColumn(): number {
    let last = 0;
    for (const row of this.rows) {
      if (!row) continue;
      for (let c = row.length; c > last; c--) {
        const cell = row[c - 1];
        if (cell && !isEmpty(cell)) {
          last = c;
          break;
        }
      }
    }
    return last;
  }

  insertRows(beforeRow: number, count: number): void {
    while (this.rows.length < beforeRow - 1) this.rows.push([]);
    this.rows.splice(beforeRow - 1, 0, ...Array.from({ length: count }, () => []));
    this.maxRows += count;
  }

  deleteRows(row: number, count: number): void {
    this.rows.splice(row - 1, count);
    this.maxRows -= count;
  }

  insertColumns(beforeColumn: number, count: number): void {
    for (const row of this.rows) {
      if (row && row.length >= beforeColumn - 1)
        row.splice(beforeColumn - 1, 0, ...new Array<undefined>(count));
    }
    this.hiddenColumns = new Set(
      [...this.hiddenColumns].map((c) => (c >= beforeColumn ? c + count : c)),
    );
    this.maxColumns += count;
  }

  deleteColumns(column: number, count: number): void {
    for (const row of this.rows) row?.splice(column - 1, count);
    this.hiddenColumns = new Set(
      [...this.hiddenColumns]
        .filter((c) => c < column || c >= column + count)
        .map((c) => (c >= column + count ? c - count : c)),
    );
    this.maxColumns -= count;
  }
}

export function isEmpty(cell: Cell): boolean {
  return cell.value === '' && !cell.formula;
}

export type MetadataVisibility = 'DOCUMENT' | 'PROJECT';

/** Developer metadata of the spreadsheet itself or of one of its sheets (rows and columns are not modelled). */
export interface DeveloperMetadataRecord {
  id: number;
  key: string;
  value: string | null;
  visibility: MetadataVisibility;
  /** The script project that made it: PROJECT metadata is visible to that project only. */
  project: string;
  /** Location SHEET: the sheet it moves and is deleted with; null: location SPREADSHEET. */
  sheet: SheetData | null;
}

/** Keys and values of all of a spreadsheet's developer metadata together, in characters. */
export const MAX_METADATA_CHARACTERS = 30_000;

export class Workbook {
  activeSheetIndex = 0;
  private nextSheetId = 0;
  private nextMetadataId = 0;
  readonly sheets: SheetData[] = [];
  readonly metadata: DeveloperMetadataRecord[] = [];

  constructor(
    readonly id: string,
    public name: string,
    public timeZone: string,
    /** As Apps Script names it ('en_US', 'de_DE'). Display values stay en_US-formatted here. */
    public locale = 'en_US',
  ) {}

  addSheet(
    name: string,
    rows = DEFAULT_ROWS,
    columns = DEFAULT_COLUMNS,
    index?: number,
  ): SheetData {
    // gid 0 for the first sheet, then ids that look like Google's.
    const id = this.nextSheetId === 0 ? 0 : 100000000 + this.nextSheetId * 7919;
    this.nextSheetId++;
    const sheet = new SheetData(name, id, rows, columns);
    if (index === undefined) this.sheets.push(sheet);
    else this.sheets.splice(index, 0, sheet);
    return sheet;
  }

  sheetByName(name: string): SheetData | undefined {
    return this.sheets.find((s) => s.name === name);
  }

  /** Characters all metadata would take with `change` applied (a record replaced or added). */
  metadataCharacters(change?: {
    replacing?: DeveloperMetadataRecord;
    key: string;
    value: string | null;
  }): number {
    let total = 0;
    for (const record of this.metadata) {
      if (record === change?.replacing) continue;
      total += record.key.length + (record.value?.length ?? 0);
    }
    if (change) total += change.key.length + (change.value?.length ?? 0);
    return total;
  }

  addMetadata(
    key: string,
    value: string | null,
    visibility: MetadataVisibility,
    project: string,
    sheet: SheetData | null = null,
  ): DeveloperMetadataRecord {
    // Ids look like Google's: positive, spreadsheet-scoped, not in creation order.
    this.nextMetadataId += 1;
    const id = 1000003 + this.nextMetadataId * 7717;
    const record = { id, key, value, visibility, project, sheet };
    this.metadata.push(record);
    return record;
  }

  removeSheet(sheet: SheetData): void {
    const i = this.sheets.indexOf(sheet);
    if (i >= 0) this.sheets.splice(i, 1);
    sheet.deleted = true;
    // A sheet's metadata goes with it.
    for (let m = this.metadata.length - 1; m >= 0; m--) {
      if (this.metadata[m].sheet === sheet) this.metadata.splice(m, 1);
    }
    if (this.activeSheetIndex >= this.sheets.length) this.activeSheetIndex = 0;
  }
}

// --- values as typed ------------------------------------------------------------------

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const GROUPED = /^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$/;
const PERCENT = /^[+-]?(\d+\.?\d*|\.\d+)%$/;
const ISO_DATE = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;

/**
 * What Sheets stores for a value written by setValue(s) or typed by a person: '=...' is a
 * formula, a leading apostrophe forces text (and is not kept), numeric-looking text becomes
 * a number, TRUE/FALSE become booleans, an ISO date becomes a date. A cell formatted as
 * plain text ('@') keeps text as it is.
 */
export function applyInput(cell: Cell, input: unknown, timeZone: string): void {
  delete cell.formula;
  if (input === null || input === undefined) {
    cell.value = '';
    return;
  }
  if (isDate(input)) {
    cell.value = new Date(input.getTime());
    return;
  }
  if (typeof input === 'number' || typeof input === 'boolean') {
    cell.value = input;
    return;
  }
  const text = String(input);
  if (cell.numberFormat === '@') {
    cell.value = text;
    return;
  }
  if (text.startsWith("'")) {
    cell.value = text.slice(1);
    return;
  }
  if (text.length > 1 && text.startsWith('=')) {
    cell.formula = text;
    cell.value = '';
    return;
  }
  if (NUMBER.test(text)) {
    cell.value = Number(text);
    return;
  }
  if (GROUPED.test(text)) {
    cell.value = Number(text.replace(/,/g, ''));
    return;
  }
  if (PERCENT.test(text)) {
    cell.value = Number(text.slice(0, -1)) / 100;
    return;
  }
  if (/^(true|false)$/i.test(text)) {
    cell.value = text.toLowerCase() === 'true';
    return;
  }
  const iso = ISO_DATE.exec(text);
  if (iso) {
    const [, y, mo, d, h, mi, s] = iso;
    const ms = zonedTimeToUtc(
      Number(y),
      Number(mo),
      Number(d),
      Number(h ?? 0),
      Number(mi ?? 0),
      Number(s ?? 0),
      timeZone,
    );
    cell.value = new Date(ms);
    cell.numberFormat ??= h === undefined ? 'yyyy-mm-dd' : 'yyyy-mm-dd hh:mm:ss';
    return;
  }
  cell.value = text;
}

/** The text Sheets shows for a cell (its default, automatic formats). */
export function displayValue(cell: Cell | undefined, timeZone: string): string {
  if (!cell) return '';
  const v = cell.value;
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (typeof v === 'number') return displayNumber(v);
  if (cell.numberFormat === 'yyyy-mm-dd') return formatDate(v.getTime(), timeZone, 'yyyy-MM-dd');
  if (cell.numberFormat === 'yyyy-mm-dd hh:mm:ss')
    return formatDate(v.getTime(), timeZone, 'yyyy-MM-dd HH:mm:ss');
  return formatDate(v.getTime(), timeZone, 'M/d/yyyy H:mm:ss');
}

function displayNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e15) return String(n);
  const text = String(Number(n.toPrecision(10)));
  return text.replace(/e([+-])(\d)$/, 'E$10$2').replace(/e/, 'E');
}

// --- A1 notation -----------------------------------------------------------------------

export function columnLetters(column: number): string {
  let s = '';
  let n = column;
  while (n > 0) {
    const rem = (n - 1) % 26;
    s = String.fromCharCode(65 + rem) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

function columnNumber(letters: string): number {
  let n = 0;
  for (const ch of letters.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}

export interface GridRect {
  row: number;
  column: number;
  numRows: number;
  numColumns: number;
}

/** 'B2', 'A1:C10', 'A:C', '2:5', 'A2:C' (open rows) within a sheet of the given size. */
export function parseA1(a1: string, maxRows: number, maxColumns: number): GridRect | null {
  const m = /^\$?([A-Za-z]+)?\$?(\d+)?(?::\$?([A-Za-z]+)?\$?(\d+)?)?$/.exec(a1.trim());
  if (!m || (!m[1] && !m[2])) return null;
  const [, c1, r1, c2, r2] = m;
  const single = !a1.includes(':');
  const startColumn = c1 ? columnNumber(c1) : 1;
  const startRow = r1 ? Number(r1) : 1;
  const endColumn = single
    ? c1
      ? startColumn
      : maxColumns
    : c2
      ? columnNumber(c2)
      : c1 && !r1
        ? startColumn
        : maxColumns;
  const endRow = single ? (r1 ? startRow : maxRows) : r2 ? Number(r2) : maxRows;
  const row = Math.min(startRow, endRow);
  const column = Math.min(startColumn, endColumn);
  return {
    row,
    column,
    numRows: Math.abs(endRow - startRow) + 1,
    numColumns: Math.abs(endColumn - startColumn) + 1,
  };
}

export function a1Notation(rect: GridRect): string {
  const start = `${columnLetters(rect.column)}${rect.row}`;
  if (rect.numRows === 1 && rect.numColumns === 1) return start;
  return `${start}:${columnLetters(rect.column + rect.numColumns - 1)}${rect.row + rect.numRows - 1}`;
}
