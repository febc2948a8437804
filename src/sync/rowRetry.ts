/**
 * When a row that Keap refused, or whose contact Keap did not know, is tried again without an
 * edit: after 1, 2, 4 and 7 days, then weekly. A contact may be created, merged or fixed in
 * Keap; trying daily for ever would spend Keap's daily quota on rows that stay wrong. Pure.
 */
import type { StateRecord } from '../sheet/syncRecord';
import { startOfLocalDay } from './dailyTime';

export const ROW_RETRY_DAYS: readonly number[] = [1, 2, 4, 7];

export function retryDelayDays(tries: number): number {
  const index = Math.min(Math.max(tries, 1), ROW_RETRY_DAYS.length) - 1;
  return ROW_RETRY_DAYS[index];
}

/**
 * Epoch ms from which the row is tried again: the start (00:00 in the spreadsheet's time zone)
 * of the day that comes `retryDelayDays` calendar days after the day it failed. A whole day,
 * not a moment: the status names that day, and every run on it (the daily run at any hour, a
 * person's Sync now) tries the row, so the words are true whenever the run comes.
 */
export function nextTryAt(record: StateRecord, timeZone: string): number {
  return startOfLocalDay(record.syncedAt, retryDelayDays(record.tries ?? 1), timeZone);
}

export function isRetryDue(record: StateRecord, now: number, timeZone: string): boolean {
  return now >= nextTryAt(record, timeZone);
}

/** The tries of the error a run records: one more than the last when nothing changed. */
export function triesAfter(previous: StateRecord | undefined, fingerprint: string): number {
  return previous?.result === 'error' && previous.fingerprint === fingerprint
    ? (previous.tries ?? 1) + 1
    : 1;
}
