/**
 * Functions Apps Script calls for the sync: sidebar buttons (google.script.run) and the
 * time-driven triggers. Thin: the work is in src/sync. Each checks its arguments first: the
 * browser can call any of them.
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
export function syncNow(...args: unknown[]): SyncSummary {
  checkNoArguments('syncNow', args);
  return sync.runSync('sidebar');
}

/** What a sync would change; sends nothing and changes no cell. */
export function previewSync(...args: unknown[]): SyncPreview {
  checkNoArguments('previewSync', args);
  return sync.previewSync();
}

export function enableDailySync(...args: unknown[]): DailySyncStatus {
  return sync.enableDailySync(checkHourArgument('enableDailySync', args));
}

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

export function saveSettings(...args: unknown[]): { ok: boolean; errors: string[] } {
  // Only the form's fields, each short text; the settings module checks what they mean.
  const settings = checkSettingsArgument('saveSettings', args) as unknown as SyncSettings;
  return sync.saveSettings(settings);
}

/** The settings form's choices: the tabs, and the headers in row 1 of the tab chosen. */
export function getSettingsChoices(...args: unknown[]): SettingsChoices {
  return sync.getSettingsChoices(checkSettingsChoicesArgument('getSettingsChoices', args));
}

export function getSyncStatus(...args: unknown[]): SyncStatusView {
  checkNoArguments('getSyncStatus', args);
  return sync.getSyncStatus();
}
