/**
 * SpreadsheetApp and its Spreadsheet, Sheet and Range objects over the shared Workbook data.
 * Every call on them is one round trip to Google: counted in the ledger and charged
 * `spreadsheetCallMs` of virtual time.
 */
import { instrument, SELF, type Execution } from './execution';
import type { Host } from './host';
import { isDate } from './realm';
import {
  a1Notation,
  applyInput,
  displayValue,
  isEmpty,
  parseA1,
  type Cell,
  type CellValue,
  type DeveloperMetadataRecord,
  type GridRect,
  MAX_METADATA_CHARACTERS,
  type MetadataVisibility,
  type SheetData,
  type Workbook,
} from './sheetModel';
import { createUi } from './ui';

const sheetOf = new WeakMap<object, SheetData>();

const DeveloperMetadataVisibility = { DOCUMENT: 'DOCUMENT', PROJECT: 'PROJECT' };
const DeveloperMetadataLocationType = {
  SPREADSHEET: 'SPREADSHEET',
  SHEET: 'SHEET',
  ROW: 'ROW',
  COLUMN: 'COLUMN',
};

export function createSpreadsheetApp(
  exec: Execution,
  host: Host,
): GoogleAppsScript.Spreadsheet.SpreadsheetApp {
  const open = (id: string) => {
    const wb = host.workbooks.get(id);
    if (!wb)
      exec.fail(
        'Unexpected error while getting the method or property openById on object SpreadsheetApp.',
      );
    return spreadsheetObject(exec, host, wb);
  };
  const impl = {
    DeveloperMetadataVisibility,
    DeveloperMetadataLocationType,
    getActiveSpreadsheet() {
      exec.requireAuth('LIMITED', 'SpreadsheetApp.getActiveSpreadsheet');
      return exec.spreadsheetId === null ? null : open(exec.spreadsheetId);
    },
    getActive() {
      return impl.getActiveSpreadsheet();
    },
    getActiveSheet() {
      const ss = impl.getActiveSpreadsheet();
      return ss ? ss.getActiveSheet() : null;
    },
    openById(id: string) {
      exec.requireAuth('FULL', 'SpreadsheetApp.openById');
      return open(String(id));
    },
    openByUrl(url: string) {
      exec.requireAuth('FULL', 'SpreadsheetApp.openByUrl');
      const m = /\/d\/([^/]+)/.exec(String(url));
      return open(m?.[1] ?? '');
    },
    getUi() {
      if (exec.timeDriven || exec.spreadsheetId === null) {
        exec.fail('Cannot call SpreadsheetApp.getUi() from this context.');
      }
      return createUi(exec);
    },
    flush() {
      // Writes are applied at once here; flush only costs its round trip.
    },
  };
  return instrument(exec, 'SpreadsheetApp', impl, {
    spreadsheet: true,
    uncounted: ['getUi'],
  }) as never;
}

/** The Spreadsheet object for an event's `source`, built without a service call. */
export function spreadsheetForEvent(exec: Execution, host: Host, spreadsheetId: string): object {
  const wb = host.workbooks.get(spreadsheetId);
  if (!wb) throw new Error(`No spreadsheet ${spreadsheetId}`);
  return spreadsheetObject(exec, host, wb);
}

