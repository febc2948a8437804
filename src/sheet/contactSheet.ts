/**
 * The contacts tab as the sync sees it: one block read of the used range and block writes.
 * Thin adapter over SpreadsheetApp; every call here is a round trip, so there are few.
 */
import type { CellBlock, CellRange } from './statusPlacement';
import type { ContactSheetPort } from './ports';
import { LOG_TAB_NAME } from './logTab';
import { SheetSetupError } from './setupError';
import { OLD_STATE_TAB_NAME, parseOldStateValues } from './oldStateTab';
import type { SyncState } from './syncRecord';
import { readUsedRange, SheetSession, writeGrowing } from './tabs';

type Spreadsheet = GoogleAppsScript.Spreadsheet.Spreadsheet;
type Sheet = GoogleAppsScript.Spreadsheet.Sheet;

export const DEFAULT_TAB_NAME = 'Contacts';

/**
 * The configured tab (never one of the add-on's own); else 'Contacts'; else the first tab
 * that is not one of the add-on's own.
 */
export function resolveContactsTab(spreadsheet: Spreadsheet, sheetName: string): Sheet {
  const wanted = sheetName.trim();
  const own = [LOG_TAB_NAME, OLD_STATE_TAB_NAME];
  if (wanted !== '') {
    // The add-on's own tabs are never contacts, whatever a form or an older setting names.
    if (own.includes(wanted)) throw new SheetSetupError({ kind: 'own-tab', tab: wanted });
    const named = spreadsheet.getSheetByName(wanted);
    if (!named) throw new SheetSetupError({ kind: 'no-such-tab', tab: wanted });
    return named;
  }
  const contacts = spreadsheet.getSheetByName(DEFAULT_TAB_NAME);
  if (contacts) return contacts;
  const first = spreadsheet.getSheets().find((sheet) => !own.includes(sheet.getName()));
  if (!first) throw new SheetSetupError({ kind: 'no-tab' });
  return first;
}

export class SpreadsheetContactSheet implements ContactSheetPort {
  private sheet: Sheet | null = null;
  private oldStateTab: Sheet | null = null;
  private readonly session: SheetSession;

  constructor(
    private readonly spreadsheet: Spreadsheet,
    private readonly sheetName: string,
    session?: SheetSession,
  ) {
    this.session = session ?? new SheetSession(spreadsheet);
  }

  private tab(): Sheet {
    if (!this.sheet) {
      this.sheet = resolveContactsTab(this.spreadsheet, this.sheetName);
      this.session.home = this.sheet;
    }
    return this.sheet;
  }

  tabName(): string {
    return this.sheetName.trim() || this.tab().getName();
  }

  readValues(): unknown[][] {
    return readUsedRange(this.tab());
  }

  readFormulas({ row, column, rows, columns }: CellRange): unknown[][] {
    return this.tab().getRange(row, column, rows, columns).getFormulas();
  }

  writeBlock(block: CellBlock): void {
    // Rows are only ever written where rows were read; a new column may need room.
    writeGrowing(this.tab(), block);
  }

  hideColumn(column: number): void {
    this.tab().hideColumns(column);
  }

  readOldRecords(): SyncState {
    this.oldStateTab = this.spreadsheet.getSheetByName(OLD_STATE_TAB_NAME);
    return this.oldStateTab ? parseOldStateValues(readUsedRange(this.oldStateTab)) : new Map();
  }

  removeOldRecords(): void {
    if (this.oldStateTab) this.spreadsheet.deleteSheet(this.oldStateTab);
    this.oldStateTab = null;
  }
}
