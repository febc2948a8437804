/**
 * The one place the sync reads Apps Script globals: it builds the ports of runSync and
 * previewSync from SpreadsheetApp, PropertiesService, LockService and ScriptApp.
 */
import {
  connectedAccount,
  connectionProblem,
  hasKeapConnection,
  notifyOwnerOncePerDay,
  openKeapGateway,
} from '../connection';
import { SpreadsheetContactSheet } from '../sheet/contactSheet';
import { SpreadsheetLogTab } from '../sheet/logTab';
import { SheetSession } from '../sheet/tabs';
import { SYNC_LIMITS } from './budget';
import { PropertiesCheckpoint } from './checkpoint';
import { SyncLease, type LeaseHolder } from './lease';
import { readJson, withLock, type Clock, type KeyValueStore } from './ports';
import {
  decodeMarks,
  encodeMarks,
  KEAP_STATUS_MARKS_KEY,
  type KeapStatusMarksPort,
} from './keapStatusMarks';
import type { PreviewPorts } from './preview';
import type { SyncPorts } from './syncPorts';
import {
  loadSharedSettings,
  saveSharedSettings,
  SETTINGS_KEY,
  type EarlierSettings,
  type SharedSettingsRecord,
  type SyncSettings,
} from './settings';
import type { SyncSummary } from './summary';
import { withServiceRetry } from './serviceRetry';
import {
  pauseAllTriggers,
  recordedSpreadsheets,
  SyncTriggers,
  type TriggerHandle,
  type TriggerService,
} from './triggers';
import { DISCONNECT_SCHEDULE_BUSY, NO_SPREADSHEET } from './statusText';

type Spreadsheet = GoogleAppsScript.Spreadsheet.Spreadsheet;

const LAST_RUN_KEY = 'keapSync.lastRun';

export const systemClock: Clock = { now: () => Date.now() };

/** The active spreadsheet; a trigger that knows its spreadsheet uses openSpreadsheetWithId. */
/** A Google service call, tried again on a transient server error. */
export function retried<T>(call: () => T): T {
  return withServiceRetry(call, (ms) => Utilities.sleep(ms));
}

export function openSpreadsheet(): Spreadsheet {
  const active = retried(() => SpreadsheetApp.getActiveSpreadsheet());
  if (active) return active;
  throw new Error(NO_SPREADSHEET);
}

const appsScriptTriggers: TriggerService = {
  list: () => retried(() => ScriptApp.getProjectTriggers()),
  remove: (trigger: TriggerHandle) =>
    retried(() => ScriptApp.deleteTrigger(trigger as GoogleAppsScript.Script.Trigger)),
  createHourly: (handler) =>
    retried(() => ScriptApp.newTrigger(handler).timeBased().everyHours(1).create()),
  // Not retried: an editor add-on refuses it (at most hourly), and the caller makes an hourly one.
  createEveryMinutes: (handler, minutes) =>
    ScriptApp.newTrigger(handler).timeBased().everyMinutes(minutes).create(),
  // Not retried: a refusal (add-on rules) is the usual answer, and the caller goes on without it.
  createOnce: (handler, afterMs) =>
    ScriptApp.newTrigger(handler).timeBased().after(afterMs).create(),
};

/** Another change to the sync schedule holds the user lock: a disconnect must not go on. */
export class ScheduleBusyError extends Error {
  constructor() {
    super(DISCONNECT_SCHEDULE_BUSY);
    this.name = 'ScheduleBusyError';
  }
}

/**
 * Disconnect: this user's daily syncs are paused in their records (every spreadsheet the
 * user has one for) and their sync triggers removed, holding the user lock so that a run's
 * locked record update cannot write `paused` away. Throws when the lock stays busy or a
 * record cannot be written: the disconnect must then not go on (the person tries again).
 * A failure to list or remove the triggers does not throw: the records say paused, and a
 * trigger left behind stands down when it fires.
 */
export function pauseUserTriggers(): number {
  const pause = (): number => {
    const store = userStore();
    let listed: TriggerHandle[] | { error: unknown };
    try {
      listed = appsScriptTriggers.list();
    } catch (error) {
      listed = { error };
    }
    const keys = retried(() => PropertiesService.getUserProperties().getKeys());
    return pauseAllTriggers(appsScriptTriggers, store, recordedSpreadsheets(keys), listed);
  };
  return withLock(LockService.getUserLock(), 30_000, pause, () => {
    throw new ScheduleBusyError();
  });
}

/** The log row is what a person reads of an unattended run: a passing service error must not lose it. */
export function retriedLog(tab: SpreadsheetLogTab): SyncPorts['log'] {
  return { append: (summary) => retried(() => tab.append(summary)) };
}