function spreadsheetObject(exec: Execution, host: Host, wb: Workbook) {
  const sheet = (s: SheetData) => sheetObject(exec, host, wb, s);
  const impl = {
    getId: () => wb.id,
    getName: () => wb.name,
    rename(name: string) {
      wb.name = String(name);
    },
    getUrl: () => `https://docs.google.com/spreadsheets/d/${wb.id}/edit`,
    getSpreadsheetTimeZone: () => wb.timeZone,
    setSpreadsheetTimeZone(tz: string) {
      wb.timeZone = String(tz);
    },
    getSpreadsheetLocale: () => wb.locale,
    setSpreadsheetLocale(locale: string) {
      wb.locale = String(locale);
    },
    getSheets: () => exec.realm.array(wb.sheets.map(sheet)),
    getNumSheets: () => wb.sheets.length,
    getSheetByName(name: string) {
      const s = wb.sheetByName(String(name));
      return s ? sheet(s) : null;
    },
    getSheetById(id: number) {
      const s = wb.sheets.find((x) => x.sheetId === id);
      return s ? sheet(s) : null;
    },
    getActiveSheet() {
      const s = wb.sheets[wb.activeSheetIndex] ?? wb.sheets[0];
      return s ? sheet(s) : null;
    },
    setActiveSheet(target: object) {
      const s = sheetOf.get(target);
      if (s) wb.activeSheetIndex = wb.sheets.indexOf(s);
      return target;
    },
    insertSheet(nameOrIndex?: string | number, maybeIndex?: number) {
      let name = typeof nameOrIndex === 'string' ? nameOrIndex : undefined;
      const index = typeof nameOrIndex === 'number' ? nameOrIndex : maybeIndex;
      if (name !== undefined && wb.sheetByName(name)) {
        exec.fail(`A sheet with the name "${name}" already exists. Please enter another name.`);
      }
      if (name === undefined) {
        let n = wb.sheets.length + 1;
        while (wb.sheetByName(`Sheet${n}`)) n++;
        name = `Sheet${n}`;
      }
      const created = wb.addSheet(name, undefined, undefined, index);
      wb.activeSheetIndex = wb.sheets.indexOf(created);
      return sheet(created);
    },
    deleteSheet(target: object) {
      const s = sheetOf.get(target);
      if (!s || s.deleted) exec.fail('Sheet not found');
      if (wb.sheets.filter((x) => !x.hidden && x !== s).length === 0) {
        exec.fail("You can't remove all the visible sheets in a document.");
      }
      wb.removeSheet(s);
    },
    getRange(a1: string) {
      const text = String(a1);
      const bang = text.lastIndexOf('!');
      const sheetName = bang >= 0 ? text.slice(0, bang).replace(/^'(.*)'$/, '$1') : undefined;
      const s =
        sheetName === undefined
          ? (wb.sheets[wb.activeSheetIndex] ?? wb.sheets[0])
          : wb.sheetByName(sheetName);
      if (!s) exec.fail('Range not found');
      return rangeFromA1(exec, host, wb, s, bang >= 0 ? text.slice(bang + 1) : text);
    },
    addDeveloperMetadata(key: unknown, value?: unknown, visibility?: unknown) {
      addMetadata(exec, host, wb, null, 'Spreadsheet', key, value, visibility);
      return SELF;
    },
    getDeveloperMetadata() {
      return metadataAt(exec, host, wb, null);
    },
    createDeveloperMetadataFinder() {
      return metadataFinder(exec, host, wb);
    },
    toast(message: unknown, title?: unknown, timeoutSeconds?: number) {
      exec.ui.push({
        type: 'toast',
        message: String(message),
        ...(title === undefined ? {} : { title: String(title) }),
        ...(timeoutSeconds === undefined ? {} : { timeoutSeconds }),
      });
    },
  };
  return instrument(exec, 'Spreadsheet', impl, {
    spreadsheet: true,
    // Making a finder is local: only its find() asks Google.
    uncounted: ['createDeveloperMetadataFinder'],
  });
}

// --- developer metadata (of the spreadsheet and of its sheets; rows and columns are not modelled)

/** (key), (key, visibility), (key, value), (key, value, visibility), on the spreadsheet or a sheet. */
function addMetadata(
  exec: Execution,
  host: Host,
  wb: Workbook,
  sheet: SheetData | null,
  kind: string,
  key: unknown,
  second?: unknown,
  third?: unknown,
): void {
  // The runtime's enums are their names, so a second argument that names a visibility is one.
  const secondIsVisibility = third === undefined && isVisibility(second);
  const value = secondIsVisibility || second === undefined ? null : metadataText(exec, second);
  const visibility = secondIsVisibility ? second : third === undefined ? 'DOCUMENT' : third;
  if (!isVisibility(visibility)) {
    exec.fail(
      `The parameters (String,String,String) don't match the method signature for SpreadsheetApp.${kind}.addDeveloperMetadata.`,
    );
  }
  const name = metadataKey(exec, key);
  checkMetadataSize(exec, wb, { key: name, value });
  wb.addMetadata(name, value, visibility, host.scriptId, sheet);
}

