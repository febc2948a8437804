import { removeBundles, runtimeWith } from './testSupport';

afterAll(removeBundles);

const BUNDLE = `
function sheet_(name) { return SpreadsheetApp.getActiveSpreadsheet().getSheetByName(name || 'Contacts'); }
function readAll() { return sheet_().getDataRange().getValues(); }
function readDisplay() { return sheet_().getDataRange().getDisplayValues(); }
function writeRow(row, values) { sheet_().getRange(row, 1, 1, values.length).setValues([values]); }
function writeBad() { sheet_().getRange(2, 1, 2, 3).setValues([[1, 2, 3]]); }
function writeNarrow() { sheet_().getRange(2, 1, 1, 3).setValues([[1, 2]]); }
function outside() { return sheet_().getRange(1, 1, 5000, 1); }
function a1(notation) { var r = sheet_().getRange(notation); return [r.getA1Notation(), r.getRow(), r.getColumn(), r.getNumRows(), r.getNumColumns()]; }
function activeIsNull() { return SpreadsheetApp.getActiveSpreadsheet() === null; }
function openAndRead(id) { return SpreadsheetApp.openById(id).getSheetByName('Contacts').getRange('A2').getValue(); }
function addStatusColumn() {
  var s = sheet_();
  s.insertColumnAfter(s.getLastColumn());
  s.getRange(1, s.getLastColumn() + 1).setValue('Status').setFontWeight('bold');
  s.getRange(2, 4, 2, 1).setNotes([['ok'], ['bad']]);
  return [s.getLastColumn(), s.getMaxColumns()];
}
function makeLogTab() {
  var ss = SpreadsheetApp.getActiveSpreadsheet();
  var log = ss.getSheetByName('Log') || ss.insertSheet('Log');
  log.appendRow(['when', 'what']);
  log.appendRow([new Date(), 'synced']);
  log.hideSheet();
  return ss.getSheets().map(function (s) { return s.getName(); });
}
function duplicate() { SpreadsheetApp.getActiveSpreadsheet().insertSheet('Contacts'); }
function hideThird() { sheet_().hideColumns(3); return [sheet_().isColumnHiddenByUser(3), sheet_().isColumnHiddenByUser(2)]; }
function insertBeforeSecond() { sheet_().insertColumnBefore(2); }
function deleteFirst() { sheet_().deleteColumn(1); }
function showAll() { sheet_().showColumns(1, 3); }
function hideOutside() { sheet_().hideColumns(26, 2); }
`;

function setup() {
  const rt = runtimeWith(BUNDLE);
  const id = rt.createSpreadsheet({
    name: 'Keap list',
    sheets: {
      Contacts: [
        ['Contact ID', 'Email', 'Opt out'],
        [101, 'ann@example.com', false],
        ['102', 'bob@example.com', 'TRUE'],
      ],
    },
  });
  return { rt, id, ctx: { spreadsheetId: id } };
}

describe('values as Sheets stores them', () => {
  test('numeric-looking text becomes a number and TRUE a boolean, as when typed', () => {
    const { rt, ctx } = setup();
    expect(rt.run('readAll', [], ctx).value).toEqual([
      ['Contact ID', 'Email', 'Opt out'],
      [101, 'ann@example.com', false],
      [102, 'bob@example.com', true],
    ]);
  });

  test("a leading apostrophe keeps text and is not shown; '=' stores a formula", () => {
    const { rt, id, ctx } = setup();
    rt.run('writeRow', [4, ["'00123", '=A2*2', "'=not a formula"]], ctx);
    const sheet = rt.sheet(id, 'Contacts');
    expect(sheet.values()[3]).toEqual(['00123', '', '=not a formula']);
    expect(sheet.formulas()[3]).toEqual(['', '=A2*2', '']);
    sheet.setFormula(4, 2, '=A2*2', 202);
    expect(rt.run<unknown[][]>('readAll', [], ctx).value?.[3]).toEqual([
      '00123',
      202,
      '=not a formula',
    ]);
  });

  test('display values follow Sheets formatting, error values read back as text', () => {
    const { rt, id, ctx } = setup();
    rt.sheet(id, 'Contacts')
      .setError(3, 1, '#N/A')
      .setCell(4, 1, 0.5)
      .setCell(4, 2, new Date(Date.UTC(2025, 1, 3, 9, 5)));
    expect(rt.run<string[][]>('readDisplay', [], ctx).value?.slice(2)).toEqual([
      ['#N/A', 'bob@example.com', 'TRUE'],
      ['0.5', '2/3/2025 9:05:00', ''],
    ]);
    expect(rt.run<unknown[][]>('readAll', [], ctx).value?.[2]?.[0]).toBe('#N/A');
  });

  test("a write whose size does not match the range throws Apps Script's error and writes nothing", () => {
    const { rt, id, ctx } = setup();
    const before = rt.sheet(id, 'Contacts').values();
    expect(rt.run('writeBad', [], ctx).error?.message).toBe(
      'The number of rows in the data does not match the number of rows in the range. The data has 1 but the range has 2.',
    );
    expect(rt.run('writeNarrow', [], ctx).error?.message).toBe(
      'The number of columns in the data does not match the number of columns in the range. The data has 2 but the range has 3.',
    );
    expect(rt.sheet(id, 'Contacts').values()).toEqual(before);
    expect(rt.run('outside', [], ctx).error?.message).toBe(
      'The coordinates of the range are outside the dimensions of the sheet.',
    );
  });

  test('A1 notation resolves to the same rows and columns', () => {
    const { rt, ctx } = setup();
    expect(rt.run('a1', ['B2:C3'], ctx).value).toEqual(['B2:C3', 2, 2, 2, 2]);
    expect(rt.run('a1', ['C5'], ctx).value).toEqual(['C5', 5, 3, 1, 1]);
    expect(rt.run('a1', ['A2:C'], ctx).value).toEqual(['A2:C1000', 2, 1, 999, 3]);
  });
});