export function userStore(): KeyValueStore {
  const store = retried(() => PropertiesService.getUserProperties());
  return {
    getProperty: (key) => retried(() => store.getProperty(key)),
    setProperty: (key, value) => store.setProperty(key, value),
    // Removing twice is removing once: a passing error is tried again.
    deleteProperty: (key) => retried(() => store.deleteProperty(key)),
  };
}

/** Null in a time-driven trigger of an add-on, where there is no current document. */
function documentStore(): KeyValueStore | null {
  try {
    return PropertiesService.getDocumentProperties();
  } catch {
    return null;
  }
}

/**
 * One record of this script's developer metadata on the spreadsheet (PROJECT visibility), by
 * key: the settings, the marks of the Keap Email Status column.
 */
class MetadataRecord implements SharedSettingsRecord {
  /** Added in this execution: the shared look-up does not hold it yet. */
  private added = false;

  /**
   * `othersSeeItAtOnce`: an added record makes every adapter look the metadata up again (the
   * settings); otherwise only this record does, when asked again (the marks: the log tab,
   * looked up after them, has no need to pay a second look-up for a record not its own).
   */
  constructor(
    private readonly session: SheetSession,
    private readonly key: string,
    private readonly othersSeeItAtOnce = true,
  ) {}

  /** Found with the rest of this script's metadata (one call the log tab shares). */
  private records(): GoogleAppsScript.Spreadsheet.DeveloperMetadata[] {
    if (this.added) {
      this.added = false;
      this.session.metadataChanged();
    }
    return retried(() => this.session.ownMetadata()).filter((found) => found.getKey() === this.key);
  }

  read(): string | null {
    return this.records()[0]?.getValue() ?? null;
  }

  /** Two editors carrying the record at once may leave two: the first is kept. */
  write(text: string): void {
    const [first, ...extra] = this.records();
    if (first) retried(() => first.setValue(text));
    else {
      retried(() =>
        this.session.spreadsheet.addDeveloperMetadata(
          this.key,
          text,
          SpreadsheetApp.DeveloperMetadataVisibility.PROJECT,
        ),
      );
      this.added = true;
    }
    for (const record of extra) retried(() => record.remove());
    if ((this.added && this.othersSeeItAtOnce) || extra.length > 0) {
      this.added = false;
      this.session.metadataChanged();
    }
  }
}

/**
 * The marks of the add-on's words in the Keap Email Status column (keapStatusMarks.ts), in
 * the spreadsheet's developer metadata: every editor's run and every trigger run shares them.
 * Read with the settings' look-up (no call of its own) and written only when the set of
 * marks changed (one call). A record that cannot be read counts as none: the legacy reader
 * decides, and the run stores the marks anew.
 */
export function metadataStatusMarks(session: SheetSession): KeapStatusMarksPort {
  const record = new MetadataRecord(session, KEAP_STATUS_MARKS_KEY, false);
  return {
    read: () => {
      try {
        return decodeMarks(record.read());
      } catch {
        return null;
      }
    },
    write: (marks) => record.write(encodeMarks(marks)),
  };
}

/**
 * Settings belong to the spreadsheet and live in it (developer metadata), so an unattended
 * run that opens it by id reads what an editor saved. The last run is kept in document
 * properties, and in the user's properties per spreadsheet where there are none.
 */
export class SpreadsheetRecords {
  private readonly record: MetadataRecord;

  /** `session`: shared with the execution's other sheet adapters (one metadata look-up). */
  constructor(
    private readonly spreadsheetId: string,
    session: SheetSession,
  ) {
    this.record = new MetadataRecord(session, SETTINGS_KEY);
  }

  /** The user's copy of a document property of this spreadsheet. */
  private mirrorKey(documentKey: string): string {
    return `${documentKey}.${this.spreadsheetId}`;
  }

  /**
   * Where earlier versions kept the settings. Looked up only when asked: a run that finds the
   * record in the spreadsheet pays nothing for them.
   */
  private earlier(): EarlierSettings {
    const key = this.mirrorKey(SETTINGS_KEY);
    let documents: KeyValueStore | null | undefined;
    let mirror: EarlierSettings['mirror'] | undefined;
    return {
      get documents() {
        if (documents === undefined) documents = documentStore();
        return documents;
      },
      get mirror() {
        mirror ??= { store: userStore(), key };
        return mirror;
      },
    };
  }

  settings(): SyncSettings {
    return loadSharedSettings(this.record, this.earlier());
  }

  saveSettings(settings: SyncSettings): void {
    saveSharedSettings(this.record, settings, this.earlier());
  }

  lastRun(): SyncSummary | null {
    const documents = documentStore();
    const shared = documents ? readJson<SyncSummary>(documents, LAST_RUN_KEY) : null;
    const own = readJson<SyncSummary>(userStore(), this.mirrorKey(LAST_RUN_KEY));
    if (!shared || !own) return shared ?? own;
    return own.startedAt > shared.startedAt ? own : shared;
  }