/** The metadata at exactly this location (the spreadsheet itself, or one sheet). */
function metadataAt(exec: Execution, host: Host, wb: Workbook, sheet: SheetData | null) {
  return exec.realm.array(
    wb.metadata
      .filter((record) => record.sheet === sheet && visibleTo(host, record))
      .map((record) => metadataObject(exec, host, wb, record)),
  );
}

function isVisibility(value: unknown): value is MetadataVisibility {
  return value === 'DOCUMENT' || value === 'PROJECT';
}

/** PROJECT metadata is seen only by the project that made it; DOCUMENT metadata by all. */
function visibleTo(host: Host, record: DeveloperMetadataRecord): boolean {
  return record.visibility === 'DOCUMENT' || record.project === host.scriptId;
}

function metadataKey(exec: Execution, key: unknown): string {
  if (typeof key !== 'string' || key === '') {
    exec.fail('Invalid argument: key');
  }
  return key;
}

function metadataText(exec: Execution, value: unknown): string | null {
  if (value === null) return null;
  if (typeof value !== 'string') exec.fail('Invalid argument: value');
  return value;
}

function checkMetadataSize(
  exec: Execution,
  wb: Workbook,
  change: { replacing?: DeveloperMetadataRecord; key: string; value: string | null },
): void {
  if (wb.metadataCharacters(change) > MAX_METADATA_CHARACTERS) {
    exec.fail(
      `The developer metadata of this spreadsheet would exceed ${MAX_METADATA_CHARACTERS} characters.`,
    );
  }
}

/**
 * One metadata record as the script holds it. Its getters read the answer Google already
 * sent (the Sheets API returns whole records), so they are not round trips; every change is.
 */
function metadataObject(
  exec: Execution,
  host: Host,
  wb: Workbook,
  record: DeveloperMetadataRecord,
): object {
  const live = () => {
    if (!wb.metadata.includes(record)) exec.fail('The developer metadata no longer exists.');
  };
  const impl = {
    getId: () => record.id,
    getKey: () => record.key,
    getValue: () => record.value,
    getVisibility: () => record.visibility,
    // The location comes with the record (a sheet by its id), so reading it is no round trip.
    getLocation: () => ({
      getLocationType: () => (record.sheet ? 'SHEET' : 'SPREADSHEET'),
      getSpreadsheet: () => (record.sheet ? null : spreadsheetObject(exec, host, wb)),
      getSheet: () => (record.sheet ? sheetObject(exec, host, wb, record.sheet) : null),
      getRow: () => null,
      getColumn: () => null,
    }),
    setKey(key: unknown) {
      live();
      const name = metadataKey(exec, key);
      checkMetadataSize(exec, wb, { replacing: record, key: name, value: record.value });
      record.key = name;
      return SELF;
    },
    setValue(value: unknown) {
      live();
      const text = metadataText(exec, value);
      checkMetadataSize(exec, wb, { replacing: record, key: record.key, value: text });
      record.value = text;
      return SELF;
    },
    setVisibility(visibility: unknown) {
      live();
      if (!isVisibility(visibility)) exec.fail('Invalid argument: visibility');
      record.visibility = visibility;
      return SELF;
    },
    moveToSpreadsheet() {
      live();
      record.sheet = null;
      return SELF;
    },
    remove() {
      live();
      wb.metadata.splice(wb.metadata.indexOf(record), 1);
    },
  };
  return instrument(exec, 'DeveloperMetadata', impl, {
    spreadsheet: true,
    uncounted: ['getId', 'getKey', 'getValue', 'getVisibility', 'getLocation'],
  });
}

/**
 * Spreadsheet.createDeveloperMetadataFinder(): searches every location of the spreadsheet;
 * filters are local, find() is the round trip.
 */
