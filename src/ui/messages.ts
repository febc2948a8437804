/**
 * The words of the menu's alerts and prompts. Pure: the entry points show them with
 * SpreadsheetApp.getUi(); times are formatted by a function the caller passes in, because
 * the spreadsheet's time zone lives on the server side.
 */
import type { ConnectionStatus } from '../connection/status';
import { KeapError } from '../keap/model';
import type { PreviewCounts, RowChangePreview, SyncPreview } from '../sync/preview';
import {
  clockTimeOf,
  connectionProblemWords,
  keapFailureWords,
  sheetSetupWords,
} from '../sync/statusText';
import { SheetSetupError } from '../sheet/setupError';
import type { SyncSummary } from '../sync/summary';
import type { DailySyncStatus } from '../sync/triggers';
import type { Where } from '../sync/dateText';
import { redactSecrets } from './redactSecrets';

export interface AlertText {
  title: string;
  body: string;
}

/** Formats an ISO 8601 time for a person, e.g. in the spreadsheet's time zone. */
export type FormatTime = (iso: string) => string;

const ALERT_TITLE = 'Keap Sync';
const DEFAULT_DAILY_HOUR = 6;
/** How many rows an alert lists before saying "and N more". */
export const ALERT_ROW_LIMIT = 10;

export function syncSummaryAlert(summary: SyncSummary): AlertText {
  switch (summary.outcome) {
    case 'busy':
      return alert(
        'A sync is already running for this spreadsheet. Try again when it has finished.',
      );
    case 'needs-reconnect':
      return alert(reconnectText(summary.message), 'Nothing was changed in Keap.');
    case 'failed':
      return alert(
        `The sync stopped: ${clean(summary.message)}`,
        countsLine(summary),
        errorRowsLine(summary.errorRows, summary.errors),
      );
    case 'continuing':
      // The message already counts what was done so far: the counts are not said twice.
      return alert(
        // When (and whether) the rest continues is the run's own message, as it was arranged:
        // in a few minutes, at the next firing, or once Keap is connected again.
        'The sync did part of the sheet.',
        clean(summary.message),
        errorRowsLine(summary.errorRows, summary.errors),
      );
    case 'interrupted':
      return alert('The last sync was interrupted before it finished.', clean(summary.message));
    case 'daily-limit':
      return alert(
        "The sync paused: Keap's daily request limit was reached. It continues by itself after Keap resets the limit.",
        clean(summary.message),
        `So far: ${countsLine(summary)}`,
        errorRowsLine(summary.errorRows, summary.errors),
      );
    case 'completed':
    default:
      // The message counts the run ("Synced 120 rows: ..."): the counts are not said twice.
      return alert(
        summary.errors > 0 ? 'The sync finished, with errors on some rows.' : 'The sync finished.',
        clean(summary.message) || countsLine(summary),
        errorRowsLine(summary.errorRows, summary.errors),
      );
  }
}

function countsLine(summary: SyncSummary): string {
  return [
    `${summary.rowsSeen} ${plural(summary.rowsSeen, 'row')} checked`,
    `${summary.emailsUpdated} ${plural(summary.emailsUpdated, 'email')} updated`,
    `${summary.optedOut} opted out`,
    `${summary.unchanged} unchanged`,
    `${summary.errors} ${plural(summary.errors, 'error')}`,
  ].join(', ');
}

/** "Rows with errors: 7, 12 and 3 more (see each row's status)." — null when there are none. */
export function errorRowsLine(errorRows: number[], errorCount: number): string | null {
  if (errorCount <= 0 && errorRows.length === 0) return null;
  if (errorRows.length === 0) return 'See the status column for the rows with errors.';
  const shown = errorRows.slice(0, ALERT_ROW_LIMIT);
  const more = Math.max(errorCount, errorRows.length) - shown.length;
  const list = shown.join(', ') + (more > 0 ? ` and ${more} more` : '');
  const label = shown.length === 1 && more === 0 ? 'Row with an error' : 'Rows with errors';
  return `${label}: ${list} (see the status column).`;
}

function reconnectText(reason: string): string {
  return `Reconnect to Keap from the sidebar: ${clean(reason)}`;
}

/** The preview's counts; a preview without them (an older server) is counted by its rows. */
function previewCounts(preview: SyncPreview): PreviewCounts {
  return (
    preview.counts ?? {
      emailChanges: preview.changes.filter(changesEmail).length,
      optOuts: preview.changes.filter((change) => change.optOut).length,
      errors: preview.errors.length,
      unchanged: preview.unchanged,
    }
  );
}

