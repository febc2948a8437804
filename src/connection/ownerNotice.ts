/**
 * E-mails to the person whose trigger runs unattended (add-ons get no failure mail from
 * Google): at most one per kind per day, so a daily failure does not flood the inbox.
 * The day is the UTC calendar day, so the next day's run may mail again even if it runs a
 * few minutes earlier than the last one did.
 */
import { USER_KEYS } from './userRecords';

export function noticeKey(kind: string): string {
  return `${USER_KEYS.noticePrefix}${kind.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 60)}`;
}

export function dayStamp(nowMs: number): string {
  return new Date(nowMs).toISOString().slice(0, 10);
}

export function shouldSendNotice(lastSentDay: string | null, nowMs: number): boolean {
  return lastSentDay !== dayStamp(nowMs);
}