function metadataFinder(exec: Execution, host: Host, wb: Workbook): object {
  const filters: ((record: DeveloperMetadataRecord) => boolean)[] = [];
  const impl = {
    withKey(key: unknown) {
      const wanted = String(key);
      filters.push((record) => record.key === wanted);
      return SELF;
    },
    withValue(value: unknown) {
      const wanted = String(value);
      filters.push((record) => record.value === wanted);
      return SELF;
    },
    withId(id: unknown) {
      const wanted = Number(id);
      filters.push((record) => record.id === wanted);
      return SELF;
    },
    withVisibility(visibility: unknown) {
      if (!isVisibility(visibility)) exec.fail('Invalid argument: visibility');
      filters.push((record) => record.visibility === visibility);
      return SELF;
    },
    withLocationType(type: unknown) {
      filters.push((record) => type === (record.sheet ? 'SHEET' : 'SPREADSHEET'));
      return SELF;
    },
    onIntersectingLocations: () => SELF,
    find() {
      return exec.realm.array(
        wb.metadata
          .filter((record) => visibleTo(host, record) && filters.every((f) => f(record)))
          .map((record) => metadataObject(exec, host, wb, record)),
      );
    },
  };
  return instrument(exec, 'DeveloperMetadataFinder', impl, {
    spreadsheet: true,
    uncounted: [
      'withKey',
      'withValue',
      'withId',
      'withVisibility',
      'withLocationType',
      'onIntersectingLocations',
    ],
  });
}

