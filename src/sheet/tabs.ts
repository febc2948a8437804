type Spreadsheet = GoogleAppsScript.Spreadsheet.Spreadsheet;
type Sheet = GoogleAppsScript.Spreadsheet.Sheet;
type DeveloperMetadata = GoogleAppsScript.Spreadsheet.DeveloperMetadata;

/**
 * What the sheet adapters of one execution share, so no spreadsheet call is made twice:
 * the number of tabs (to add the add-on's own tabs at the end) and the tab the person works
 * in (shown again after a tab is added, since insertSheet makes the new tab the active one).
 */
export class SheetSession {
  private tabCount: number | null = null;
  private own: DeveloperMetadata[] | null = null;
  /** The contacts tab, once some adapter has found it. */
  home: Sheet | null = null;

  /** `watched`: false in a time-driven run, where nobody looks at the spreadsheet. */
  constructor(
    readonly spreadsheet: Spreadsheet,
    private readonly watched = true,
  ) {}

  /**
   * This script's developer metadata anywhere in the spreadsheet (the settings, the mark on
   * the log tab), found with one call per execution and shared by the adapters.
   */
  ownMetadata(): DeveloperMetadata[] {
    this.own ??= this.spreadsheet
      .createDeveloperMetadataFinder()
      .withVisibility(SpreadsheetApp.DeveloperMetadataVisibility.PROJECT)
      .find();
    return this.own;
  }

  /** Metadata was added: the next look finds it anew. */
  metadataChanged(): void {
    this.own = null;
  }

  /** Adds one of the add-on's own tabs at the end without leaving the person on it. */
  insertTab(name: string): Sheet {
    const returnTo = this.watched ? (this.home ?? this.spreadsheet.getActiveSheet()) : null;
    this.tabCount ??= this.spreadsheet.getNumSheets();
    const sheet = this.spreadsheet.insertSheet(name, this.tabCount);
    this.tabCount += 1;
    if (returnTo) returnTo.activate();
    return sheet;
  }
}

/**
 * The whole used range of a tab in one call (-1: up to the last row or column with data).
 * An empty tab has no last row, which getSheetValues refuses: the data range (A1 there)
 * is read instead, in two calls.
 */
export function readUsedRange(sheet: Sheet): unknown[][] {
  try {
    return sheet.getSheetValues(1, 1, -1, -1);
  } catch {
    return sheet.getDataRange().getValues();
  }
}

/**
 * Writes a block, adding columns first when the grid is too narrow for it (a new Sync Status
 * or Keap Sync Record column at the right edge). Checking the grid costs calls, so it is
 * done only after the write was refused.
 */
export function writeGrowing(
  sheet: Sheet,
  block: { row: number; column: number; values: unknown[][] },
): void {
  const { row, column, values } = block;
  const columns = values[0]?.length ?? 0;
  if (values.length === 0 || columns === 0) return;
  const write = () => sheet.getRange(row, column, values.length, columns).setValues(values);
  try {
    write();
  } catch (error) {
    if (!addColumnsUpTo(sheet, column + columns - 1)) throw error;
    write();
  }
}

function addColumnsUpTo(sheet: Sheet, lastColumn: number): boolean {
  const maxColumns = sheet.getMaxColumns();
  if (lastColumn <= maxColumns) return false;
  sheet.insertColumnsAfter(maxColumns, lastColumn - maxColumns);
  return true;
}
