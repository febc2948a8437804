/**
 * The time-driven triggers of one spreadsheet for the current user. Editor add-ons may have
 * at most one time-driven trigger per user per document, so the sync keeps exactly one at
 * any moment: the daily trigger, or, while a long sync continues, a one-off follow-up that
 * puts the daily trigger back when the sheet is done.
 *
 * The record (user properties, keyed by spreadsheet id) remembers the daily hour while the
 * follow-up stands in for it; an index from trigger id to spreadsheet id lets a trigger
 * find its spreadsheet when it runs with no active document.
 */
import { readJson, withLock, type Clock, type KeyValueStore, type LockLike } from './ports';
import { nextDailyRun } from './dailyTime';

export const DAILY_HANDLER = 'dailySync';
export const CONTINUE_HANDLER = 'continueSync';
const OWN_HANDLERS = new Set([DAILY_HANDLER, CONTINUE_HANDLER]);
const LOCK_WAIT_MS = 10_000;

export interface TriggerHandle {
  getUniqueId(): string;
  getHandlerFunction(): string;
}

/** The slice of ScriptApp used here. */
export interface TriggerService {
  list(): TriggerHandle[];
  remove(trigger: TriggerHandle): void;
  createDaily(handler: string, hour: number, timeZone: string): TriggerHandle;
  createOnce(handler: string, afterMs: number): TriggerHandle;
}

export interface DailySchedule {
  hour: number;
  timeZone: string;
  owner: string | null;
  /** The installed trigger; null while a follow-up stands in for it. */
  uid: string | null;
}

export interface TriggerRecord {
  daily: DailySchedule | null;
  continuationUid: string | null;
}

export interface DailySyncStatus {
  enabled: boolean;
  /** 0-23 in the spreadsheet's time zone, null when off. */
  hour: number | null;
  timeZone: string;
  /** ISO 8601 of the next expected run (within the hour Google picks a minute), null when off. */
  nextRunAfter: string | null;
  /** Person who enabled it (runs as them), null when off. */
  owner: string | null;
}

export class InvalidHourError extends Error {
  constructor(hour: unknown) {
    super(`The hour must be a whole number from 0 to 23 (got ${String(hour)}).`);
    this.name = 'InvalidHourError';
  }
}

export function validHour(hour: unknown): number {
  const value = typeof hour === 'string' && hour.trim() !== '' ? Number(hour) : hour;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 23) {
    throw new InvalidHourError(hour);
  }
  return value;
}

function recordKey(spreadsheetId: string): string {
  return `keapSync.triggers.${spreadsheetId}`;
}

function indexKey(uid: string): string {
  return `keapSync.trigger.${uid}`;
}

/** The spreadsheet a trigger belongs to, from the index kept in the user's properties. */
export function spreadsheetIdForTrigger(store: KeyValueStore, uid: string): string | null {
  return store.getProperty(indexKey(uid));
}

export class SyncTriggers {
  constructor(
    private readonly service: TriggerService,
    private readonly store: KeyValueStore,
    private readonly lock: LockLike,
    private readonly spreadsheetId: string,
    private readonly clock: Clock,
  ) {}

  record(): TriggerRecord {
    const stored = readJson<TriggerRecord>(this.store, recordKey(this.spreadsheetId));
    return { daily: stored?.daily ?? null, continuationUid: stored?.continuationUid ?? null };
  }

  status(timeZone: string): DailySyncStatus {
    const { daily, continuationUid } = this.record();
    const live = new Set(this.service.list().map((t) => t.getUniqueId()));
    const scheduled =
      daily !== null &&
      ((daily.uid !== null && live.has(daily.uid)) ||
        (continuationUid !== null && live.has(continuationUid)));
    if (!daily || !scheduled) {
      return { enabled: false, hour: null, timeZone, nextRunAfter: null, owner: null };
    }
    return {
      enabled: true,
      hour: daily.hour,
      timeZone: daily.timeZone,
      nextRunAfter: nextDailyRun(this.clock.now(), daily.hour, daily.timeZone),
      owner: daily.owner,
    };
  }