function sheetObject(exec: Execution, host: Host, wb: Workbook, s: SheetData): object {
  const range = (rect: GridRect) => rangeObject(exec, host, wb, s, rect);
  const checkRow = (n: number, label = 'row') => {
    if (!Number.isInteger(n) || n < 1) exec.fail(`Those ${label}s are out of bounds.`);
  };
  const checkColumns = (column: number, count: number) => {
    const inGrid = Number.isInteger(column) && Number.isInteger(count) && column >= 1 && count >= 1;
    if (!inGrid || column + count - 1 > s.maxColumns) exec.fail('Those columns are out of bounds.');
  };
  const impl = {
    getName: () => s.name,
    setName(name: string) {
      if (wb.sheetByName(String(name)) && s.name !== name) {
        exec.fail(`A sheet with the name "${name}" already exists. Please enter another name.`);
      }
      s.name = String(name);
      return SELF;
    },
    getSheetId: () => s.sheetId,
    getIndex: () => wb.sheets.indexOf(s) + 1,
    getParent: () => spreadsheetObject(exec, host, wb),
    getType: () => 'GRID',
    getRange(...args: unknown[]) {
      if (args.length === 1 && typeof args[0] === 'string')
        return rangeFromA1(exec, host, wb, s, args[0]);
      const [row, column, numRows = 1, numColumns = 1] = args as number[];
      if (
        ![row, column, numRows, numColumns].every(
          (n) => typeof n === 'number' && Number.isFinite(n),
        )
      ) {
        const types = args
          .map((a) => (a === null ? 'null' : typeof a === 'string' ? 'String' : typeof a))
          .join(',');
        exec.fail(
          `The parameters (${types}) don't match the method signature for SpreadsheetApp.Sheet.getRange.`,
        );
      }
      return range(checkedRect(exec, s, { row: row!, column: column!, numRows, numColumns }));
    },
    getDataRange() {
      return range({
        row: 1,
        column: 1,
        numRows: Math.max(1, s.lastRow()),
        numColumns: Math.max(1, s.lastColumn()),
      });
    },
    getSheetValues(row: number, column: number, numRows: number, numColumns: number) {
      const rect = checkedRect(exec, s, {
        row,
        column,
        numRows: numRows === -1 ? s.lastRow() - row + 1 : numRows,
        numColumns: numColumns === -1 ? s.lastColumn() - column + 1 : numColumns,
      });
      return readValues(exec, s, rect);
    },
    getLastRow: () => s.lastRow(),
    getLastColumn: () => s.lastColumn(),
    getMaxRows: () => s.maxRows,
    getMaxColumns: () => s.maxColumns,
    insertRowBefore(row: number) {
      checkRow(row);
      s.insertRows(row, 1);
      return SELF;
    },
    insertRowsBefore(row: number, count: number) {
      checkRow(row);
      s.insertRows(row, count);
      return SELF;
    },
    insertRowAfter(row: number) {
      checkRow(row);
      s.insertRows(row + 1, 1);
      return SELF;
    },
    insertRowsAfter(row: number, count: number) {
      checkRow(row);
      s.insertRows(row + 1, count);
      return SELF;
    },
    deleteRow(row: number) {
      checkRow(row);
      if (row > s.maxRows) exec.fail('Those rows are out of bounds.');
      s.deleteRows(row, 1);
      return SELF;
    },
    deleteRows(row: number, count: number) {
      checkRow(row);
      if (row + count - 1 > s.maxRows) exec.fail('Those rows are out of bounds.');
      s.deleteRows(row, count);
      return SELF;
    },
    insertColumnBefore(column: number) {
      checkRow(column, 'column');
      s.insertColumns(column, 1);
      return SELF;
    },
    insertColumnsBefore(column: number, count: number) {
      checkRow(column, 'column');
      s.insertColumns(column, count);
      return SELF;
    },
    insertColumnAfter(column: number) {
      checkRow(column, 'column');
      s.insertColumns(column + 1, 1);
      return SELF;
    },
    insertColumnsAfter(column: number, count: number) {
      checkRow(column, 'column');
      s.insertColumns(column + 1, count);
      return SELF;
    },
    deleteColumn(column: number) {
      checkRow(column, 'column');
      s.deleteColumns(column, 1);
      return SELF;
    },
    deleteColumns(column: number, count: number) {
      checkRow(column, 'column');
      s.deleteColumns(column, count);
      return SELF;
    },
    appendRow(values: unknown[]) {
      if (!Array.isArray(values))
        exec.fail(
          "The parameters (Object) don't match the method signature for SpreadsheetApp.Sheet.appendRow.",
        );
      const row = s.lastRow() + 1;
      if (row > s.maxRows) s.maxRows = row;
      if (values.length > s.maxColumns) s.maxColumns = values.length;
      values.forEach((v, i) => applyInput(s.ensure(row, i + 1), v, wb.timeZone));
      return SELF;
    },
    hideSheet() {
      if (wb.sheets.filter((x) => !x.hidden && x !== s).length === 0) {
        exec.fail("You can't hide all the sheets in a document.");
      }
      s.hidden = true;
      return SELF;
    },
    showSheet() {
      s.hidden = false;
      return SELF;
    },
    isSheetHidden: () => s.hidden,
    hideColumns(column: number, count = 1) {
      checkColumns(column, count);
      for (let c = column; c < column + count; c++) s.hiddenColumns.add(c);
    },
    showColumns(column: number, count = 1) {
      checkColumns(column, count);
      for (let c = column; c < column + count; c++) s.hiddenColumns.delete(c);
    },
    isColumnHiddenByUser(column: number) {
      checkColumns(column, 1);
      return s.hiddenColumns.has(column);
    },
    setFrozenRows(n: number) {
      s.frozenRows = n;
    },
    getFrozenRows: () => s.frozenRows,
    setFrozenColumns(n: number) {
      s.frozenColumns = n;
    },
    getFrozenColumns: () => s.frozenColumns,
    activate() {
      wb.activeSheetIndex = wb.sheets.indexOf(s);
      return SELF;
    },
    clear() {
      s.rows = [];
      return SELF;
    },
    clearContents() {
      for (const row of s.rows) for (const cell of row ?? []) if (cell) clearCellContent(cell);
      return SELF;
    },
    clearFormats() {
      for (const row of s.rows) for (const cell of row ?? []) if (cell) clearCellFormat(cell);
      return SELF;
    },
    setColumnWidth: () => SELF,
    setColumnWidths: () => SELF,
    autoResizeColumn: () => SELF,
    autoResizeColumns: () => SELF,
    setTabColor: () => SELF,
    addDeveloperMetadata(key: unknown, value?: unknown, visibility?: unknown) {
      addMetadata(exec, host, wb, s, 'Sheet', key, value, visibility);
      return SELF;
    },
    getDeveloperMetadata() {
      return metadataAt(exec, host, wb, s);
    },
  };
  const wrapped = instrument(exec, 'Sheet', impl, { spreadsheet: true });
  sheetOf.set(wrapped, s);
  return wrapped;
}

function checkedRect(exec: Execution, s: SheetData, rect: GridRect): GridRect {
  if (rect.row < 1) exec.fail('The starting row of the range is too small.');
  if (rect.column < 1) exec.fail('The starting column of the range is too small.');
  if (rect.numRows < 1) exec.fail('The number of rows in the range must be at least 1.');
  if (rect.numColumns < 1) exec.fail('The number of columns in the range must be at least 1.');
  if (rect.row + rect.numRows - 1 > s.maxRows || rect.column + rect.numColumns - 1 > s.maxColumns) {
    exec.fail('The coordinates of the range are outside the dimensions of the sheet.');
  }
  return rect;
}