export function previewAlert(preview: SyncPreview): AlertText {
  const { emailChanges, optOuts, errors, unchanged } = previewCounts(preview);
  const stopped = preview.stopped ? clean(preview.stopped) : null;
  if (preview.rowsSeen === 0) {
    return alert('The sheet has no rows to sync yet.', stopped ?? clean(preview.message));
  }
  const inKeap = optedOutInKeapLines(preview);
  if (preview.changes.length === 0 && errors === 0 && !stopped) {
    return alert(
      `A sync now would change nothing: all ${preview.rowsSeen} ${plural(preview.rowsSeen, 'row')} match Keap or were synced already.`,
      inKeap,
    );
  }
  const headline =
    (stopped ? `The preview could not check every row: ${stopped}\n\nSo far, a` : 'A') +
    ` sync now would make ${emailChanges} email ${plural(emailChanges, 'change')} and ` +
    `${optOuts} ${plural(optOuts, 'opt-out')}; ${errors} ${plural(errors, 'row')} ` +
    `${errors === 1 ? 'has an error' : 'have errors'}; ${unchanged} unchanged ` +
    `(of ${preview.rowsSeen} ${plural(preview.rowsSeen, 'row')}). Nothing was changed yet.`;
  const rows = [...preview.changes, ...preview.errors].sort((a, b) => a.row - b.row);
  const listed = rows.slice(0, ALERT_ROW_LIMIT).map(describeRowChange);
  const more = rows.length - listed.length;
  return alert(
    headline,
    listed.join('\n'),
    more > 0 ? `…and ${more} more: open the sidebar to see every row.` : null,
    inKeap,
  );
}

/** Rows Keap shows opted out whose Opt Out is not ticked; null when none. */
function optedOutInKeapLines(preview: SyncPreview): string | null {
  const rows = preview.optedOutInKeap ?? [];
  if (rows.length === 0) return null;
  const listed = rows
    .slice(0, ALERT_ROW_LIMIT)
    .map((r) => `Row ${r.row}: ${r.email}: ${r.keapStatus}`);
  return [
    'Opted out in Keap, but Opt Out is not ticked (the add-on never opts anyone back in):',
    ...listed,
  ].join('\n');
}

/** One line per row: "Row 5 (contact 12): a@x.com → b@x.com, opt out". */
export function describeRowChange(change: RowChangePreview): string {
  const where = `Row ${change.row}${change.contactId ? ` (contact ${change.contactId})` : ''}`;
  if (change.error) return `${where}: ${clean(change.error)}`;
  const parts: string[] = [];
  if (changesEmail(change)) parts.push(`${change.emailFrom ?? '(no email)'} → ${change.emailTo}`);
  if (change.optOut) parts.push('opt out');
  return `${where}: ${parts.length > 0 ? parts.join(', ') : 'no change'}`;
}

function changesEmail(change: RowChangePreview): boolean {
  return change.emailTo !== null && change.emailTo !== change.emailFrom;
}

export type HourInput = { ok: true; hour: number } | { ok: false; error: string };

/**
 * Reads the hour a person typed: "6", "06", "6:00", "18", "6 pm", "12am"; empty means the
 * suggested default. Anything else is refused with words saying what to type.
 */
export function parseHour(text: string, defaultHour: number = DEFAULT_DAILY_HOUR): HourInput {
  const input = text.trim();
  if (input === '') return { ok: true, hour: defaultHour };
  const match = /^(\d{1,2})(?::00)?\s*([ap]\.?m\.?)?$/i.exec(input);
  if (match) {
    const value = Number(match[1]);
    const meridiem = match[2]?.toLowerCase().replace(/\./g, '');
    if (!meridiem && value >= 0 && value <= 23) return { ok: true, hour: value };
    if (meridiem && value >= 1 && value <= 12) {
      return { ok: true, hour: (value % 12) + (meridiem === 'pm' ? 12 : 0) };
    }
  }
  return {
    ok: false,
    error: `"${input}" is not an hour of the day. Type a whole hour from 0 to 23, for example 6 for 6 AM or 18 for 6 PM. The daily sync was not changed.`,
  };
}

export function hourPrompt(timeZone: string): AlertText {
  return alert(
    `At which hour should the daily sync run? Type 0 to 23 (${timeZone} time, the spreadsheet's time zone). Leave it empty for ${DEFAULT_DAILY_HOUR} (${formatHour(DEFAULT_DAILY_HOUR)}).`,
  );
}

/** 6 -> "06:00". */
function formatHour(hour: number): string {
  return `${String(hour).padStart(2, '0')}:00`;
}

export function dailyEnabledAlert(status: DailySyncStatus, formatTime: FormatTime): AlertText {
  if (!status.enabled || status.hour === null) {
    return alert('The daily sync could not be turned on. Open the sidebar to see why.');
  }
  const end = formatHour((status.hour + 1) % 24);
  return alert(
    `The daily sync is on: every day between ${formatHour(status.hour)} and ${end} (${status.timeZone} time); Google picks the minute.`,
    status.nextRunAfter
      ? `Next run: ${formatTime(status.nextRunAfter)} or within the hour after.`
      : null,
    status.owner
      ? `It runs as ${status.owner}, even when the spreadsheet is closed.`
      : 'It runs even when the spreadsheet is closed.',
  );
}

