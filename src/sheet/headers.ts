/**
 * Finds the columns the sync reads and writes in row 1. People type headers their own way
 * ("Contact ID", "contact_id", "ContactId:"), so headers are compared without case, spaces
 * or punctuation.
 */
import { cellText } from './cells';
import { perField, SYNCED_FIELD_KEYS, type SyncedFieldKey } from './fields';
import type { SheetSetupProblem } from './setupError';
import { SYNC_RECORD_HEADER } from './syncRecord';

/** The header name of each synced field (fields.ts). */
export type InputHeaderNames = Record<SyncedFieldKey, string>;

export const DEFAULT_HEADER_NAMES: InputHeaderNames = perField((field) => field.header);

/** The columns the add-on writes; created at the right of the used range when missing. */
export const SYNC_STATUS_HEADER = 'Sync Status';
export const LAST_SYNCED_HEADER = 'Last Synced';
/** Keap's status of the row's address, in words (optional: src/sync/keapStatusColumn.ts). */
export const KEAP_EMAIL_STATUS_HEADER = 'Keap Email Status';

/** 1-based column numbers; null when row 1 has no such header. */
export interface SheetColumns extends Record<SyncedFieldKey, number | null> {
  syncStatus: number | null;
  lastSynced: number | null;
  /** The hidden column of the sync's records (see syncRecord.ts). */
  syncRecord: number | null;
  keapEmailStatus: number | null;
}

export type HeaderMatch =
  { ok: true; columns: SheetColumns } | { ok: false; problem: SheetSetupProblem };

export function normalizeHeader(value: unknown): string {
  return cellText(value)
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');
}

/** Column number of the first header that matches `name`, else null. */
function findColumn(normalizedRow: string[], name: string): number | null {
  const wanted = normalizeHeader(name);
  if (wanted === '') return null;
  const index = normalizedRow.indexOf(wanted);
  return index === -1 ? null : index + 1;
}

export function findColumns(headerRow: readonly unknown[], names: InputHeaderNames): SheetColumns {
  const normalized = headerRow.map(normalizeHeader);
  return {
    ...perField((field) => findColumn(normalized, names[field.key])),
    syncStatus: findColumn(normalized, SYNC_STATUS_HEADER),
    lastSynced: findColumn(normalized, LAST_SYNCED_HEADER),
    syncRecord: findColumn(normalized, SYNC_RECORD_HEADER),
    keapEmailStatus: findColumn(normalized, KEAP_EMAIL_STATUS_HEADER),
  };
}

/** The synced fields' columns (what a row asks for), in the table's order. */
export function inputColumnsOf(columns: SheetColumns): (number | null)[] {
  return SYNCED_FIELD_KEYS.map((key) => columns[key]);
}

/**
 * The sync needs something to sync: an email column, an opt-out column, or both. The
 * contact id column may be left out (lists from Zapier, Make or a form have none): every
 * row is then a row without an id, matched by its email, so the email column is needed.
 * The reason column is optional.
 */
export function matchHeaders(
  headerRow: readonly unknown[],
  names: InputHeaderNames,
  tab: string | (() => string),
): HeaderMatch {
  const columns = findColumns(headerRow, names);
  // Asked only for a problem: naming the tab costs a spreadsheet call.
  const tabName = () => (typeof tab === 'string' ? tab : tab());
  if (columns.email === null && columns.optOut === null) {
    const { email, optOut } = names;
    return { ok: false, problem: { kind: 'nothing-to-sync', tab: tabName(), email, optOut } };
  }
  if (columns.contactId === null && columns.email === null) {
    const { contactId, email } = names;
    return { ok: false, problem: { kind: 'nobody-to-match', tab: tabName(), contactId, email } };
  }
  return { ok: true, columns };
}
