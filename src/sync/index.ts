/**
 * The sync as the entry points and the sidebar see it. Every value returned here is plain
 * JSON (no Date objects): google.script.run cannot pass anything else.
 */
import { keepConnectionAlive } from '../connection';
import { DEFAULT_TAB_NAME, resolveContactsTab } from '../sheet/contactSheet';
import { findColumns } from '../sheet/headers';
import { SheetSetupError } from '../sheet/setupError';
import { OLD_STATE_TAB_NAME } from '../sheet/oldStateTab';
import { previewWith, type SyncPreview } from './preview';
import { SYNC_LIMITS } from './budget';
import { interruptedSummary, isUnattended, runSyncWith } from './runSync';
import { checkpointKey, isStale, isWaitingForKeap, PropertiesCheckpoint } from './checkpoint';
import { keapStatusColumnOn } from './keapStatusColumn';
import type { SyncLease } from './lease';
import { readJson } from './ports';
import {
  progressKey,
  lastRunWithoutNextPart,
  progressView,
  PropertiesProgress,
  renewNextPart,
  withdrawNextPart,
  type ProgressRecord,
  type SyncProgressView,
} from './progress';
import { LOG_TAB_NAME, SpreadsheetLogTab } from '../sheet/logTab';
import { SheetSession } from '../sheet/tabs';
import {
  authorizationRequired,
  keapConnected,
  openSpreadsheet,
  openSpreadsheetWithId,
  pauseUserTriggers,
  previewPorts,
  retriedLog,
  ScheduleBusyError,
  SpreadsheetRecords,
  syncLease,
  syncPorts,
  syncTriggers,
  systemClock,
  userStore,
} from './services';
import {
  checkAgainstHeaderRow,
  settingsChoicesOf,
  validateSettingsInput,
  type SettingsChoices,
  type SyncSettings,
} from './settings';
import type { InterruptedView, SyncStatusView } from './statusView';
import type { SyncSummary, SyncTrigger } from './summary';
import {
  spreadsheetIdForTrigger,
  validHour,
  type SyncTriggers,
  type DailySyncStatus,
  type EnsureResult,
} from './triggers';
import { disconnectNotPausedMessage, settingsNotSavedMessage, sheetSetupWords } from './statusText';

export type { SyncSummary, SyncTrigger, SyncOutcome } from './summary';
export type { SettingsChoices, SyncSettings } from './settings';
export type { DailySyncStatus } from './triggers';
export type { RowChangePreview, SyncPreview } from './preview';
export type { SyncProgressView } from './progress';
export type { InterruptedView, SyncStatusView } from './statusView';

function currentUserEmail(): string | null {
  try {
    return Session.getEffectiveUser().getEmail() || null;
  } catch {
    return null;
  }
}

/**
 * The lease of a run's execution. It notes about when this user's triggers continue the work
 * should the execution die (others cannot read this user's records to tell).
 */
function leaseFor(spreadsheetId: string, trigger?: SyncTrigger): SyncLease {
  return syncLease(spreadsheetId, {
    startedBy: currentUserEmail,
    trigger,
    continuesAt: (expiresAt) =>
      continuesAfterFor(syncTriggers(spreadsheetId), spreadsheetId, expiresAt),
  });
}