export function dailyDisabledAlert(status: DailySyncStatus): AlertText {
  return status.enabled
    ? alert(
        `The daily sync is still on${status.owner ? ` (set up by ${status.owner})` : ''}. Try again${status.owner ? `, or ask ${status.owner} to turn it off` : ''}.`,
      )
    : alert('The daily sync is off. You can still sync from the menu or the sidebar.');
}

export const DISCONNECT_CONFIRM: AlertText = alert(
  'Disconnect this spreadsheet from Keap?',
  'Syncing, including the daily sync, stops until you connect again. Nothing in Keap or in the sheet is deleted.',
);

export function disconnectedAlert(status: ConnectionStatus): AlertText {
  if (status.state === 'connected') {
    return alert('Keap is still connected: the disconnect did not finish. Try again.');
  }
  return alert('Disconnected from Keap. Open the sidebar to connect again.');
}

/** An exception as plain words: "Could not sync: Keap did not answer." */
export function failureAlert(action: string, error: unknown): AlertText {
  return alert(`Could not ${action}: ${errorInWords(error)}`);
}

function errorInWords(error: unknown): string {
  if (error instanceof KeapError) {
    const { failure } = error;
    return failure.kind === 'unauthorized'
      ? reconnectText(connectionProblemWords(failure.problem))
      : clean(keapFailureWords(failure, error.reading));
  }
  if (error instanceof SheetSetupError) return clean(sheetSetupWords(error.problem));
  const message = error instanceof Error ? error.message : String(error ?? '');
  return clean(message) || 'something went wrong, with no further detail.';
}

/** Trims Apps Script's "Exception: " prefix and anything token-shaped. */
function clean(text: string): string {
  return redactSecrets(String(text ?? '').replace(/^(Exception|Error):\s*/, '')).trim();
}

function alert(...lines: (string | null)[]): AlertText {
  return {
    title: ALERT_TITLE,
    body: lines.filter((line): line is string => Boolean(line)).join('\n\n'),
  };
}

function plural(n: number, word: string): string {
  return n === 1 ? word : `${word}s`;
}

export const TRIGGER_REPAIRED_TEXT = 'The daily sync had lost its trigger; it was put back.';

export function dailyPausedText(): string {
  return 'Daily sync paused: Keap is disconnected.';
}

/** The button that turns a paused daily sync back on at its kept hour. */
export function resumeDailyLabel(hour: number): string {
  return `Turn the daily sync back on (at ${formatHour(hour)})`;
}

/** The time of day of an ISO time where the spreadsheet reads it; the sync's own clock words. */
export function clockTime(iso: string, where: Where): string {
  const epochMs = Date.parse(iso);
  return Number.isFinite(epochMs) ? clockTimeOf(epochMs, where) : iso.slice(11, 16);
}

/** The same moment in UTC, on the spreadsheet locale's clock ("12:00 AM UTC" en-US). */
function utcTime(iso: string, where: Where): string {
  return `${clockTime(iso, { ...where, timeZone: 'UTC' })} UTC`;
}

/**
 * The sidebar's notice while a run waits for Keap's daily request limit to reset (usually
 * 00:00 UTC; shown in the spreadsheet's time zone, and in UTC).
 */
export function dailyLimitText(continuesAt: string, where: Where): string {
  return `Keap's daily request limit for this add-on was reached, so the sync paused. It continues after ${clockTime(continuesAt, where)} (${utcTime(continuesAt, where)}), when Keap resets the limit; nothing needs doing.`;
}

/**
 * The sidebar's notice while a run stopped at Keap's daily request limit but nothing will
 * continue it by itself: Keap is disconnected, or no trigger is there to continue it.
 */
export function dailyLimitStalledText(until: string, where: Where, disconnected: boolean): string {
  const reset = `${clockTime(until, where)} (${utcTime(until, where)})`;
  return disconnected
    ? `Keap's daily request limit for this add-on was reached, so the sync paused. Keap is disconnected now, so it does not continue by itself: connect to Keap again, and it continues after ${reset}.`
    : `Keap's daily request limit for this add-on was reached, so the sync paused, and no trigger is set to continue it. Sync again after ${reset} to finish it.`;
}

/**
 * An execution that Google stopped, said to the person who started it, and to others without
 * naming anyone (their address is theirs to show); never "a sync by another person is
 * running" once its lease has expired.
 */
export function interruptedText(
  view: { byYou: boolean; continuesAt: string | null },
  where: Where,
): string {
  const who = view.byYou ? 'Your last sync' : 'A sync of this spreadsheet';
  const when = view.continuesAt
    ? `it continues at the next run (about ${clockTime(view.continuesAt, where)}).`
    : 'sync again to finish it.';
  return `${who} was interrupted; ${when}`;
}
