/**
 * The sync as the entry points and the sidebar see it. Every value returned here is plain
 * JSON (no Date objects): google.script.run cannot pass anything else.
 */
import { keepConnectionAlive } from '../connection';
import { resolveContactsTab, SheetSetupError } from '../sheet/contactSheet';
import { matchHeaders } from '../sheet/headers';
import { previewWith, type SyncPreview } from './preview';
import { SYNC_LIMITS } from './budget';
import { interruptedSummary, isUnattended, runSyncWith } from './runSync';
import { isStale, isWaitingForKeap, PropertiesCheckpoint } from './checkpoint';
import type { SyncLease } from './lease';
import { SpreadsheetLogTab } from '../sheet/logTab';
import { SheetSession } from '../sheet/tabs';
import {
  authorizationRequired,
  openSpreadsheet,
  openSpreadsheetWithId,
  pauseUserTriggers,
  previewPorts,
  retriedLog,
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
  type DailySyncStatus,
  type EnsureResult,
} from './triggers';

export type { SyncSummary, SyncTrigger, SyncOutcome } from './summary';
export type { SyncSettings } from './settings';
export type { DailySyncStatus } from './triggers';
export type { RowChangePreview, SyncPreview } from './preview';

export interface SyncStatusView {
  daily: DailySyncStatus;
  lastRun: SyncSummary | null;
  /** An execution of a sync of this spreadsheet holds the lease now (it expires on its own). */
  running: boolean;
  settings: SyncSettings;
  /** The last execution was stopped before it finished; null when it was not. */
  interrupted?: InterruptedView | null;
  /**
   * ISO 8601: your run stopped at Keap's daily request limit and continues after this moment
   * (Keap's reset, 00:00 UTC); null when no run waits.
   */
  waitingForKeapUntil?: string | null;
}

export interface InterruptedView {
  /** True when the person looking started it. */
  byYou: boolean;
  startedBy: string | null;
  /** ISO 8601 of about when the next run continues it; null when no trigger will. */
  continuesAt: string | null;
}

function currentUserEmail(): string | null {
  try {
    return Session.getEffectiveUser().getEmail() || null;
  } catch {
    return null;
  }
}

function leaseFor(spreadsheetId: string, trigger?: SyncTrigger): SyncLease {
  return syncLease(spreadsheetId, { startedBy: currentUserEmail, trigger });
}

/** The self-repair, without letting its failure stop what the person or run does. */
function ensureTrigger(spreadsheetId: string, personPresent: boolean): EnsureResult {
  try {
    return syncTriggers(spreadsheetId).ensure(personPresent);
  } catch {
    return 'off';
  }
}

/** Syncs the active spreadsheet (or, from a trigger, the one given by id). */
export function runSync(
  trigger: SyncTrigger,
  spreadsheetId?: string | null,
  firedFollowUp: string | null = null,
): SyncSummary {
  const opened = openSpreadsheetWithId(spreadsheetId);
  const unattended = isUnattended(trigger);
  ensureTrigger(opened.id, !unattended);
  const ports = syncPorts(opened, unattended, firedFollowUp);
  ports.lease = leaseFor(opened.id, trigger);
  return runSyncWith(trigger, ports);
}

export function previewSync(): SyncPreview {
  return previewWith(previewPorts(openSpreadsheetWithId()));
}

function dailyStatusOf(spreadsheet: GoogleAppsScript.Spreadsheet.Spreadsheet): DailySyncStatus {
  return syncTriggers(spreadsheet.getId()).status(spreadsheet.getSpreadsheetTimeZone());
}

export function enableDailySync(hour: number): DailySyncStatus {
  const checkedHour = validHour(hour);
  const spreadsheet = openSpreadsheet();
  const spreadsheetId = spreadsheet.getId();
  const timeZone = spreadsheet.getSpreadsheetTimeZone();
  syncTriggers(spreadsheetId).enableDaily(checkedHour, timeZone, currentUserEmail());
  return dailyStatusOf(spreadsheet);
}

/**
 * Disconnect means stop: this user's sync triggers (every spreadsheet: the connection is the
 * user's) are removed and each daily sync is marked paused, keeping its hour. Best effort:
 * the disconnect itself must not fail on it.
 */
export function pauseDailySyncs(): void {
  try {
    pauseUserTriggers();
  } catch {
    // A trigger left behind finds no connection and reports it, as before.
  }
}

export function disableDailySync(): DailySyncStatus {
  const spreadsheet = openSpreadsheet();
  syncTriggers(spreadsheet.getId()).disableDaily();
  return dailyStatusOf(spreadsheet);
}

/**
 * A lease left behind by a killed execution is reported once (a log row and the last run)
 * and removed, by whoever finds it first: the next run or the sidebar.
 */
function reportInterrupted(
  spreadsheet: GoogleAppsScript.Spreadsheet.Spreadsheet,
  spreadsheetId: string,
  lease: SyncLease,
  records: SpreadsheetRecords,
): void {
  const left = lease.interrupted();
  if (!left || !lease.clearInterrupted(left)) return;
  const summary = interruptedSummary(left);
  try {
    retriedLog(new SpreadsheetLogTab(spreadsheet, new SheetSession(spreadsheet))).append(summary);
  } catch {
    // The last run below still tells the sidebar.
  }
  try {
    records.saveLastRun(summary);
  } catch {
    // Nothing more to do: the next run reports itself.
  }
  void spreadsheetId;
}

