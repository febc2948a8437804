/**
 * The 'Keap Sync Log' tab: one row per finished run, newest at the bottom. Add-ons get no
 * failure e-mails from Google, so this is where unattended runs report themselves.
 */
import type { SyncSummary } from '../sync/summary';
import { formulaSafe } from './formulaSafe';
import { SheetSession } from './tabs';

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

const HOW: Record<SyncSummary['trigger'], string> = {
  daily: 'daily',
  menu: 'menu',
  sidebar: 'sidebar',
  continuation: 'follow-up',
};

export function logRow(summary: SyncSummary): unknown[] {
  return [
    new Date(summary.startedAt),
    HOW[summary.trigger],
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

export interface SyncLogPort {
  append(summary: SyncSummary): void;
}

export class SpreadsheetLogTab implements SyncLogPort {
  private readonly session: SheetSession;

  constructor(
    private readonly spreadsheet: Spreadsheet,
    session?: SheetSession,
  ) {
    this.session = session ?? new SheetSession(spreadsheet);
  }

  append(summary: SyncSummary): void {
    let sheet = this.spreadsheet.getSheetByName(LOG_TAB_NAME);
    if (!sheet) {
      sheet = this.session.insertTab(LOG_TAB_NAME);
      sheet.appendRow(LOG_HEADER);
    }
    sheet.appendRow(logRow(summary));
  }
}
