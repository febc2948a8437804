/**
 * Records of rows that have an email and no Contact ID, in the same hidden 'Keap Sync Record'
 * column as the others. Such a row is known by its address, so its cell is keyed by a hash of
 * the address (never the address itself: the column stays free of emails) and also keeps the
 * contact Keap's search found for it, so an unedited row is not looked up again.
 *
 * `kse1|<address hash>|fingerprint|synced at|result|run|account|tries|found|opted out at`
 *
 * A separate prefix, not a new ksr version: the contact-keyed readers (the placement check,
 * versions before this one) read a kse1 cell as "not a record of a contact" and leave it
 * alone, exactly as they must. Record alignment (recordAlignment.ts) puts kse1 records back
 * beside their address's rows after a partial sort, as it does a contact's. Pure.
 */
import { hash53 } from './hash';
import { newestOfColumn, type StateRecord, type StateResult } from './syncRecord';

const PREFIX = 'kse1';
const SEPARATOR = '|';
const RESULTS: readonly StateResult[] = ['ok', 'error', 'retry'];
const ADDRESS_KEY = /^[0-9a-f]{14}$/;
const ACCOUNT_PATTERN = /^[a-z0-9][a-z0-9.-]{0,99}$/;

export interface EmailRecord extends StateRecord {
  /** The one Keap contact whose addresses include the row's; absent when none or several. */
  found?: number;
}

/** Records by address hash; the newest wins when several cells name one address. */
export type EmailState = Map<string, EmailRecord>;

/** The hidden column's key of an address: a hash, so the column holds no email. */
export function addressKeyOf(email: string): string {
  return hash53(`address:${email.trim().toLowerCase()}`);
}

export function emailRecordCell(addressKey: string, record: EmailRecord): string {
  const account =
    record.account !== undefined && ACCOUNT_PATTERN.test(record.account) ? record.account : '';
  return [
    PREFIX,
    addressKey,
    record.fingerprint,
    record.syncedAt,
    record.result,
    record.run,
    account,
    record.result === 'error' ? String(record.tries ?? 1) : '',
    record.found ?? '',
    record.optedOutAt ?? '',
  ].join(SEPARATOR);
}

function optionalNumber(cell: string): number | undefined | null {
  if (cell === '') return undefined;
  const value = Number(cell);
  return Number.isSafeInteger(value) && value > 0 ? value : null;
}

/** The address key and record a kse1 cell holds; null for anything else. */
export function parseEmailRecordCell(
  value: unknown,
): { addressKey: string; record: EmailRecord } | null {
  if (typeof value !== 'string' || !value.startsWith(PREFIX + SEPARATOR)) return null;
  const parts = value.split(SEPARATOR);
  if (parts.length !== 10) return null;
  const [, addressKey, fingerprint, syncedAt, result, run, account, tries, found, optedOut] = parts;
  const outcome = RESULTS.find((r) => r === result);
  const when = Number(syncedAt);
  if (!ADDRESS_KEY.test(addressKey) || fingerprint === '' || outcome === undefined) return null;
  if (!Number.isFinite(when) || (account !== '' && !ACCOUNT_PATTERN.test(account))) return null;
  const numbers = [tries, found, optedOut].map(optionalNumber);
  if (numbers.includes(null)) return null;
  const [triesValue, foundValue, optedOutAt] = numbers as (number | undefined)[];
  const record: EmailRecord = { fingerprint, syncedAt: when, result: outcome, run };
  if (account !== '') record.account = account;
  if (triesValue !== undefined && outcome === 'error') record.tries = triesValue;
  if (foundValue !== undefined) record.found = foundValue;
  if (optedOutAt !== undefined) record.optedOutAt = optedOutAt;
  return { addressKey, record };
}

/** Every kse1 record of the column (1-based; null when the tab has none). */
export function readEmailState(
  values: readonly (readonly unknown[])[],
  column: number | null,
): EmailState {
  return newestOfColumn(values, column, parseEmailRecordCell, (parsed) => parsed.addressKey);
}
