/**
 * The time-driven triggers of one spreadsheet for the current user.
 *
 * One recurring trigger (`dailySync`, every hour) is installed when the daily sync is turned
 * on and is never replaced while runs come and go: an execution killed at any service call,
 * or failing on a Google service error, cannot leave the sync without a trigger. Each firing
 * decides for itself, from a property read or two, whether there is work: a pending run
 * (its checkpoint) continues; else the day's slot (hour:00 in the time zone) starts once it
 * has passed, with a few attempts so a run killed before its first checkpoint is retried an
 * hour later rather than a day later.
 *
 * A run with work left always has a recurring trigger that continues it: the daily one, or,
 * while the daily sync is off (a "Sync now" that needs more than one execution), a recurring
 * `continueSync` carrier made before the checkpoint is left and removed when the run ends
 * (or by its own firing once no run is pending). A follow-up's kill or failure at any call
 * therefore leaves a trigger that finishes the work. Where Apps Script accepts it (a bound
 * script), the run also makes a one-off `continueSync` so it continues within a minute.
 * Editor add-ons may have one time-driven trigger per user per document, so there the
 * one-off is refused and the recurring trigger continues the run. A one-off that fired is
 * spent (it stays listed until deleted): it is deleted at the end of its execution, and any
 * leftover one is removed at the next run. Nothing is made for a user without a Keap
 * connection (Disconnect means stop).
 *
 * The record (user properties, keyed by spreadsheet id) keeps the hour, the trigger and the
 * slot state; an index from trigger id to spreadsheet id lets a trigger find its spreadsheet
 * when it runs with no active document.
 */
import { readJson, withLock, type Clock, type KeyValueStore, type LockLike } from './ports';
import { latestDailySlot, nextDailyRun } from './dailyTime';
import { invalidHourMessage, SCHEDULE_BUSY } from './statusText';

export const DAILY_HANDLER = 'dailySync';
export const CONTINUE_HANDLER = 'continueSync';
const OWN_HANDLERS = new Set([DAILY_HANDLER, CONTINUE_HANDLER]);
const LOCK_WAIT_MS = 10_000;
const HOUR_MS = 3_600_000;
/** Starts of one day's slot: a run killed before its first checkpoint gets two more tries. */
export const SLOT_ATTEMPTS = 3;

export interface TriggerHandle {
  getUniqueId(): string;
  getHandlerFunction(): string;
}

/** The slice of ScriptApp used here. */
export interface TriggerService {
  list(): TriggerHandle[];
  remove(trigger: TriggerHandle): void;
  createHourly(handler: string): TriggerHandle;
  /** A recurring trigger every `minutes` minutes; editor add-ons refuse it (at most hourly). */
  createEveryMinutes(handler: string, minutes: number): TriggerHandle;
  createOnce(handler: string, afterMs: number): TriggerHandle;
}

/** The carrier's period where Apps Script allows one that short (a bound script). */
export const CARRIER_MINUTES = 5;

export interface DailySchedule {
  hour: number;
  timeZone: string;
  owner: string | null;
  /** The installed recurring trigger; null while paused. */
  uid: string | null;
  /** 'daily': an everyDays(1) trigger of an earlier version, migrated when a person is present. */
  kind: 'hourly' | 'daily';
  /** Epoch ms the hourly trigger was made (its firings are whole hours after it). */
  installedAt?: number;
  /** Keap was disconnected: no trigger; turning it back on keeps the hour. */
  paused?: boolean;
}

/** The daily slot last started: its scheduled time, the starts so far, and whether it ran. */
export interface SlotState {
  at: number;
  attempts: number;
  done: boolean;
}

export interface TriggerRecord {
  daily: DailySchedule | null;
  slot: SlotState | null;
  /** A one-off follow-up made for a pending run (bound scripts only). */
  followUpUid: string | null;
  /** When it fires; after that it is spent, even if still listed (its execution was killed). */
  followUpDueAt?: number;
  /**
   * The recurring `continueSync` trigger that carries a pending run while no daily trigger
   * does (the daily sync is off or paused); null when there is none.
   */
  carrierUid?: string | null;
  /** Epoch ms the carrier was made (it fires whole periods after). */
  carrierInstalledAt?: number;
  /** The carrier's period: every few minutes (a bound script) or hourly (an editor add-on). */
  carrierEveryMs?: number;
}

