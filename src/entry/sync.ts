/**
 * Functions Apps Script calls for the sync: sidebar buttons (google.script.run) and the
 * time-driven triggers. Thin: the work is in src/sync. Each checks its arguments first: the
 * browser can call any of them.
 *
 * The sidebar's functions declare the call the sidebar makes (an overload: its types are what
 * src/ui/client/bridge.ts offers the client); the body behind it trusts no argument.
 */
import * as sync from '../sync';
import type {
  DailySyncStatus,
  SettingsChoices,
  SyncPreview,
  SyncSettings,
  SyncStatusView,
  SyncSummary,
} from '../sync';
import {
  ArgumentError,
  checkHourArgument,
  checkNoArguments,
  checkSettingsArgument,
  checkSettingsChoicesArgument,
  checkTriggerEvent,
} from './callArguments';

/**
 * A trigger handler called from a page (google.script.run) could forge any event: the id must
 * name one of this person's own triggers for this very handler.
 */
function checkFiredBy(fn: string, args: unknown[]): GoogleAppsScript.Events.TimeDriven {
  const { triggerUid } = checkTriggerEvent(fn, args);
  const own = ScriptApp.getProjectTriggers().some(
    (t) => t.getUniqueId() === triggerUid && t.getHandlerFunction() === fn,
  );
  if (!own) throw new ArgumentError(fn, 'it runs only from its own trigger.');
  return args[0] as GoogleAppsScript.Events.TimeDriven;
}

/** "Sync now" in the sidebar. */
export function syncNow(): SyncSummary;
export function syncNow(...args: unknown[]): SyncSummary {
  checkNoArguments('syncNow', args);
  return sync.runSync('sidebar');
}

/** What a sync would change; sends nothing and changes no cell. */
export function previewSync(): SyncPreview;
export function previewSync(...args: unknown[]): SyncPreview {
  checkNoArguments('previewSync', args);
  return sync.previewSync();
}

/**
 * Turns the daily sync on (or moves it) for the caller.
 * @param hour the hour of the day it runs, 0 to 23, in the spreadsheet's time zone
 */
export function enableDailySync(hour: number): DailySyncStatus;
export function enableDailySync(...args: unknown[]): DailySyncStatus {
  return sync.enableDailySync(checkHourArgument('enableDailySync', args));
}

/** Turns the caller's daily sync off. */
export function disableDailySync(): DailySyncStatus;
export function disableDailySync(...args: unknown[]): DailySyncStatus {
  checkNoArguments('disableDailySync', args);
  return sync.disableDailySync();
}

/** The daily time-driven trigger. Apps Script ignores the summary; the log tab keeps it. */
export function dailySync(...args: unknown[]): SyncSummary | null {
  return sync.runDailySync(checkFiredBy('dailySync', args));
}

/** The one-off follow-up trigger of a sync that did not finish in one execution. */
export function continueSync(...args: unknown[]): SyncSummary | null {
  return sync.runContinuation(checkFiredBy('continueSync', args));
}

/**
 * Saves the sheet settings after checking them against the tab's row 1.
 * @param settings the form's fields; '' means the default
 */
export function saveSettings(settings: SyncSettings): { ok: boolean; errors: string[] };
export function saveSettings(...args: unknown[]): { ok: boolean; errors: string[] } {
  // Only the form's fields, each short text; the settings module checks what they mean.
  const settings = checkSettingsArgument('saveSettings', args) as unknown as SyncSettings;
  return sync.saveSettings(settings);
}

/**
 * The settings form's choices: the tabs, and the headers in row 1 of the tab chosen.
 * @param choice the tab the form has chosen ('' the default tab); absent: the saved one
 */
export function getSettingsChoices(choice?: { sheetName: string }): SettingsChoices;
export function getSettingsChoices(...args: unknown[]): SettingsChoices {
  return sync.getSettingsChoices(checkSettingsChoicesArgument('getSettingsChoices', args));
}

/** This spreadsheet's sync as the sidebar shows it (getSidebarState carries it too). */
export function getSyncStatus(): SyncStatusView;
export function getSyncStatus(...args: unknown[]): SyncStatusView {
  checkNoArguments('getSyncStatus', args);
  return sync.getSyncStatus();
}
