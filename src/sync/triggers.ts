/**
 * The time-driven triggers of one spreadsheet for the current user. Editor add-ons may have
 * at most one time-driven trigger per user per document, so the sync keeps exactly one at
 * any moment: the daily trigger, or, while a long sync continues, a one-off follow-up that
 * puts the daily trigger back when the sheet is done.
 *
 * An execution can be killed at any point, so the set of triggers is made safe before the
 * work, not after it: a follow-up that fires first replaces itself by the next follow-up
 * (armFollowUp), and only then works. Every replacement removes before it creates (two
 * time-driven triggers at once are refused to add-ons); the record is saved last.
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
  /** The run the pending follow-up continues (the id in its checkpoint). */
  continuationRunId: string | null;
  /** Follow-ups of that run that fired so far, killed ones included. */
  followUpsFired: number;
}

/** What a follow-up that just fired found, once the triggers are safe again. */
export type ArmedFollowUp =
  /** The next follow-up of the run stands in for this one in case this execution dies. */
  | { kind: 'armed'; runId: string | null }
  /** The run had its follow-ups: the daily trigger is back, the run must be closed. */
  | { kind: 'exhausted'; runId: string | null }
  /** Not the follow-up the record expects (a leftover): removed, nothing else changed. */
  | { kind: 'stray' };

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

/** The spreadsheet whose trigger this user created last (kept before each creation). */
const LAST_INSTALLED_KEY = 'keapSync.trigger.lastInstalledFor';

/**
 * The spreadsheet a trigger belongs to, from the index kept in the user's properties; for a
 * trigger whose index was never written (killed right after creating it), the spreadsheet
 * of the last creation.
 */
export function spreadsheetIdForTrigger(store: KeyValueStore, uid: string): string | null {
  return indexedSpreadsheet(store, uid) ?? store.getProperty(LAST_INSTALLED_KEY);
}