describe('documents', () => {
  test('without an active document getActiveSpreadsheet() is null and openById still works', () => {
    const { rt, id } = setup();
    expect(rt.run('activeIsNull', [], { spreadsheetId: null }).value).toBe(true);
    expect(rt.run('openAndRead', [id], { spreadsheetId: null }).value).toBe(101);
  });

  test('columns, notes, formats, new tabs, appended rows and hidden tabs are kept', () => {
    const { rt, id, ctx } = setup();
    expect(rt.run('addStatusColumn', [], ctx).value).toEqual([4, 27]);
    const sheet = rt.sheet(id, 'Contacts');
    expect(sheet.values()[0]).toEqual(['Contact ID', 'Email', 'Opt out', 'Status']);
    expect(sheet.fontWeight(1, 4)).toBe('bold');
    expect(sheet.notes().map((r) => r[3])).toEqual(['', 'ok', 'bad']);

    const made = rt.run('makeLogTab', [], ctx);
    expect(made.value).toEqual(['Contacts', 'Log']);
    const log = rt.sheet(id, 'Log');
    expect(log.isHidden()).toBe(true);
    expect(log.values()).toEqual([
      ['when', 'what'],
      // new Date() ran after four spreadsheet calls of 50 ms each.
      [new Date(made.startedAt + 4 * 50), 'synced'],
    ]);
    expect(rt.run('duplicate', [], ctx).error?.message).toBe(
      'A sheet with the name "Contacts" already exists. Please enter another name.',
    );
  });

  test('hidden columns keep their values, move with inserted and deleted columns, and are bounded', () => {
    const { rt, id, ctx } = setup();
    const sheet = rt.sheet(id, 'Contacts');
    expect(rt.run('hideThird', [], ctx).value).toEqual([true, false]);
    expect(sheet.hiddenColumns()).toEqual([3]);
    // getValues still returns a hidden column, as in Sheets.
    expect(rt.run<unknown[][]>('readAll', [], ctx).value?.[1]).toEqual([
      101,
      'ann@example.com',
      false,
    ]);
    rt.run('insertBeforeSecond', [], ctx);
    expect(sheet.hiddenColumns()).toEqual([4]);
    rt.run('deleteFirst', [], ctx);
    expect(sheet.hiddenColumns()).toEqual([3]);
    expect(sheet.values()[0]).toEqual(['', 'Email', 'Opt out']);
    rt.run('showAll', [], ctx);
    expect(sheet.hiddenColumns()).toEqual([]);
    expect(rt.run('hideOutside', [], ctx).error?.message).toBe('Those columns are out of bounds.');
  });

  test('a person sorting and inserting rows moves the data under the script', () => {
    const { rt, id, ctx } = setup();
    const sheet = rt.sheet(id, 'Contacts');
    sheet.sortBy(1, { ascending: false });
    sheet.insertRowsBefore(2);
    sheet.setCell(2, 2, 'new@example.com');
    expect(rt.run('readAll', [], ctx).value).toEqual([
      ['Contact ID', 'Email', 'Opt out'],
      ['', 'new@example.com', ''],
      [102, 'bob@example.com', true],
      [101, 'ann@example.com', false],
    ]);
    sheet.deleteRow(2);
    expect(sheet.values()[1]?.[0]).toBe(102);
  });
});