  /** Exactly one daily trigger for this spreadsheet, however often this is called. */
  enableDaily(hour: number, timeZone: string, owner: string | null): void {
    const checkedHour = validHour(hour);
    this.locked(() => {
      const record = this.record();
      this.removeStrays(record);
      const current = record.daily;
      const live = current?.uid ? this.find(current.uid) : null;
      if (current && live && current.hour === checkedHour && current.timeZone === timeZone) {
        return;
      }
      if (current?.uid) this.removeTrigger(current.uid);
      const daily: DailySchedule = { hour: checkedHour, timeZone, owner, uid: null };
      // While a follow-up runs it holds the one time-driven slot; it installs the daily trigger when done.
      if (!record.continuationUid || !this.find(record.continuationUid)) {
        record.continuationUid = null;
        daily.uid = this.install(this.service.createDaily(DAILY_HANDLER, checkedHour, timeZone));
      }
      record.daily = daily;
      this.save(record);
    });
  }

  disableDaily(): void {
    this.locked(() => {
      const record = this.record();
      if (record.daily?.uid) this.removeTrigger(record.daily.uid);
      record.daily = null;
      this.removeStrays(record);
      this.save(record);
    });
  }

  /** Replaces this spreadsheet's time-driven trigger by a one-off follow-up. */
  scheduleContinuation(delayMs: number): void {
    this.locked(() => {
      const record = this.record();
      if (record.continuationUid) this.removeTrigger(record.continuationUid);
      if (record.daily?.uid) {
        this.removeTrigger(record.daily.uid);
        record.daily = { ...record.daily, uid: null };
      }
      record.continuationUid = this.install(this.service.createOnce(CONTINUE_HANDLER, delayMs));
      this.save(record);
    });
  }

  /** The run is over: no follow-up left, and the daily trigger back if it is enabled. */
  finishContinuation(): void {
    this.locked(() => {
      const record = this.record();
      if (record.continuationUid) this.removeTrigger(record.continuationUid);
      record.continuationUid = null;
      const daily = record.daily;
      if (daily && (daily.uid === null || !this.find(daily.uid))) {
        daily.uid = this.install(
          this.service.createDaily(DAILY_HANDLER, daily.hour, daily.timeZone),
        );
      }
      this.save(record);
    });
  }

  /** A one-off follow-up removes itself when it fires. */
  forgetFired(uid: string): void {
    this.locked(() => {
      const record = this.record();
      this.removeTrigger(uid);
      if (record.continuationUid === uid) {
        record.continuationUid = null;
        this.save(record);
      }
    });
  }

  private locked(work: () => void): void {
    withLock(this.lock, LOCK_WAIT_MS, work, () => {
      throw new Error('Another change to the sync schedule is in progress. Try again in a moment.');
    });
  }

  private save(record: TriggerRecord): void {
    if (!record.daily && !record.continuationUid) {
      this.store.deleteProperty(recordKey(this.spreadsheetId));
    } else {
      this.store.setProperty(recordKey(this.spreadsheetId), JSON.stringify(record));
    }
  }

  private install(trigger: TriggerHandle): string {
    const uid = trigger.getUniqueId();
    this.store.setProperty(indexKey(uid), this.spreadsheetId);
    return uid;
  }

  private find(uid: string): TriggerHandle | null {
    return this.service.list().find((t) => t.getUniqueId() === uid) ?? null;
  }

  private removeTrigger(uid: string): void {
    const trigger = this.find(uid);
    if (trigger) this.service.remove(trigger);
    this.store.deleteProperty(indexKey(uid));
  }

  /**
   * Triggers of ours that the record does not know: this spreadsheet's leftovers, and
   * triggers whose spreadsheet is unknown (they could never find it).
   */
  private removeStrays(record: TriggerRecord): void {
    const known = new Set([record.daily?.uid, record.continuationUid].filter(Boolean));
    for (const trigger of this.service.list()) {
      const uid = trigger.getUniqueId();
      if (!OWN_HANDLERS.has(trigger.getHandlerFunction()) || known.has(uid)) continue;
      const owner = spreadsheetIdForTrigger(this.store, uid);
      if (owner === null || owner === this.spreadsheetId) {
        this.service.remove(trigger);
        this.store.deleteProperty(indexKey(uid));
      }
    }
  }
}