function rangeFromA1(exec: Execution, host: Host, wb: Workbook, s: SheetData, a1: string) {
  const rect = parseA1(a1, s.maxRows, s.maxColumns);
  if (!rect) exec.fail('Range not found');
  return rangeObject(exec, host, wb, s, checkedRect(exec, s, rect));
}

function readValues(exec: Execution, s: SheetData, rect: GridRect): CellValue[][] {
  return grid(exec, rect, (r, c) => {
    const v = s.cell(r, c)?.value ?? '';
    return isDate(v) ? exec.realm.date(v.getTime()) : v;
  });
}

function grid<T>(
  exec: Execution,
  rect: GridRect,
  cellFn: (row: number, column: number) => T,
): T[][] {
  const rows = new exec.realm.Array<T[]>();
  for (let r = rect.row; r < rect.row + rect.numRows; r++) {
    const row = new exec.realm.Array<T>();
    for (let c = rect.column; c < rect.column + rect.numColumns; c++) row.push(cellFn(r, c));
    rows.push(row);
  }
  return rows;
}

function clearCellContent(cell: Cell): void {
  cell.value = '';
  delete cell.formula;
}

function clearCellFormat(cell: Cell): void {
  delete cell.numberFormat;
  delete cell.fontWeight;
  delete cell.background;
}

