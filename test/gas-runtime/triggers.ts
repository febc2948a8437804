/**
 * Installable triggers: the registry, the schedules of time-driven triggers, and the rules
 * Apps Script enforces when one is created.
 *
 * - A daily trigger fires at hour `atHour` of its time zone (the script's unless
 *   `inTimezone`), at a pseudo-random minute of that hour that is fixed per trigger
 *   (`nearMinute(m)` pins it to m), every `everyDays` days.
 * - `everyHours(n)` / `everyMinutes(n)` fire n hours / minutes after creation, then every n.
 * - One-off triggers (`after(ms)`, `at(date)`) fire once and then stay listed, spent, until
 *   deleted: they still count toward the limits (delete them from their handler).
 * - 20 triggers per user per script. In add-on mode: at most one time-driven trigger per
 *   user per document, none more often than hourly, and a one-off fires no sooner than an
 *   hour after it was made.
 */
import { zonedParts, zonedTimeToUtc } from './timeZone';

export type Schedule =
  | { kind: 'daily'; everyDays: number; atHour: number; minute: number; timeZone: string }
  | { kind: 'hourly'; everyHours: number }
  | { kind: 'minutes'; everyMinutes: number }
  | { kind: 'once'; at: number };

export type TriggerEventType = 'CLOCK' | 'ON_OPEN' | 'ON_EDIT' | 'ON_CHANGE' | 'ON_FORM_SUBMIT';

export interface TriggerRecord {
  uid: string;
  handler: string;
  owner: string;
  /** The document that was active when it was made (add-on triggers belong to one). */
  documentId: string | null;
  eventType: TriggerEventType;
  source: 'CLOCK' | 'SPREADSHEETS';
  sourceId: string | null;
  schedule: Schedule | null;
  createdAt: number;
  /** Next time it fires; null once a one-off has fired (or for event triggers). */
  nextRunAt: number | null;
}

export interface TriggerInfo {
  uid: string;
  handler: string;
  owner: string;
  documentId: string | null;
  eventType: TriggerEventType;
  source: string;
  sourceId: string | null;
  schedule: Schedule | null;
  nextRunAt: number | null;
}

export const MAX_TRIGGERS_PER_USER = 20;
export const HOUR_MS = 3600 * 1000;
export const TOO_MANY_TRIGGERS =
  'This script has too many triggers. Triggers must be deleted from the script before more can be added.';
export const ADDON_TRIGGER_PER_DOCUMENT =
  'This add-on has created too many time-based triggers in this document for this Google Account user.';
export const ADDON_TOO_FREQUENT =
  'Add-ons cannot create time-based triggers that run more often than once an hour.';

/** A fixed minute in [0, 60) per trigger, as Google picks one when the trigger is made. */
export function minuteFor(uid: string): number {
  let h = 2166136261;
  for (const ch of uid) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  return h % 60;
}

function addLocalDays(
  ms: number,
  days: number,
  hour: number,
  minute: number,
  timeZone: string,
): number {
  const p = zonedParts(ms, timeZone);
  return zonedTimeToUtc(p.year, p.month, p.day + days, hour, minute, 0, timeZone);
}

/** When a schedule first fires after `createdAt`. */
export function firstRun(schedule: Schedule, createdAt: number): number {
  switch (schedule.kind) {
    case 'once':
      return schedule.at;
    case 'hourly':
      return createdAt + schedule.everyHours * HOUR_MS;
    case 'minutes':
      return createdAt + schedule.everyMinutes * 60000;
    case 'daily': {
      let at = addLocalDays(createdAt, 0, schedule.atHour, schedule.minute, schedule.timeZone);
      while (at <= createdAt)
        at = addLocalDays(at, 1, schedule.atHour, schedule.minute, schedule.timeZone);
      return at;
    }
  }
}

/** When a schedule fires next after the run it had at `scheduledAt`, skipping runs missed before `now`. */
export function nextRun(schedule: Schedule, scheduledAt: number, now: number): number | null {
  if (schedule.kind === 'once') return null;
  let at = scheduledAt;
  do {
    if (schedule.kind === 'daily') {
      at = addLocalDays(
        at,
        schedule.everyDays,
        schedule.atHour,
        schedule.minute,
        schedule.timeZone,
      );
    } else if (schedule.kind === 'hourly') {
      at += schedule.everyHours * HOUR_MS;
    } else {
      at += schedule.everyMinutes * 60000;
    }
  } while (at <= now);
  return at;
}

export class TriggerRegistry {
  readonly records: TriggerRecord[] = [];

  forUser(user: string): TriggerRecord[] {
    return this.records.filter((t) => t.owner === user);
  }

  find(uid: string): TriggerRecord | undefined {
    return this.records.find((t) => t.uid === uid);
  }

  remove(uid: string): boolean {
    const i = this.records.findIndex((t) => t.uid === uid);
    if (i < 0) return false;
    this.records.splice(i, 1);
    return true;
  }

  /** The earliest trigger due at or before `until`, if any. */
  nextDue(until: number): TriggerRecord | undefined {
    let best: TriggerRecord | undefined;
    for (const t of this.records) {
      if (t.nextRunAt === null || t.nextRunAt > until) continue;
      if (!best || t.nextRunAt < (best.nextRunAt as number)) best = t;
    }
    return best;
  }

  /**
   * Refuses a new trigger that Apps Script would refuse; returns the message or null.
   * `addOnMode` applies the editor add-on rules.
   */
  refusal(candidate: Omit<TriggerRecord, 'uid' | 'nextRunAt'>, addOnMode: boolean): string | null {
    const mine = this.forUser(candidate.owner);
    if (mine.length >= MAX_TRIGGERS_PER_USER) return TOO_MANY_TRIGGERS;
    if (!addOnMode || candidate.eventType !== 'CLOCK') return null;
    if (candidate.schedule?.kind === 'minutes') return ADDON_TOO_FREQUENT;
    const sameDocument = mine.filter(
      (t) => t.eventType === 'CLOCK' && t.documentId === candidate.documentId,
    );
    if (sameDocument.length > 0) return ADDON_TRIGGER_PER_DOCUMENT;
    return null;
  }

  info(t: TriggerRecord): TriggerInfo {
    return {
      uid: t.uid,
      handler: t.handler,
      owner: t.owner,
      documentId: t.documentId,
      eventType: t.eventType,
      source: t.source,
      sourceId: t.sourceId,
      schedule: t.schedule ? { ...t.schedule } : null,
      nextRunAt: t.nextRunAt,
    };
  }
}

/** The event object Apps Script passes to a time-driven trigger's handler. */
export function clockEvent(uid: string, at: number): Record<string, unknown> {
  const d = new Date(at);
  const startOfYear = Date.UTC(d.getUTCFullYear(), 0, 1);
  return {
    authMode: 'FULL',
    triggerUid: uid,
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    'day-of-month': d.getUTCDate(),
    'day-of-week': d.getUTCDay() === 0 ? 7 : d.getUTCDay(),
    'week-of-year': Math.floor((at - startOfYear) / (7 * 24 * HOUR_MS)) + 1,
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    timezone: 'UTC',
  };
}
