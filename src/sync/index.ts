/**
 * The sync as the entry points and the sidebar see it. Every value returned here is plain
 * JSON (no Date objects): google.script.run cannot pass anything else.
 */
import { keepConnectionAlive } from '../connection';
import { resolveContactsTab, SheetSetupError } from '../sheet/contactSheet';
import { matchHeaders } from '../sheet/headers';
import { previewWith, type SyncPreview } from './preview';
import { SYNC_LIMITS } from './budget';
import { closeExhaustedRun, isUnattended, runSyncWith } from './runSync';
import {
  authorizationRequired,
  openSpreadsheet,
  openSpreadsheetWithId,
  previewPorts,
  SpreadsheetRecords,
  syncLease,
  syncPorts,
  syncTriggers,
  userStore,
} from './services';
import { validateSettingsInput, type SyncSettings } from './settings';
import type { SyncSummary, SyncTrigger } from './summary';
import {
  spreadsheetIdForTrigger,
  validHour,
  type ArmedFollowUp,
  type DailySyncStatus,
} from './triggers';

export type { SyncSummary, SyncTrigger, SyncOutcome } from './summary';
export type { SyncSettings } from './settings';
export type { DailySyncStatus } from './triggers';
export type { RowChangePreview, SyncPreview } from './preview';

export interface SyncStatusView {
  daily: DailySyncStatus;
  lastRun: SyncSummary | null;
  /** A sync of this spreadsheet is running now or continues in a follow-up run. */
  running: boolean;
  settings: SyncSettings;
}

/** Syncs the active spreadsheet (or, from a trigger, the one given by id). */
export function runSync(trigger: SyncTrigger, spreadsheetId?: string | null): SyncSummary {
  const ports = syncPorts(openSpreadsheetWithId(spreadsheetId), isUnattended(trigger));
  return runSyncWith(trigger, ports);
}

export function previewSync(): SyncPreview {
  return previewWith(previewPorts(openSpreadsheetWithId()));
}

function dailyStatusOf(spreadsheet: GoogleAppsScript.Spreadsheet.Spreadsheet): DailySyncStatus {
  return syncTriggers(spreadsheet.getId()).status(spreadsheet.getSpreadsheetTimeZone());
}

function currentUserEmail(): string | null {
  try {
    return Session.getEffectiveUser().getEmail() || null;
  } catch {
    return null;
  }
}

export function enableDailySync(hour: number): DailySyncStatus {
  const checkedHour = validHour(hour);
  const spreadsheet = openSpreadsheet();
  const spreadsheetId = spreadsheet.getId();
  const timeZone = spreadsheet.getSpreadsheetTimeZone();
  syncTriggers(spreadsheetId).enableDaily(checkedHour, timeZone, currentUserEmail());
  // The daily run may have no document properties: keep this user's copy of the settings.
  new SpreadsheetRecords(spreadsheetId).mirrorSettings();
  return dailyStatusOf(spreadsheet);
}

export function disableDailySync(): DailySyncStatus {
  const spreadsheet = openSpreadsheet();
  syncTriggers(spreadsheet.getId()).disableDaily();
  return dailyStatusOf(spreadsheet);
}

export function getSyncStatus(): SyncStatusView {
  const spreadsheet = openSpreadsheet();
  const spreadsheetId = spreadsheet.getId();
  const records = new SpreadsheetRecords(spreadsheetId);
  const triggers = syncTriggers(spreadsheetId);
  return {
    daily: triggers.status(spreadsheet.getSpreadsheetTimeZone()),
    lastRun: records.lastRun(),
    running: syncLease(spreadsheetId).isTaken() || triggers.record().continuationUid !== null,
    settings: records.settings(),
  };
}

/** Validates against the sheet (a missing header is named) and saves for this spreadsheet. */
export function saveSettings(settings: SyncSettings): { ok: boolean; errors: string[] } {
  const checked = validateSettingsInput(settings);
  if (checked.errors.length > 0) return { ok: false, errors: checked.errors };
  const spreadsheet = openSpreadsheet();
  try {
    const tab = resolveContactsTab(spreadsheet, checked.settings.sheetName);
    const width = Math.max(tab.getLastColumn(), 1);
    const headerRow = tab.getRange(1, 1, 1, width).getValues()[0];
    const match = matchHeaders(headerRow, checked.settings.headers, tab.getName());
    if (!match.ok) return { ok: false, errors: [match.error] };
  } catch (error) {
    if (error instanceof SheetSetupError) return { ok: false, errors: [error.message] };
    throw error;
  }
  new SpreadsheetRecords(spreadsheet.getId()).saveSettings(checked.settings);
  return { ok: true, errors: [] };
}

/** Which spreadsheet a time-driven trigger belongs to (null: the active one, if any). */
function spreadsheetOfTrigger(event: { triggerUid?: string } | undefined): string | null {
  const uid = event?.triggerUid;
  return uid ? spreadsheetIdForTrigger(userStore(), String(uid)) : null;
}

/** The daily trigger: keeps the Keap connection fresh even when there is nothing to sync. */
export function runDailySync(event?: { triggerUid?: string }): SyncSummary | null {
  if (authorizationRequired()) return null;
  try {
    keepConnectionAlive();
  } catch {
    // A lost connection is kept by the connection module; the run below reports it (log row,
    // last run, one e-mail a day). Other failures (Keap unreachable) are the run's to report.
  }
  return runSync('daily', spreadsheetOfTrigger(event));
}

/**
 * The one-off follow-up trigger. Before any work it replaces itself by the next follow-up,
 * so an execution killed at any point leaves the run a trigger to continue it; the run then
 * keeps that one (continuing) or puts the daily trigger back (done).
 */
export function runContinuation(event?: { triggerUid?: string }): SyncSummary | null {
  const opened = openSpreadsheetWithId(spreadsheetOfTrigger(event));
  const fired = event?.triggerUid ? String(event.triggerUid) : null;
  const triggers = syncTriggers(opened.id);
  let armed: ArmedFollowUp | null = null;
  if (fired !== null) {
    try {
      armed = triggers.armFollowUp(
        fired,
        SYNC_LIMITS.followUpSafetyNetMs,
        SYNC_LIMITS.maxFollowUpsFired,
      );
    } catch {
      // The record could not be changed now: the run's end schedules or finishes the chain.
    }
  }
  if (authorizationRequired()) {
    // Nothing can run until the person authorizes again: the daily trigger waits for that.
    try {
      triggers.finishContinuation();
    } catch {
      // The follow-up stays, and finds the same when it fires.
    }
    return null;
  }
  const ports = syncPorts(opened, true, fired);
  if (armed?.kind === 'exhausted') return closeExhaustedRun(ports, armed.runId);
  return runSyncWith('continuation', ports);
}