/** When the rest of a run with work left continues, as a follow-up was arranged. */
export type NextExecution =
  /** A one-off follow-up fires at `at` (about a minute away). */
  | { kind: 'soon'; at: number }
  /** The recurring trigger's next firing, at about `at`. */
  | { kind: 'hourly'; at: number }
  /** Keap is not connected: nothing was made; the run waits for a connection. */
  | { kind: 'stopped' }
  /** No trigger could be made (Google refused or failed): the next sync continues it. */
  | { kind: 'none' };

export interface DailySyncStatus {
  enabled: boolean;
  /** 0-23 in the spreadsheet's time zone; also kept while paused. */
  hour: number | null;
  timeZone: string;
  /** ISO 8601 of the next expected run (within the hour Google picks a minute), null when off. */
  nextRunAfter: string | null;
  /** Person who enabled it (runs as them), null when off. */
  owner: string | null;
  /** Off because Keap was disconnected; it can be turned back on at `hour`. */
  paused?: boolean;
  /** The trigger was gone and was put back just now. */
  repaired?: boolean;
}

export class InvalidHourError extends Error {
  constructor(hour: unknown) {
    super(invalidHourMessage(hour));
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

export function recordKey(spreadsheetId: string): string {
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

/** What `ensure` found. */
export type EnsureResult = 'off' | 'ok' | 'repaired';

function readRecord(store: KeyValueStore, spreadsheetId: string): TriggerRecord {
  const stored = readJson<Partial<TriggerRecord> & { daily?: Partial<DailySchedule> }>(
    store,
    recordKey(spreadsheetId),
  );
  const daily = stored?.daily;
  return {
    daily:
      daily && typeof daily.hour === 'number'
        ? {
            hour: daily.hour,
            timeZone: String(daily.timeZone ?? 'UTC'),
            owner: daily.owner ?? null,
            uid: daily.uid ?? null,
            kind: daily.kind === 'hourly' ? 'hourly' : 'daily',
            ...(typeof daily.installedAt === 'number' ? { installedAt: daily.installedAt } : {}),
            ...(daily.paused ? { paused: true } : {}),
          }
        : null,
    slot: stored?.slot && typeof stored.slot.at === 'number' ? stored.slot : null,
    followUpUid: typeof stored?.followUpUid === 'string' ? stored.followUpUid : null,
    ...(typeof stored?.followUpDueAt === 'number' ? { followUpDueAt: stored.followUpDueAt } : {}),
    ...(typeof stored?.carrierUid === 'string' ? { carrierUid: stored.carrierUid } : {}),
    ...(typeof stored?.carrierInstalledAt === 'number'
      ? { carrierInstalledAt: stored.carrierInstalledAt }
      : {}),
    ...(typeof stored?.carrierEveryMs === 'number'
      ? { carrierEveryMs: stored.carrierEveryMs }
      : {}),
  };
}

/** The next firing after `after` of a recurring trigger made at `installedAt`, every `everyMs`. */
export function nextHourlyFiring(
  installedAt: number | undefined,
  after: number,
  everyMs = HOUR_MS,
): number {
  if (installedAt === undefined || installedAt > after) return after + everyMs;
  const periods = Math.floor((after - installedAt) / everyMs) + 1;
  return installedAt + periods * everyMs;
}

function forgetCarrier(record: TriggerRecord): void {
  record.carrierUid = null;
  delete record.carrierInstalledAt;
  delete record.carrierEveryMs;
}

function saveRecordTo(store: KeyValueStore, spreadsheetId: string, record: TriggerRecord): void {
  if (!record.daily && !record.followUpUid && !record.carrierUid) {
    store.deleteProperty(recordKey(spreadsheetId));
  } else {
    store.setProperty(recordKey(spreadsheetId), JSON.stringify(record));
  }
}

/** The spreadsheets with a trigger record, from the keys of the user's properties. */
export function recordedSpreadsheets(keys: readonly string[]): string[] {
  const prefix = recordKey('');
  return keys.filter((key) => key.startsWith(prefix)).map((key) => key.slice(prefix.length));
}

/**
 * Disconnect: marks the daily sync of every spreadsheet in the user's records paused (keeping
 * its hour) and forgets their follow-ups, then removes this user's sync triggers (the
 * connection is the user's). Paused by record, not by live trigger: a trigger lost earlier
 * cannot leave a record that self-repair would put back. `listed` is the user's triggers
 * (listed first: the record writes do not depend on it), or the error listing them threw.
 * A trigger that could not be listed or removed is left: it removes itself when it fires
 * (no connection, a paused record), and the sidebar removes it too. A failed record write
 * throws: the caller must not disconnect on it.
 */
export function pauseAllTriggers(
  service: TriggerService,
  store: KeyValueStore,
  spreadsheetIds: readonly string[],
  listed: TriggerHandle[] | { error: unknown } = service.list(),
): number {
  let paused = 0;
  for (const spreadsheetId of new Set(spreadsheetIds)) {
    const record = readRecord(store, spreadsheetId);
    if (record.daily && !record.daily.paused) {
      record.daily = { ...record.daily, uid: null, paused: true };
      paused += 1;
    }
    record.followUpUid = null;
    delete record.followUpDueAt;
    forgetCarrier(record);
    saveRecordTo(store, spreadsheetId, record);
  }
  if (!Array.isArray(listed)) return paused;
  for (const trigger of listed) {
    if (!OWN_HANDLERS.has(trigger.getHandlerFunction())) continue;
    const uid = trigger.getUniqueId();
    try {
      service.remove(trigger);
      store.deleteProperty(indexKey(uid));
    } catch {
      // Left behind: it stands down when it fires.
    }
  }
  return paused;
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
    return readRecord(this.store, this.spreadsheetId);
  }

  status(timeZone: string): DailySyncStatus {
    const { daily } = this.record();
    if (daily?.paused) {
      return {
        enabled: false,
        hour: daily.hour,
        timeZone: daily.timeZone,
        nextRunAfter: null,
        owner: daily.owner,
        paused: true,
      };
    }
    // "On" only with a live trigger: a record alone schedules nothing.
    if (!daily || daily.uid === null || !this.find(daily.uid)) {
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

  /**
   * About when the work of an execution that dies now continues, once its lease has expired
   * (`after`): the recurring trigger's next firing when a run is pending (its checkpoint) or
   * the day's slot has starts left; else the next daily run; null when no trigger of this
   * user will (the daily sync off or paused, and no carrier). From the record only.
   * `waitUntil`: the pending run waits for Keap's daily limit to reset then; firings before
   * it return at once, so it continues at the first firing at or after it.
   */
  continuesAfter(
    after: number,
    pendingRun: boolean,
    waitUntil: number | null = null,
  ): number | null {
    const record = this.record();
    const daily = record.daily && !record.daily.paused && record.daily.uid ? record.daily : null;
    if (pendingRun) {
      after = waitUntil !== null && waitUntil > after ? waitUntil - 1 : after;
      if (daily) {
        return daily.kind === 'hourly'
          ? nextHourlyFiring(daily.installedAt, after)
          : Date.parse(nextDailyRun(after, daily.hour, daily.timeZone));
      }
      return record.carrierUid
        ? nextHourlyFiring(record.carrierInstalledAt, after, record.carrierEveryMs)
        : null;
    }
    if (!daily) return null;
    const slotAt = latestDailySlot(after, daily.hour, daily.timeZone);
    const slot = record.slot;
    const retried =
      daily.kind === 'hourly' &&
      slot !== null &&
      slot.at === slotAt &&
      !slot.done &&
      slot.attempts < SLOT_ATTEMPTS;
    return retried
      ? nextHourlyFiring(daily.installedAt, after)
      : Date.parse(nextDailyRun(after, daily.hour, daily.timeZone));
  }

  /** True when a live recurring trigger of this user (the daily one or a carrier) would continue a pending run. */
  carriesPendingRun(): boolean {
    const record = this.record();
    const daily = record.daily;
    if (daily && !daily.paused && daily.uid !== null && this.find(daily.uid)) return true;
    return Boolean(record.carrierUid && this.find(record.carrierUid));
  }

  /** True when `uid` is this spreadsheet's recurring carrier of a pending run. */
  isCarrier(uid: string | null): boolean {
    return uid !== null && this.record().carrierUid === uid;
  }

  /** Exactly one recurring trigger for this spreadsheet, however often this is called. */
  enableDaily(hour: number, timeZone: string, owner: string | null): void {
    const checkedHour = validHour(hour);
    this.locked(() => {
      const record = this.record();
      const current = record.daily;
      const live =
        current?.uid && current.kind === 'hourly' && !current.paused
          ? this.find(current.uid)
          : null;
      const now = this.clock.now();
      // Today's slot, if already past, is not run at once: the first run is the next one.
      record.slot = { at: latestDailySlot(now, checkedHour, timeZone), attempts: 0, done: true };
      const daily: DailySchedule = live
        ? { ...(current as DailySchedule), hour: checkedHour, timeZone, owner }
        : {
            hour: checkedHour,
            timeZone,
            owner,
            kind: 'hourly',
            uid: null,
            installedAt: now,
          };
      if (!live) {
        this.removeOwn(null);
        forgetCarrier(record);
        daily.uid = this.create(() => this.service.createHourly(DAILY_HANDLER));
      }
      record.daily = daily;
      record.followUpUid = null;
      this.save(record);
    });
  }

  /**
   * Turns the daily sync off; a pending run's carrier stays until that run ends.
   * `pendingRun`: this user has a run to continue (and a Keap connection). While the daily
   * sync is on, its hourly trigger is that run's recurring trigger, so it is kept and becomes
   * the run's carrier (a `dailySync` firing that is the carrier only continues the run, and is
   * removed when none is pending): no moment without a trigger, and nothing to create, which
   * an editor add-on would refuse while that trigger exists (one per user per document). Only
   * when there is no live hourly trigger to keep (lost, or an everyDays trigger of an earlier
   * version) is a carrier made, after the others are removed.
   */
  disableDaily(pendingRun = false): void {
    this.locked(() => {
      const record = this.record();
      const daily = record.daily;
      let keep = record.carrierUid && this.find(record.carrierUid) ? record.carrierUid : null;
      if (
        pendingRun &&
        keep === null &&
        daily &&
        !daily.paused &&
        daily.kind === 'hourly' &&
        daily.uid !== null &&
        this.find(daily.uid)
      ) {
        keep = daily.uid;
        record.carrierUid = daily.uid;
        if (daily.installedAt === undefined) delete record.carrierInstalledAt;
        else record.carrierInstalledAt = daily.installedAt;
        record.carrierEveryMs = HOUR_MS;
      }
      if (keep === null) forgetCarrier(record);
      this.removeOwn(keep);
      record.daily = null;
      record.slot = null;
      record.followUpUid = null;
      delete record.followUpDueAt;
      if (pendingRun && keep === null) {
        try {
          this.recurringFiring(record, this.clock.now());
        } catch {
          // Not carried: the sidebar gives the run its carrier back when it next looks.
        }
      }
      this.save(record);
    });
  }

  /**
   * A trigger of this spreadsheet fired for a user with no Keap connection (Disconnect, even
   * one that could not list or remove the triggers): every sync trigger of this spreadsheet
   * is removed and the daily sync marked paused, as Disconnect would have.
   */
  standDown(): void {
    this.locked(() => {
      const record = this.record();
      this.removeOwn(null);
      if (record.daily && !record.daily.paused) {
        record.daily = { ...record.daily, uid: null, paused: true };
      }
      record.followUpUid = null;
      delete record.followUpDueAt;
      forgetCarrier(record);
      this.save(record);
    });
  }

  /**
   * Self-repair: the daily sync is on but its trigger is gone (deleted by hand, lost), or it
   * is an everyDays trigger of an earlier version. Migration changes the trigger, so it only
   * happens while a person is present; a missing trigger is put back in any run. Nothing is
   * put back for a paused daily sync or a user without a Keap connection (`connected`): a
   * paused sync's trigger left behind (Disconnect could not remove it) is removed instead.
   */
  ensure(personPresent: boolean, connected = true): EnsureResult {
    const before = this.record().daily;
    if (!before) return 'off';
    if (before.paused || !connected) {
      if (before.paused && before.uid === null) this.removeLeftDaily();
      return 'off';
    }
    const alive = before.uid !== null && this.find(before.uid) !== null;
    if (alive && (before.kind === 'hourly' || !personPresent)) return 'ok';
    let result: EnsureResult = 'ok';
    this.locked(() => {
      const record = this.record();
      const daily = record.daily;
      if (!daily || daily.paused) return;
      const live = daily.uid !== null && this.find(daily.uid) !== null;
      if (live && (daily.kind === 'hourly' || !personPresent)) return;
      this.removeOwn(null);
      forgetCarrier(record);
      const now = this.clock.now();
      daily.uid = this.create(() => this.service.createHourly(DAILY_HANDLER));
      daily.installedAt = now;
      daily.kind = 'hourly';
      record.followUpUid = null;
      this.save(record);
      result = live ? 'ok' : 'repaired';
    });
    return result;
  }

  /** A paused daily sync's `dailySync` trigger that Disconnect could not remove. */
  private removeLeftDaily(): void {
    const left = this.service
      .list()
      .filter((t) => t.getHandlerFunction() === DAILY_HANDLER && this.isOurs(t.getUniqueId()));
    for (const trigger of left) {
      this.service.remove(trigger);
      this.store.deleteProperty(indexKey(trigger.getUniqueId()));
    }
  }

  /**
   * A firing of the recurring trigger with no pending run: true when the day's slot has
   * passed and has not run (and has attempts left); the start is counted before the work.
   */
  claimDailySlot(): boolean {
    const { daily } = this.record();
    if (!daily || daily.paused) return false;
    let claimed = false;
    this.locked(() => {
      const record = this.record();
      if (!record.daily) return;
      const at = latestDailySlot(this.clock.now(), record.daily.hour, record.daily.timeZone);
      const slot = record.slot && record.slot.at === at ? record.slot : null;
      if (slot && (slot.done || slot.attempts >= SLOT_ATTEMPTS)) return;
      // A slot older than the recorded one (clock or time zone change) is not run again.
      if (record.slot && record.slot.at > at) return;
      record.slot = { at, attempts: (slot?.attempts ?? 0) + 1, done: false };
      this.save(record);
      claimed = true;
    });
    return claimed;
  }

  /** The day's run got going (it ended or left a checkpoint): its slot is not started again. */
  markSlotDone(): void {
    const record = this.record();
    if (!record.slot || record.slot.done) return;
    this.locked(() => {
      const fresh = this.record();
      if (!fresh.slot) return;
      fresh.slot = { ...fresh.slot, done: true };
      this.save(fresh);
    });
  }

  /**
   * A run has work left (its checkpoint is saved): makes sure a recurring trigger will
   * continue it, and soon where Apps Script allows. With the daily sync on, that is the daily
   * (hourly) trigger, plus a one-off follow-up where one is accepted (a bound script; an
   * editor add-on refuses it: one time-driven trigger per document). With it off, it is a
   * recurring `continueSync` carrier: every few minutes in a bound script (then no one-off
   * is needed), hourly in an editor add-on (which refuses shorter periods). A recurring
   * trigger is never spent by firing, so a follow-up killed or failing at any call leaves it.
   * `connected`: false when the user has no Keap connection (Disconnect during the run):
   * nothing is made.
   */
  tryFollowUp(delayMs: number, spentUid: string | null = null, connected = true): NextExecution {
    if (!connected) return { kind: 'stopped' };
    let next: NextExecution = { kind: 'none' };
    try {
      this.locked(() => {
        const record = this.record();
        const now = this.clock.now();
        this.removeSpentFollowUps(record, spentUid);
        const recurring = this.recurringFiring(record, now);
        if (recurring !== null && recurring.at - now <= delayMs + CARRIER_MINUTES * 60_000) {
          next = { kind: 'soon', at: recurring.at };
        } else if (record.followUpUid !== null && this.find(record.followUpUid)) {
          next = { kind: 'soon', at: record.followUpDueAt ?? now + delayMs };
        } else {
          record.followUpUid = null;
          try {
            record.followUpUid = this.create(() =>
              this.service.createOnce(CONTINUE_HANDLER, delayMs),
            );
            record.followUpDueAt = now + delayMs;
            next = { kind: 'soon', at: now + delayMs };
          } catch {
            // Refused (add-on rules) or failed: the recurring trigger continues the run.
            if (recurring !== null) next = { kind: 'hourly', at: recurring.at };
          }
        }
        this.save(record);
      });
    } catch {
      // The lock or a trigger call failed: what was made before stays in the record.
    }
    return next;
  }

  /**
   * Self-repair of a pending run (the caller saw its checkpoint): when no recurring trigger of
   * this user carries it (its first execution was killed before the carrier was made, or
   * Google refused to make one), the carrier is made now. True when one was made.
   */
  carryPendingRun(): boolean {
    const before = this.record();
    const daily = before.daily;
    if (daily && !daily.paused && daily.uid !== null && this.find(daily.uid)) return false;
    if (before.carrierUid && this.find(before.carrierUid)) return false;
    let made = false;
    this.locked(() => {
      const record = this.record();
      const had = record.carrierUid ?? null;
      const at = this.recurringFiring(record, this.clock.now());
      made = at !== null && (record.carrierUid ?? null) !== had;
      this.save(record);
    });
    return made;
  }

  /**
   * A `continueSync` trigger that is neither the recorded carrier nor the recorded one-off
   * fired while a run is pending (a carrier Disconnect could not remove and forgot, then Keap
   * was connected again). The run must stay carried: a recurring trigger is made now if none
   * carries it; where that is refused (an editor add-on: the fired trigger is the document's
   * one time-driven trigger), the fired trigger is kept as the run's carrier instead of being
   * deleted (hourly: the only recurring period an add-on may have). True when it was kept.
   */
  adoptAsCarrier(fired: string | null): boolean {
    if (fired === null) return false;
    let adopted = false;
    this.locked(() => {
      const record = this.record();
      if (record.followUpUid === fired || record.carrierUid === fired) return;
      const now = this.clock.now();
      if (this.recurringFiring(record, now) === null) {
        const trigger = this.find(fired);
        if (trigger && trigger.getHandlerFunction() === CONTINUE_HANDLER && this.isOurs(fired)) {
          record.carrierUid = fired;
          record.carrierInstalledAt = now;
          record.carrierEveryMs = HOUR_MS;
          adopted = true;
        }
      }
      this.save(record);
    });
    return adopted;
  }

  /**
   * The next firing of the recurring trigger that continues this user's pending run: the live
   * daily trigger, else the carrier, made now if missing (every few minutes where allowed,
   * else hourly). Null when none could be made.
   */
  private recurringFiring(record: TriggerRecord, now: number): { at: number } | null {
    const daily = record.daily;
    if (daily && !daily.paused && daily.uid !== null && this.find(daily.uid)) {
      return {
        at:
          daily.kind === 'hourly'
            ? nextHourlyFiring(daily.installedAt, now)
            : Date.parse(nextDailyRun(now, daily.hour, daily.timeZone)),
      };
    }
    if (record.carrierUid && this.find(record.carrierUid)) {
      return {
        at: nextHourlyFiring(record.carrierInstalledAt, now, record.carrierEveryMs),
      };
    }
    forgetCarrier(record);
    const made =
      this.tryCreate(() => this.service.createEveryMinutes(CONTINUE_HANDLER, CARRIER_MINUTES), {
        everyMs: CARRIER_MINUTES * 60_000,
      }) ?? this.tryCreate(() => this.service.createHourly(CONTINUE_HANDLER), { everyMs: HOUR_MS });
    if (!made) return null;
    record.carrierUid = made.uid;
    record.carrierInstalledAt = now;
    record.carrierEveryMs = made.everyMs;
    return { at: now + made.everyMs };
  }

  private tryCreate(
    make: () => TriggerHandle,
    period: { everyMs: number },
  ): { uid: string; everyMs: number } | null {
    try {
      return { uid: this.create(make), everyMs: period.everyMs };
    } catch {
      return null;
    }
  }

  /** Removes this spreadsheet's fired or stray one-offs (`spentUid`: the one that started this run). */
  cleanUpFollowUps(spentUid: string | null = null): void {
    const record = this.record();
    const strays = this.service
      .list()
      .filter((t) => t.getHandlerFunction() === CONTINUE_HANDLER && this.isOurs(t.getUniqueId()));
    const pending = record.followUpUid;
    const doomed = strays.filter(
      (t) => t.getUniqueId() === spentUid || t.getUniqueId() !== pending,
    );
    if (doomed.length === 0 && (pending === null || pending !== spentUid)) return;
    this.locked(() => {
      const fresh = this.record();
      this.removeSpentFollowUps(fresh, spentUid);
      this.save(fresh);
    });
  }

  /** The run is over: no one-off nor carrier of this spreadsheet is needed any more. */
  removeFollowUps(): void {
    const strays = this.service
      .list()
      .filter((t) => t.getHandlerFunction() === CONTINUE_HANDLER && this.isOurs(t.getUniqueId()));
    const stored = this.record();
    if (strays.length === 0 && stored.followUpUid === null && !stored.carrierUid) return;
    this.locked(() => {
      const record = this.record();
      this.removeSpentFollowUps(record, null, true);
      this.save(record);
    });
  }

  private removeSpentFollowUps(record: TriggerRecord, spentUid: string | null, all = false): void {
    const spent =
      all ||
      record.followUpUid === spentUid ||
      (record.followUpDueAt !== undefined && this.clock.now() >= record.followUpDueAt);
    for (const trigger of this.service.list()) {
      const uid = trigger.getUniqueId();
      // The carrier may be a kept `dailySync` trigger (the daily sync was turned off).
      const carrier = uid === record.carrierUid;
      if ((!carrier && trigger.getHandlerFunction() !== CONTINUE_HANDLER) || !this.isOurs(uid)) {
        continue;
      }
      if (uid === record.followUpUid && !spent) continue;
      if (carrier && !all) continue;
      this.service.remove(trigger);
      this.store.deleteProperty(indexKey(uid));
    }
    if (spent) {
      record.followUpUid = null;
      delete record.followUpDueAt;
    }
    if (all) forgetCarrier(record);
  }

  /** This spreadsheet's trigger, or one whose spreadsheet is unknown (it could never find it). */
  private isOurs(uid: string): boolean {
    const owner = indexedSpreadsheet(this.store, uid);
    return owner === null || owner === this.spreadsheetId;
  }

  private locked(work: () => void): void {
    withLock(this.lock, LOCK_WAIT_MS, work, () => {
      throw new Error(SCHEDULE_BUSY);
    });
  }

  private save(record: TriggerRecord): void {
    saveRecordTo(this.store, this.spreadsheetId, record);
  }

  /** Creates a trigger, noting the spreadsheet before (a kill right after still finds it). */
  private create(make: () => TriggerHandle): string {
    this.store.setProperty(LAST_INSTALLED_KEY, this.spreadsheetId);
    const uid = make().getUniqueId();
    this.store.setProperty(indexKey(uid), this.spreadsheetId);
    return uid;
  }

  /** Removes this spreadsheet's triggers of ours except `keep`. */
  private removeOwn(keep: string | null): void {
    for (const trigger of this.service.list()) {
      const uid = trigger.getUniqueId();
      if (!OWN_HANDLERS.has(trigger.getHandlerFunction()) || uid === keep) continue;
      if (!this.isOurs(uid)) continue;
      this.service.remove(trigger);
      this.store.deleteProperty(indexKey(uid));
    }
  }

  private find(uid: string): TriggerHandle | null {
    return this.service.list().find((t) => t.getUniqueId() === uid) ?? null;
  }
}