function indexedSpreadsheet(store: KeyValueStore, uid: string): string | null {
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
    const stored = readJson<Partial<TriggerRecord>>(this.store, recordKey(this.spreadsheetId));
    return {
      daily: stored?.daily ?? null,
      continuationUid: stored?.continuationUid ?? null,
      continuationRunId: stored?.continuationRunId ?? null,
      followUpsFired: typeof stored?.followUpsFired === 'number' ? stored.followUpsFired : 0,
    };
  }

  /** The run a pending follow-up will continue, or null when no follow-up is pending. */
  pendingRunId(): string | null {
    const { continuationUid, continuationRunId } = this.record();
    return continuationUid === null ? null : continuationRunId;
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
      const daily: DailySchedule = { hour: checkedHour, timeZone, owner, uid: null };
      // While a follow-up runs it holds the one time-driven slot; it installs the daily trigger when done.
      if (!record.continuationUid || !this.find(record.continuationUid)) {
        record.continuationUid = null;
        daily.uid = this.replace([current?.uid], () =>
          this.service.createDaily(DAILY_HANDLER, checkedHour, timeZone),
        );
      } else {
        this.replace([current?.uid], null);
      }
      record.daily = daily;
      this.save(record);
    });
  }

  disableDaily(): void {
    this.locked(() => {
      const record = this.record();
      this.replace([record.daily?.uid], null);
      record.daily = null;
      this.removeStrays(record);
      this.save(record);
    });
  }

  /**
   * Makes sure a follow-up of run `runId` is pending: keeps one that is (armed by this very
   * execution, or scheduled by an earlier one and not fired yet), else replaces this
   * spreadsheet's time-driven trigger by a one-off. `spentUid`: the follow-up that started
   * this execution; it has fired, so it cannot stand for the next one.
   */
  scheduleContinuation(delayMs: number, runId: string, spentUid: string | null = null): void {
    this.locked(() => {
      const record = this.record();
      const pending = record.continuationUid;
      if (
        pending !== null &&
        pending !== spentUid &&
        record.continuationRunId === runId &&
        this.find(pending)
      ) {
        return;
      }
      this.removeStrays(record);
      record.continuationUid = this.replace([pending, record.daily?.uid], () =>
        this.service.createOnce(CONTINUE_HANDLER, delayMs),
      );
      if (record.daily) record.daily = { ...record.daily, uid: null };
      if (record.continuationRunId !== runId) {
        record.continuationRunId = runId;
        record.followUpsFired = 0;
      }
      this.save(record);
    });
  }

  /**
   * First thing a follow-up does: its one-off has fired (and stays listed, spent, until
   * deleted), so it is replaced by the next follow-up before any work starts. If this
   * execution is killed, that one continues the run; if it ends normally, the run keeps it
   * (continuing) or replaces it by the daily trigger (finished). After `maxFollowUps`
   * follow-ups of one run, the daily trigger comes back instead.
   */
  armFollowUp(firedUid: string, delayMs: number, maxFollowUps: number): ArmedFollowUp {
    let armed: ArmedFollowUp = { kind: 'stray' };
    this.locked(() => {
      const record = this.record();
      // The record may not know the fired trigger when the execution that made it was
      // killed before saving: it still continues the run the record waits for.
      const current = record.continuationUid;
      const adopt = current !== null && current !== firedUid && !this.find(current);
      if (current !== firedUid && !adopt) {
        this.replace([firedUid], null);
        return;
      }
      this.removeStrays({ ...record, continuationUid: firedUid });
      const runId = record.continuationRunId;
      record.followUpsFired += 1;
      if (record.followUpsFired > maxFollowUps) {
        const daily = record.daily;
        const uid = this.replace(
          [firedUid, current],
          daily ? () => this.service.createDaily(DAILY_HANDLER, daily.hour, daily.timeZone) : null,
        );
        if (daily) daily.uid = uid;
        record.continuationUid = null;
        record.continuationRunId = null;
        record.followUpsFired = 0;
        armed = { kind: 'exhausted', runId };
      } else {
        record.continuationUid = this.replace([firedUid, current], () =>
          this.service.createOnce(CONTINUE_HANDLER, delayMs),
        );
        armed = { kind: 'armed', runId };
      }
      this.save(record);
    });
    return armed;
  }

  /** The run is over: no follow-up left, and the daily trigger back if it is enabled. */
  finishContinuation(): void {
    this.locked(() => {
      const record = this.record();
      const daily = record.daily;
      const dailyLive = daily?.uid ? this.find(daily.uid) !== null : false;
      const chain = record.continuationUid !== null || record.continuationRunId !== null;
      // The usual end of a one-execution run: nothing to change, nothing written.
      if (!chain && (!daily || dailyLive)) return;
      if (daily && !dailyLive) {
        this.removeStrays(record);
        daily.uid = this.replace([record.continuationUid, daily.uid], () =>
          this.service.createDaily(DAILY_HANDLER, daily.hour, daily.timeZone),
        );
      } else {
        this.replace([record.continuationUid], null);
      }
      record.continuationUid = null;
      record.continuationRunId = null;
      record.followUpsFired = 0;
      this.save(record);
    });
  }

  private locked(work: () => void): void {
    withLock(this.lock, LOCK_WAIT_MS, work, () => {
      throw new Error('Another change to the sync schedule is in progress. Try again in a moment.');
    });
  }

  private save(record: TriggerRecord): void {
    if (!record.daily && !record.continuationUid && !record.continuationRunId) {
      this.store.deleteProperty(recordKey(this.spreadsheetId));
    } else {
      this.store.setProperty(recordKey(this.spreadsheetId), JSON.stringify(record));
    }
  }

  /**
   * Removes the triggers `olds` and creates the one `create` makes (if any), with no other
   * call between the last removal and the creation: an execution killed in that gap is the
   * only one that leaves no trigger, and add-ons cannot create first (one per document).
   * The spreadsheet is noted before the creation, so a trigger whose index was never
   * written (killed right after creating it) still finds its spreadsheet.
   */
  private replace(
    olds: (string | null | undefined)[],
    create: (() => TriggerHandle) | null,
  ): string | null {
    const uids = [...new Set(olds.filter((uid): uid is string => Boolean(uid)))];
    const live = uids.length > 0 ? this.service.list() : [];
    const doomed = live.filter((t) => uids.includes(t.getUniqueId()));
    if (create) this.store.setProperty(LAST_INSTALLED_KEY, this.spreadsheetId);
    doomed.forEach((trigger) => this.service.remove(trigger));
    const uid = create ? create().getUniqueId() : null;
    if (uid) this.store.setProperty(indexKey(uid), this.spreadsheetId);
    uids.forEach((old) => this.store.deleteProperty(indexKey(old)));
    return uid;
  }

  private find(uid: string): TriggerHandle | null {
    return this.service.list().find((t) => t.getUniqueId() === uid) ?? null;
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
      const owner = indexedSpreadsheet(this.store, uid);
      if (owner === null || owner === this.spreadsheetId) {
        this.service.remove(trigger);
        this.store.deleteProperty(indexKey(uid));
      }
    }
  }
}
