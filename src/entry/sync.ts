/**
 * Functions Apps Script calls for the sync: sidebar buttons (google.script.run) and the
 * time-driven triggers. Thin: the work is in src/sync.
 */
import * as sync from '../sync';
import type {
  DailySyncStatus,
  SyncPreview,
  SyncSettings,
  SyncStatusView,
  SyncSummary,
} from '../sync';

/** "Sync now" in the sidebar. */
export function syncNow(): SyncSummary {
  return sync.runSync('sidebar');
}

/** What a sync would change; sends nothing and changes no cell. */
export function previewSync(): SyncPreview {
  return sync.previewSync();
}

export function enableDailySync(hour: number): DailySyncStatus {
  return sync.enableDailySync(hour);
}

export function disableDailySync(): DailySyncStatus {
  return sync.disableDailySync();
}

/** The daily time-driven trigger. Apps Script ignores the summary; the log tab keeps it. */
export function dailySync(e?: GoogleAppsScript.Events.TimeDriven): SyncSummary | null {
  return sync.runDailySync(e);
}

/** The one-off follow-up trigger of a sync that did not finish in one execution. */
export function continueSync(e?: GoogleAppsScript.Events.TimeDriven): SyncSummary | null {
  return sync.runContinuation(e);
}

export function saveSettings(settings: SyncSettings): { ok: boolean; errors: string[] } {
  return sync.saveSettings(settings);
}

export function getSyncStatus(): SyncStatusView {
  return sync.getSyncStatus();
}