export function getSyncStatus(): SyncStatusView {
  const spreadsheet = openSpreadsheet();
  const spreadsheetId = spreadsheet.getId();
  const records = new SpreadsheetRecords(spreadsheetId, new SheetSession(spreadsheet));
  const repaired = ensureTrigger(spreadsheetId, true) === 'repaired';
  const triggers = syncTriggers(spreadsheetId);
  const lease = leaseFor(spreadsheetId);
  reportInterrupted(spreadsheet, spreadsheetId, lease, records);
  const daily = triggers.status(spreadsheet.getSpreadsheetTimeZone());
  const lastRun = records.lastRun();
  const running = lease.isTaken();
  let interrupted: InterruptedView | null = null;
  if (!running && lastRun?.outcome === 'interrupted') {
    const me = currentUserEmail();
    // A run with a checkpoint continues at the trigger's next firing; one killed before its
    // first checkpoint is done again by the next daily run.
    const firing = pendingRunOf(spreadsheetId) === 'now' ? triggers.nextFiring() : null;
    const continuesAt =
      firing !== null ? new Date(firing).toISOString() : daily.enabled ? daily.nextRunAfter : null;
    interrupted = {
      byYou: !lastRun.startedBy || lastRun.startedBy === me,
      startedBy: lastRun.startedBy ?? null,
      continuesAt,
    };
  }
  return {
    daily: repaired ? { ...daily, repaired: true } : daily,
    lastRun,
    running,
    settings: records.settings(),
    interrupted,
    waitingForKeapUntil: waitingForKeapUntil(spreadsheetId),
  };
}

/** When this person's run waits for Keap's daily limit, the reset it waits for (ISO 8601). */
function waitingForKeapUntil(spreadsheetId: string): string | null {
  try {
    const checkpoint = new PropertiesCheckpoint(userStore(), spreadsheetId).load();
    return checkpoint && isWaitingForKeap(checkpoint, Date.now())
      ? new Date(checkpoint.waitUntil as number).toISOString()
      : null;
  } catch {
    // The sidebar shows the rest; the last run's message says the same.
    return null;
  }
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
  try {
    const records = new SpreadsheetRecords(spreadsheet.getId(), new SheetSession(spreadsheet));
    // A caller that does not mention the Keap Email Status column keeps the choice in force.
    if (checked.settings.keapEmailStatus === undefined) {
      const kept = records.settings().keapEmailStatus;
      if (kept !== undefined) checked.settings.keapEmailStatus = kept;
    }
    records.saveSettings(checked.settings);
  } catch (error) {
    // The spreadsheet's metadata may be full (other add-ons' too) or Google's service may fail:
    // the settings saved before stay in force, and the person is told.
    const reason = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      errors: [
        `The settings could not be saved in the spreadsheet, so the earlier ones still apply: ${reason}`,
      ],
    };
  }
  return { ok: true, errors: [] };
}

/** Which spreadsheet a time-driven trigger belongs to (null: the active one, if any). */
function spreadsheetOfTrigger(event: { triggerUid?: string } | undefined): string | null {
  const uid = event?.triggerUid;
  return uid ? spreadsheetIdForTrigger(userStore(), String(uid)) : null;
}

/**
 * A run of this spreadsheet waits to be continued: its checkpoint exists and is not stale.
 * 'later': it waits for Keap's daily limit to reset, so a firing now would only be refused.
 */
function pendingRunOf(spreadsheetId: string): 'now' | 'later' | null {
  const checkpoint = new PropertiesCheckpoint(userStore(), spreadsheetId).load();
  const now = Date.now();
  if (checkpoint === null || isStale(checkpoint, now, SYNC_LIMITS.staleCheckpointMs)) return null;
  return isWaitingForKeap(checkpoint, now) ? 'later' : 'now';
}

/**
 * The recurring (hourly) trigger. Each firing decides for itself, from the user's
 * properties, without opening the spreadsheet when there is nothing to do: a pending run
 * continues; else the day's slot starts once it is due; else nothing.
 */
export function runDailySync(event?: { triggerUid?: string }): SyncSummary | null {
  if (authorizationRequired()) return null;
  const spreadsheetId = spreadsheetOfTrigger(event) ?? openSpreadsheetWithId().id;
  // A sync still runs (its lease holds): this firing would only be "busy".
  if (leaseFor(spreadsheetId).isTaken()) return null;
  const pending = pendingRunOf(spreadsheetId);
  // Waiting for Keap's daily limit to reset: nothing to do before it, not even the day's slot.
  if (pending === 'later') return null;
  if (pending === 'now') return runSync('continuation', spreadsheetId);
  if (!syncTriggers(spreadsheetId).claimDailySlot()) return null;
  try {
    keepConnectionAlive();
  } catch {
    // A lost connection is kept by the connection module; the run below reports it (log row,
    // last run, one e-mail a day). Other failures (Keap unreachable) are the run's to report.
  }
  return runSync('daily', spreadsheetId);
}

/**
 * A one-off follow-up (made where Apps Script allows it, to continue a run sooner than the
 * hourly trigger would). It is spent once fired: it is removed at the end, whatever happens.
 */
export function runContinuation(event?: { triggerUid?: string }): SyncSummary | null {
  const fired = event?.triggerUid ? String(event.triggerUid) : null;
  const spreadsheetId = spreadsheetOfTrigger(event) ?? openSpreadsheetWithId().id;
  const triggers = syncTriggers(spreadsheetId);
  try {
    if (authorizationRequired() || pendingRunOf(spreadsheetId) !== 'now') return null;
    return runSync('continuation', spreadsheetId, fired);
  } finally {
    try {
      triggers.cleanUpFollowUps(fired);
    } catch {
      // A spent one-off left listed is removed by the next run.
    }
  }
}