  saveLastRun(summary: SyncSummary): void {
    const documents = documentStore();
    if (documents) documents.setProperty(LAST_RUN_KEY, JSON.stringify(summary));
    else userStore().setProperty(this.mirrorKey(LAST_RUN_KEY), JSON.stringify(summary));
  }
}

export function syncTriggers(spreadsheetId: string): SyncTriggers {
  return new SyncTriggers(
    appsScriptTriggers,
    userStore(),
    LockService.getUserLock(),
    spreadsheetId,
    systemClock,
  );
}

/**
 * When this execution started: the bundle's top level runs once at the start of each
 * execution, and Apps Script's 6-minute limit counts from about then.
 */
const EXECUTION_STARTED_AT = Date.now();

export function syncLease(spreadsheetId: string, who?: LeaseHolder): SyncLease {
  return new SyncLease(
    PropertiesService.getScriptProperties(),
    LockService.getScriptLock(),
    spreadsheetId,
    systemClock,
    SYNC_LIMITS.leaseMs,
    who,
    EXECUTION_STARTED_AT,
  );
}

/**
 * The spreadsheet to sync and its id. A trigger knows the id already, so it costs no
 * getId() round trip there.
 */
export interface OpenedSpreadsheet {
  spreadsheet: Spreadsheet;
  id: string;
}

export function openSpreadsheetWithId(knownId?: string | null): OpenedSpreadsheet {
  if (knownId) return { spreadsheet: retried(() => SpreadsheetApp.openById(knownId)), id: knownId };
  const spreadsheet = openSpreadsheet();
  return { spreadsheet, id: spreadsheet.getId() };
}

export function previewPorts({ spreadsheet, id }: OpenedSpreadsheet): PreviewPorts {
  const session = new SheetSession(spreadsheet);
  const settings = new SpreadsheetRecords(id, session).settings();
  return {
    clock: systemClock,
    settings,
    sheet: new SpreadsheetContactSheet(spreadsheet, settings.sheetName, session),
    openGateway: (deadline) => openKeapGateway({ deadline }),
    keapAccount: () => connectedAccount(),
    timeZone: () => retried(() => spreadsheet.getSpreadsheetTimeZone()),
    locale: () => retried(() => spreadsheet.getSpreadsheetLocale()),
  };
}

/**
 * `unattended`: a time-driven run, where nobody looks at the spreadsheet. `firedFollowUp`:
 * the follow-up trigger that started this execution (it has fired, so it cannot be the next).
 */
export function syncPorts(
  { spreadsheet, id: spreadsheetId }: OpenedSpreadsheet,
  unattended: boolean,
  firedFollowUp: string | null = null,
): SyncPorts {
  const session = new SheetSession(spreadsheet, !unattended);
  const records = new SpreadsheetRecords(spreadsheetId, session);
  const settings = records.settings();
  const triggers = syncTriggers(spreadsheetId);
  return {
    clock: systemClock,
    settings,
    sheet: new SpreadsheetContactSheet(spreadsheet, settings.sheetName, session),
    log: retriedLog(new SpreadsheetLogTab(spreadsheet, session)),
    lease: syncLease(spreadsheetId),
    checkpoint: new PropertiesCheckpoint(userStore(), spreadsheetId),
    continuation: {
      schedule: (delayMs) => triggers.tryFollowUp(delayMs, firedFollowUp, keapConnected()),
      finish: () => triggers.removeFollowUps(),
      slotStarted: () => triggers.markSlotDone(),
    },
    lastRun: { save: (summary) => records.saveLastRun(summary) },
    connectionProblem: () => connectionProblem(),
    keapStatusMarks: metadataStatusMarks(session),
    openGateway: (deadline) => openKeapGateway({ deadline }),
    keapAccount: () => connectedAccount(),
    timeZone: () => retried(() => spreadsheet.getSpreadsheetTimeZone()),
    locale: () => retried(() => spreadsheet.getSpreadsheetLocale()),
    notifyOwner: (kind, subject, body) => {
      notifyOwnerOncePerDay(kind, subject, body);
    },
  };
}

/**
 * Whether the user has a Keap connection (false after Disconnect). A failed read counts as
 * connected: standing down on a passing error would stop a sync nobody asked to stop.
 */
export function keapConnected(): boolean {
  try {
    return hasKeapConnection();
  } catch {
    return true;
  }
}

/** True when the person must authorize the add-on again (triggers keep firing meanwhile). */
export function authorizationRequired(): boolean {
  try {
    const info = ScriptApp.getAuthorizationInfo(ScriptApp.AuthMode.FULL);
    return info.getAuthorizationStatus() === ScriptApp.AuthorizationStatus.REQUIRED;
  } catch {
    return false;
  }
}
