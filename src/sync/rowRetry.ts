/**
 * When a row that Keap refused, or whose contact Keap did not know, is tried again without an
 * edit: after 1, 2, 4 and 7 days, then weekly. A contact may be created, merged or fixed in
 * Keap; trying daily for ever would spend Keap's daily quota on rows that stay wrong. Pure.
 */
import type { StateRecord } from '../sheet/syncRecord';

const DAY_MS = 86_400_000;
export const ROW_RETRY_DAYS: readonly number[] = [1, 2, 4, 7];

/**
 * Due this much before the day is up: the daily run that comes a day later starts at its
 * hour, a little before the moment the row was reached the day before.
 */
const EARLY_MS = 12 * 3_600_000;

export function retryDelayDays(tries: number): number {
  const index = Math.min(Math.max(tries, 1), ROW_RETRY_DAYS.length) - 1;
  return ROW_RETRY_DAYS[index];
}

/** Epoch ms of the day the row is tried again. */
export function nextTryAt(record: StateRecord): number {
  return record.syncedAt + retryDelayDays(record.tries ?? 1) * DAY_MS;
}

export function isRetryDue(record: StateRecord, now: number): boolean {
  return now >= nextTryAt(record) - EARLY_MS;
}

/** The tries of the error a run records: one more than the last when nothing changed. */
export function triesAfter(previous: StateRecord | undefined, fingerprint: string): number {
  return previous?.result === 'error' && previous.fingerprint === fingerprint
    ? (previous.tries ?? 1) + 1
    : 1;
}