function rangeObject(
  exec: Execution,
  host: Host,
  wb: Workbook,
  s: SheetData,
  rect: GridRect,
): object {
  const each = (fn: (cell: Cell, r: number, c: number) => void) => {
    for (let r = rect.row; r < rect.row + rect.numRows; r++) {
      for (let c = rect.column; c < rect.column + rect.numColumns; c++) fn(s.ensure(r, c), r, c);
    }
  };
  /** Checks a 2-D argument against the range's size with Apps Script's own messages. */
  const checkGrid = (data: unknown, method: string): unknown[][] => {
    if (!Array.isArray(data) || !data.every((row) => Array.isArray(row))) {
      exec.fail(
        `The parameters (${typeof data}) don't match the method signature for SpreadsheetApp.Range.${method}.`,
      );
    }
    if (data.length !== rect.numRows) {
      exec.fail(
        `The number of rows in the data does not match the number of rows in the range. The data has ${data.length} but the range has ${rect.numRows}.`,
      );
    }
    for (const row of data as unknown[][]) {
      if (row.length !== rect.numColumns) {
        exec.fail(
          `The number of columns in the data does not match the number of columns in the range. The data has ${row.length} but the range has ${rect.numColumns}.`,
        );
      }
    }
    return data as unknown[][];
  };
  const at = <T>(data: T[][], r: number, c: number): T => data[r - rect.row]![c - rect.column]!;
  const topLeft = () => s.cell(rect.row, rect.column);
  const impl = {
    getSheet: () => sheetObject(exec, host, wb, s),
    getRow: () => rect.row,
    getColumn: () => rect.column,
    getNumRows: () => rect.numRows,
    getNumColumns: () => rect.numColumns,
    getHeight: () => rect.numRows,
    getWidth: () => rect.numColumns,
    getLastRow: () => rect.row + rect.numRows - 1,
    getLastColumn: () => rect.column + rect.numColumns - 1,
    getA1Notation: () => a1Notation(rect),
    getCell(row: number, column: number) {
      if (row < 1 || column < 1 || row > rect.numRows || column > rect.numColumns) {
        exec.fail('Cell reference out of range');
      }
      return rangeObject(exec, host, wb, s, {
        row: rect.row + row - 1,
        column: rect.column + column - 1,
        numRows: 1,
        numColumns: 1,
      });
    },
    offset(rowOffset: number, columnOffset: number, numRows?: number, numColumns?: number) {
      return rangeObject(
        exec,
        host,
        wb,
        s,
        checkedRect(exec, s, {
          row: rect.row + rowOffset,
          column: rect.column + columnOffset,
          numRows: numRows ?? rect.numRows,
          numColumns: numColumns ?? rect.numColumns,
        }),
      );
    },
    getValues: () => readValues(exec, s, rect),
    getValue() {
      const v = topLeft()?.value ?? '';
      return isDate(v) ? exec.realm.date(v.getTime()) : v;
    },
    getDisplayValues: () => grid(exec, rect, (r, c) => displayValue(s.cell(r, c), wb.timeZone)),
    getDisplayValue: () => displayValue(topLeft(), wb.timeZone),
    isBlank() {
      for (let r = rect.row; r < rect.row + rect.numRows; r++) {
        for (let c = rect.column; c < rect.column + rect.numColumns; c++) {
          const cell = s.cell(r, c);
          if (cell && !isEmpty(cell)) return false;
        }
      }
      return true;
    },
    setValues(values: unknown) {
      const data = checkGrid(values, 'setValues');
      each((cell, r, c) => applyInput(cell, at(data, r, c), wb.timeZone));
      return SELF;
    },
    setValue(value: unknown) {
      each((cell) => applyInput(cell, value, wb.timeZone));
      return SELF;
    },
    getFormulas: () => grid(exec, rect, (r, c) => s.cell(r, c)?.formula ?? ''),
    getFormula: () => topLeft()?.formula ?? '',
    setFormula(formula: string) {
      each((cell) => applyInput(cell, formula, wb.timeZone));
      return SELF;
    },
    setFormulas(formulas: unknown) {
      const data = checkGrid(formulas, 'setFormulas');
      each((cell, r, c) => applyInput(cell, at(data, r, c), wb.timeZone));
      return SELF;
    },
    getNote: () => topLeft()?.note ?? '',
    getNotes: () => grid(exec, rect, (r, c) => s.cell(r, c)?.note ?? ''),
    setNote(note: unknown) {
      each((cell) => {
        if (note === null || note === '') delete cell.note;
        else cell.note = String(note);
      });
      return SELF;
    },
    setNotes(notes: unknown) {
      const data = checkGrid(notes, 'setNotes');
      each((cell, r, c) => {
        const note = at(data, r, c);
        if (note === null || note === '') delete cell.note;
        else cell.note = String(note);
      });
      return SELF;
    },
    clearNote() {
      each((cell) => delete cell.note);
      return SELF;
    },
    getNumberFormat: () => topLeft()?.numberFormat ?? 'General',
    getNumberFormats: () => grid(exec, rect, (r, c) => s.cell(r, c)?.numberFormat ?? 'General'),
    setNumberFormat(format: string) {
      each((cell) => (cell.numberFormat = String(format)));
      return SELF;
    },
    setNumberFormats(formats: unknown) {
      const data = checkGrid(formats, 'setNumberFormats');
      each((cell, r, c) => (cell.numberFormat = String(at(data, r, c))));
      return SELF;
    },
    getFontWeight: () => topLeft()?.fontWeight ?? 'normal',
    setFontWeight(weight: string | null) {
      each((cell) => {
        if (weight === null) delete cell.fontWeight;
        else cell.fontWeight = String(weight);
      });
      return SELF;
    },
    setFontWeights(weights: unknown) {
      const data = checkGrid(weights, 'setFontWeights');
      each((cell, r, c) => (cell.fontWeight = String(at(data, r, c))));
      return SELF;
    },
    getBackground: () => topLeft()?.background ?? '#ffffff',
    setBackground(color: string | null) {
      each((cell) => {
        if (color === null) delete cell.background;
        else cell.background = String(color);
      });
      return SELF;
    },
    setFontColor: () => SELF,
    setFontStyle: () => SELF,
    setHorizontalAlignment: () => SELF,
    setVerticalAlignment: () => SELF,
    setWrap: () => SELF,
    activate: () => SELF,
    clearContent() {
      each(clearCellContent);
      return SELF;
    },
    clearFormat() {
      each(clearCellFormat);
      return SELF;
    },
    clear() {
      each((cell) => {
        clearCellContent(cell);
        clearCellFormat(cell);
        delete cell.note;
      });
      return SELF;
    },
  };
  return instrument(exec, 'Range', impl, { spreadsheet: true });
}
