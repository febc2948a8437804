/**
 * The 'Keap Sync Log' tab: one row per finished run, newest at the bottom. Add-ons get no
 * failure e-mails from Google, so this is where unattended runs report themselves.
 */
import { formulaSafe } from './formulaSafe';
import type { LogEntry, SyncLogPort } from './ports';
import { SheetSession } from './tabs';

type Sheet = GoogleAppsScript.Spreadsheet.Sheet;

type Spreadsheet = GoogleAppsScript.Spreadsheet.Spreadsheet;

export const LOG_TAB_NAME = 'Keap Sync Log';

export const LOG_HEADER = [
  'When',
  'How',
  'Rows seen',
  'Emails updated',
  'Opted out',
  'Unchanged',
  'Errors',
  'Keap requests',
  'Duration (s)',
  'Outcome',
  'Message',
];

/** How each trigger reads in the log's 'How' column; other names are written as they are. */
const HOW: Readonly<Record<string, string>> = { continuation: 'follow-up' };

export function logRow(summary: LogEntry): unknown[] {
  return [
    new Date(summary.startedAt),
    HOW[summary.trigger] ?? summary.trigger,
    summary.rowsSeen,
    summary.emailsUpdated,
    summary.optedOut,
    summary.unchanged,
    summary.errors,
    summary.keapRequests,
    Math.round(summary.durationMs / 100) / 10,
    summary.outcome,
    formulaSafe(summary.message),
  ];
}

/** Key of the developer metadata that marks the log tab (its value is empty). */
export const LOG_TAB_MARK = 'keapSync.logTab';

export class SpreadsheetLogTab implements SyncLogPort {
  private readonly session: SheetSession;

  constructor(
    private readonly spreadsheet: Spreadsheet,
    session?: SheetSession,
  ) {
    this.session = session ?? new SheetSession(spreadsheet);
  }

  /**
   * The log tab is found by the mark it carries (developer metadata of the tab, read with the
   * settings in the same call), so a run does not also look it up by name; a tab without the
   * mark (made by an earlier version) is found by name once and marked.
   */
  append(summary: LogEntry): void {
    let sheet = this.markedTab();
    if (!sheet) {
      sheet = this.spreadsheet.getSheetByName(LOG_TAB_NAME);
      if (!sheet) {
        sheet = this.session.insertTab(LOG_TAB_NAME);
        sheet.appendRow(LOG_HEADER);
      }
      this.mark(sheet);
    }
    sheet.appendRow(logRow(summary));
  }

  private markedTab(): Sheet | null {
    try {
      const mark = this.session.ownMetadata().find((found) => found.getKey() === LOG_TAB_MARK);
      return mark?.getLocation().getSheet() ?? null;
    } catch {
      // Without the marks the tab is found by its name.
      return null;
    }
  }

  private mark(sheet: Sheet): void {
    try {
      sheet.addDeveloperMetadata(LOG_TAB_MARK, SpreadsheetApp.DeveloperMetadataVisibility.PROJECT);
      this.session.metadataChanged();
    } catch {
      // Unmarked, it is found by name again next time (e.g. the spreadsheet's metadata is full).
    }
  }
}