/** The self-repair, without letting its failure stop what the person or run does. */
function ensureTrigger(
  spreadsheetId: string,
  personPresent: boolean,
  connected = true,
): EnsureResult {
  try {
    return syncTriggers(spreadsheetId).ensure(personPresent, connected);
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
  const lease = leaseFor(opened.id, trigger);
  ports.lease = lease;
  ports.progress = new PropertiesProgress(
    PropertiesService.getScriptProperties(),
    opened.id,
    systemClock,
    () => lease.ownerId(),
  );
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
 * Disconnect means stop: each daily sync of this user is marked paused in its record (every
 * spreadsheet: the connection is the user's), keeping its hour, and the user's sync triggers
 * are removed. Throws, so the disconnect does not go on, only when the records could not be
 * written; a trigger that could not be listed or removed stands down when it fires.
 */
export function pauseDailySyncs(): void {
  let failure: { error: unknown } | null = null;
  try {
    pauseUserTriggers();
  } catch (error) {
    failure = { error };
  }
  if (failure === null) {
    withdrawMyNextParts();
    return;
  }
  const { error } = failure;
  // Its own sentence already says the disconnect did not go on: not wrapped in another.
  if (error instanceof ScheduleBusyError) throw new Error(error.message);
  const said = error instanceof Error ? error.message : String(error);
  throw new Error(disconnectNotPausedMessage(said));
}

/**
 * After Disconnect nothing of this user's continues a run by itself: the next part each of
 * their pending runs promised every editor (the shared progress record) is withdrawn, so no
 * sidebar, the other editors' too, says one comes (best effort; the checkpoint stays, and the
 * next sync once Keap is connected again goes on from it).
 */
function withdrawMyNextParts(): void {
  try {
    const prefix = checkpointKey('');
    const keys = PropertiesService.getUserProperties().getKeys();
    const scriptStore = PropertiesService.getScriptProperties();
    for (const key of keys) {
      if (!key.startsWith(prefix)) continue;
      const spreadsheetId = key.slice(prefix.length);
      const runId = myRunId(spreadsheetId);
      if (runId === null) continue;
      try {
        withdrawNextPart(scriptStore, spreadsheetId, runId);
      } catch {
        // That sheet's next part lapses by itself once it is due (progress.ts grace).
      }
    }
  } catch {
    // As above: the promise lapses by itself once its time has passed.
  }
}

export function disableDailySync(): DailySyncStatus {
  const spreadsheet = openSpreadsheet();
  const spreadsheetId = spreadsheet.getId();
  // A pending run keeps a recurring trigger (the daily one becomes its carrier); nothing is
  // carried for a user with no Keap connection (Disconnect means stop).
  syncTriggers(spreadsheetId).disableDaily(keapConnected() && pendingRunOf(spreadsheetId) !== null);
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

function localeOf(spreadsheet: GoogleAppsScript.Spreadsheet.Spreadsheet): string {
  try {
    return spreadsheet.getSpreadsheetLocale();
  } catch {
    return 'en-US';
  }
}

/**
 * About when my interrupted work continues, from my own records: the recurring trigger's next
 * firing for a pending run (its checkpoint) or a daily slot with starts left, else the next
 * daily run; null when no trigger of mine will (then: sync again).
 */
function continuesAtForMe(triggers: SyncTriggers, spreadsheetId: string): string | null {
  try {
    const at = continuesAfterFor(triggers, spreadsheetId, Date.now());
    return at === null ? null : new Date(at).toISOString();
  } catch {
    return null;
  }
}

/** Another person's "continues at", noted when their execution started: only while ahead. */
function laterThanNow(iso: string | null | undefined): string | null {
  if (typeof iso !== 'string') return null;
  const at = Date.parse(iso);
  return Number.isFinite(at) && at > Date.now() ? new Date(at).toISOString() : null;
}

/** A pending run of mine with no trigger to continue it gets its carrier back (best effort). */
function carryPendingRun(triggers: SyncTriggers, spreadsheetId: string, connected: boolean): void {
  try {
    if (connected && pendingRunOf(spreadsheetId)) triggers.carryPendingRun();
  } catch {
    // The next look tries again.
  }
}

export function getSyncStatus(): SyncStatusView {
  const spreadsheet = openSpreadsheet();
  const spreadsheetId = spreadsheet.getId();
  const records = new SpreadsheetRecords(spreadsheetId, new SheetSession(spreadsheet));
  const connected = keapConnected();
  const repaired = ensureTrigger(spreadsheetId, true, connected) === 'repaired';
  const triggers = syncTriggers(spreadsheetId);
  carryPendingRun(triggers, spreadsheetId, connected);
  const lease = leaseFor(spreadsheetId);
  reportInterrupted(spreadsheet, spreadsheetId, lease, records);
  const daily = triggers.status(spreadsheet.getSpreadsheetTimeZone());
  const me = currentUserEmail();
  const lastRun = records.lastRun();
  const holder = lease.holder();
  const running = holder !== null;
  let interrupted: InterruptedView | null = null;
  if (!running && lastRun?.outcome === 'interrupted') {
    const byYou = !lastRun.startedBy || lastRun.startedBy === me;
    interrupted = {
      byYou,
      startedBy: byYou ? (lastRun.startedBy ?? null) : null,
      continuesAt: byYou
        ? continuesAtForMe(triggers, spreadsheetId)
        : laterThanNow(lastRun.continuesAt),
    };
  }
  const waiting = waitingForKeap(spreadsheetId, triggers, connected);
  if (waiting.waitingForKeapUntil) renewMyNextPart(spreadsheetId, waiting.waitingForKeapUntil);
  let progress =
    progressOf(spreadsheetId, holder, lastRun) ??
    pendingProgressOf(spreadsheetId, triggers, holder, lastRun);
  // The viewer's own run that waits for Keap's reset but that nothing continues by itself
  // (its notice says so): no next part is promised.
  if (progress?.state === 'next-part' && progress.afterKeapReset && waiting.waitingForKeapStalled) {
    progress = null;
  }
  return {
    daily: repaired ? { ...daily, repaired: true } : daily,
    lastRun: ownStarter(lastRunWithoutNextPart(lastRun, progressRecordOf(spreadsheetId)), me),
    running,
    progress,
    settings: settingsShown(spreadsheet, records.settings()),
    interrupted,
    locale: localeOf(spreadsheet),
    ...waiting,
  };
}

/**
 * The settings as the sidebar's form shows them. The Keap Email Status column never chosen is
 * shown as the runs take it (keapStatusColumn.ts, from row 1 of the tab: off on a sheet synced
 * before the column existed), so the box says what the sync does and saving the form keeps it.
 */
function settingsShown(
  spreadsheet: GoogleAppsScript.Spreadsheet.Spreadsheet,
  settings: SyncSettings,
): SyncSettings {
  if (settings.keapEmailStatus !== undefined) return settings;
  try {
    const tab = resolveContactsTab(spreadsheet, settings.sheetName);
    const columns = findColumns(headerRowOf(tab), settings.headers);
    return { ...settings, keapEmailStatus: keapStatusColumnOn(undefined, columns) };
  } catch {
    // No such tab (the sidebar says so elsewhere): the form shows the default.
    return settings;
  }
}

/**
 * The last run as `me` may see it: who started it (an interrupted execution's lease names
 * them) only when it is `me`. Another editor's address is not shown to the others.
 */
function ownStarter(lastRun: SyncSummary | null, me: string | null): SyncSummary | null {
  if (!lastRun?.startedBy || lastRun.startedBy === me) return lastRun;
  const shown = { ...lastRun };
  delete shown.startedBy;
  return shown;
}

/**
 * The progress every sidebar is shown (progress.ts); null when it cannot be read. A wait for
 * Keap's reset in another person's run is marked `carrierUnknown`: only they can read whether
 * a trigger of theirs still continues it.
 */
function progressOf(
  spreadsheetId: string,
  holder: ReturnType<SyncLease['holder']>,
  lastRun: SyncSummary | null,
): SyncProgressView | null {
  try {
    const store = PropertiesService.getScriptProperties();
    const record = readJson<ProgressRecord>(store, progressKey(spreadsheetId));
    const view = progressView(record, holder, Date.now(), lastRun);
    if (view?.state !== 'next-part' || !view.afterKeapReset) return view;
    return record?.runId === myRunId(spreadsheetId) ? view : { ...view, carrierUnknown: true };
  } catch {
    return null;
  }
}

/** The shared progress record of the spreadsheet; null when there is none or it cannot be read. */
function progressRecordOf(spreadsheetId: string): ProgressRecord | null {
  try {
    return readJson<ProgressRecord>(
      PropertiesService.getScriptProperties(),
      progressKey(spreadsheetId),
    );
  } catch {
    return null;
  }
}

/** My run waits for Keap's reset and a trigger of mine carries it: every sidebar says so. */
function renewMyNextPart(spreadsheetId: string, until: string): void {
  try {
    const runId = myRunId(spreadsheetId);
    const at = Date.parse(until);
    if (runId !== null && Number.isFinite(at)) {
      renewNextPart(PropertiesService.getScriptProperties(), spreadsheetId, runId, at);
    }
  } catch {
    // The next look tries again.
  }
}

/** The id of this person's pending run of the spreadsheet (their checkpoint), or null. */
function myRunId(spreadsheetId: string): string | null {
  try {
    return new PropertiesCheckpoint(userStore(), spreadsheetId).load()?.runId ?? null;
  } catch {
    return null;
  }
}

/**
 * This person's run with rows left whose next part was lost (its follow-up never fired; the
 * sidebar has just given the run its carrier back): its rows so far and when its trigger
 * continues it. Null when no run of theirs is pending, or no time ahead is known.
 */
function pendingProgressOf(
  spreadsheetId: string,
  triggers: SyncTriggers,
  holder: ReturnType<SyncLease['holder']>,
  lastRun: SyncSummary | null,
): SyncProgressView | null {
  try {
    if (holder !== null || pendingRunOf(spreadsheetId) !== 'now') return null;
    const checkpoint = new PropertiesCheckpoint(userStore(), spreadsheetId).load();
    const store = PropertiesService.getScriptProperties();
    const record = readJson<ProgressRecord>(store, progressKey(spreadsheetId));
    if (!record || !checkpoint || record.runId !== checkpoint.runId) return null;
    if (!(record.rowsDone < record.rowsToDo)) return null;
    const iso = continuesAtForMe(triggers, spreadsheetId);
    const at = iso === null ? NaN : Date.parse(iso);
    if (!Number.isFinite(at)) return null;
    return progressView({ ...record, nextAt: at }, null, Date.now(), lastRun);
  } catch {
    return null;
  }
}

/**
 * When this person's run waits for Keap's daily limit, the reset it waits for (ISO 8601), and
 * whether it continues by itself after it: only with a Keap connection and a live recurring
 * trigger of theirs (the sidebar has just tried to give it its carrier back).
 */
function waitingForKeap(
  spreadsheetId: string,
  triggers: SyncTriggers,
  connected: boolean,
): Pick<SyncStatusView, 'waitingForKeapUntil' | 'waitingForKeapStalled'> {
  try {
    const checkpoint = new PropertiesCheckpoint(userStore(), spreadsheetId).load();
    if (!checkpoint || !isWaitingForKeap(checkpoint, Date.now())) {
      return { waitingForKeapUntil: null, waitingForKeapStalled: null };
    }
    const until = new Date(checkpoint.waitUntil as number).toISOString();
    if (connected && triggers.carriesPendingRun()) {
      return { waitingForKeapUntil: until, waitingForKeapStalled: null };
    }
    return {
      waitingForKeapUntil: null,
      waitingForKeapStalled: { until, disconnected: !connected },
    };
  } catch {
    // The sidebar shows the rest; the last run's message says the same.
    return { waitingForKeapUntil: null, waitingForKeapStalled: null };
  }
}

/** Row 1 of a tab, as many cells as it uses (one read). */
function headerRowOf(tab: GoogleAppsScript.Spreadsheet.Sheet): unknown[] {
  const width = Math.max(tab.getLastColumn(), 1);
  return tab.getRange(1, 1, 1, width).getValues()[0];
}

/**
 * Validates against the sheet (a chosen header that is not in row 1 is named; an empty one
 * means the default) and saves for this spreadsheet.
 */
export function saveSettings(settings: SyncSettings): { ok: boolean; errors: string[] } {
  const checked = validateSettingsInput(settings);
  if (checked.errors.length > 0) return { ok: false, errors: checked.errors };
  const spreadsheet = openSpreadsheet();
  try {
    const tab = resolveContactsTab(spreadsheet, checked.settings.sheetName);
    const errors = checkAgainstHeaderRow(checked, headerRowOf(tab), tab.getName());
    if (errors.length > 0) return { ok: false, errors };
  } catch (error) {
    if (error instanceof SheetSetupError) {
      return { ok: false, errors: [sheetSetupWords(error.problem)] };
    }
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
      errors: [settingsNotSavedMessage(reason)],
    };
  }
  return { ok: true, errors: [] };
}

/**
 * What the settings form offers: this spreadsheet's tabs (but the add-on's own) and the
 * headers in row 1 of `sheetName` ('' the default tab; undefined the saved settings' tab).
 * Reads only what an editor sees in the spreadsheet anyway.
 */
export function getSettingsChoices(sheetName?: string): SettingsChoices {
  const spreadsheet = openSpreadsheet();
  const own = [LOG_TAB_NAME, OLD_STATE_TAB_NAME];
  const tabs = spreadsheet
    .getSheets()
    .map((sheet) => sheet.getName())
    .filter((name) => !own.includes(name));
  const wanted =
    sheetName ??
    new SpreadsheetRecords(spreadsheet.getId(), new SheetSession(spreadsheet)).settings().sheetName;
  let tab: { name: string; headerRow: unknown[] } | { error: string };
  try {
    const found = resolveContactsTab(spreadsheet, wanted);
    tab = { name: found.getName(), headerRow: headerRowOf(found) };
  } catch (error) {
    if (!(error instanceof SheetSetupError)) throw error;
    tab = { error: sheetSetupWords(error.problem) };
  }
  return settingsChoicesOf(tabs, tab, DEFAULT_TAB_NAME);
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
 * About when this user's triggers continue the work after `after`: a run waiting for Keap's
 * daily limit continues at the first firing after its reset, not at the next firing.
 */
function continuesAfterFor(
  triggers: SyncTriggers,
  spreadsheetId: string,
  after: number,
): number | null {
  const checkpoint = new PropertiesCheckpoint(userStore(), spreadsheetId).load();
  const now = Date.now();
  if (checkpoint === null || isStale(checkpoint, now, SYNC_LIMITS.staleCheckpointMs)) {
    return triggers.continuesAfter(after, false);
  }
  const waitUntil = isWaitingForKeap(checkpoint, now) ? (checkpoint.waitUntil as number) : null;
  return triggers.continuesAfter(after, true, waitUntil);
}

/**
 * The recurring (hourly) trigger. Each firing decides for itself, from the user's
 * properties, without opening the spreadsheet when there is nothing to do: a pending run
 * continues; else the day's slot starts once it is due; else nothing.
 */
export function runDailySync(event?: { triggerUid?: string }): SyncSummary | null {
  if (authorizationRequired()) return null;
  const spreadsheetId = spreadsheetOfTrigger(event) ?? openSpreadsheetWithId().id;
  if (standsDown(spreadsheetId, true)) return null;
  // The daily sync was turned off while a run was pending: this trigger is that run's carrier.
  const triggers = syncTriggers(spreadsheetId);
  const fired = event?.triggerUid ? String(event.triggerUid) : null;
  if (triggers.isCarrier(fired)) return carrierFiring(triggers, spreadsheetId);
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
 * Disconnect means stop, even when Disconnect could not remove a trigger (Google failed to
 * list them) or a run made one meanwhile: a firing for a user with no Keap connection removes
 * this spreadsheet's sync triggers and marks its daily sync paused, and does nothing else (no
 * log row, no e-mail: the person chose to disconnect). A dailySync firing for a paused daily
 * sync (Disconnect left its trigger, then Keap was connected again) removes that trigger.
 */
function standsDown(spreadsheetId: string, daily = false): boolean {
  try {
    const triggers = syncTriggers(spreadsheetId);
    if (!keapConnected()) {
      triggers.standDown();
      return true;
    }
    if (daily && triggers.record().daily?.paused) {
      triggers.ensure(false);
      return true;
    }
  } catch {
    // Decided again at the next firing.
  }
  return false;
}

/**
 * A firing of the recurring carrier of a run (a `continueSync` carrier, or the `dailySync`
 * trigger kept when the daily sync was turned off): continues the pending run; removes itself
 * when none is pending; returns at once while the run waits for Keap's daily limit.
 */
function carrierFiring(triggers: SyncTriggers, spreadsheetId: string): SyncSummary | null {
  if (authorizationRequired() || standsDown(spreadsheetId)) return null;
  if (leaseFor(spreadsheetId).isTaken()) return null;
  const pending = pendingRunOf(spreadsheetId);
  if (pending === null) {
    triggers.removeFollowUps();
    return null;
  }
  // Waiting for Keap's daily limit to reset: the carrier stays, nothing is sent before it.
  if (pending === 'later') return null;
  return runSync('continuation', spreadsheetId);
}

/** A leftover trigger firing for a pending run that nothing else carries is kept as carrier. */
function adoptedAsCarrier(triggers: SyncTriggers, fired: string | null): boolean {
  try {
    return triggers.adoptAsCarrier(fired);
  } catch {
    return false;
  }
}

/**
 * The `continueSync` handler: a one-off follow-up (made where Apps Script allows it, to
 * continue a run sooner than the recurring trigger would), or the recurring carrier of a run
 * while the daily sync is off. A one-off is spent once fired: it is removed at the end,
 * whatever happens. The carrier stays until the run ends; a firing that finds no run to
 * continue removes it. Any other trigger of ours that fires for a pending run no recurring
 * trigger carries (a carrier Disconnect forgot but could not remove) becomes its carrier
 * where no new one can be made, rather than being removed and leaving the run with none.
 */
export function runContinuation(event?: { triggerUid?: string }): SyncSummary | null {
  const fired = event?.triggerUid ? String(event.triggerUid) : null;
  const spreadsheetId = spreadsheetOfTrigger(event) ?? openSpreadsheetWithId().id;
  const triggers = syncTriggers(spreadsheetId);
  if (triggers.isCarrier(fired)) return carrierFiring(triggers, spreadsheetId);
  let adopted = false;
  try {
    if (authorizationRequired() || standsDown(spreadsheetId)) return null;
    const pending = pendingRunOf(spreadsheetId);
    if (pending === null) return null;
    adopted = adoptedAsCarrier(triggers, fired);
    if (adopted) return carrierFiring(triggers, spreadsheetId);
    if (pending !== 'now') return null;
    return runSync('continuation', spreadsheetId, fired);
  } finally {
    try {
      if (!adopted) triggers.cleanUpFollowUps(fired);
    } catch {
      // A spent one-off left listed is removed by the next run.
    }
  }
}
