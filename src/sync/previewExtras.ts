/**
 * The preview of rows without a Contact ID (searched in Keap, nothing sent) and, with the Keap
 * Email Status column on, the rows whose address Keap shows opted out while their Opt Out box
 * is not ticked. Reads only.
 */
import type { KeapGateway } from '../keap/model';
import type { SheetColumns } from '../sheet/headers';
import type { ParsedRow } from '../sheet/rowParsing';
import type { EmailWorklist } from './emailRows';
import { matchContacts } from './emailRowSync';
import { keapStatusColumnOn, optedOutInKeapOnly, statusColumnRows } from './keapStatusColumn';
import { keapStatusWords, NO_CONTACT_HAS_EMAIL, sharedEmailMessage } from './statusText';

export interface ByEmailPreviewRow {
  row: number;
  /** The contact Keap's search found, or '' when none or several. */
  contactId: string;
  optOut: boolean;
  error: string | null;
}

export interface OptedOutInKeapRow {
  row: number;
  email: string;
  /** Keap's status in words (statusText.ts keapStatusWords). */
  keapStatus: string;
}

/** What a sync would do with the rows without a Contact ID that need Keap. */
export function previewByEmail(gateway: KeapGateway, list: EmailWorklist): ByEmailPreviewRow[] {
  const optOuts = list.work.filter((w) => w.request.optOut).map((w) => w.email);
  const states = optOuts.length > 0 ? gateway.readOptStates(optOuts) : new Map();
  // As the sync does: a row asking for the opt-out is searched again (emailRowSync.ts).
  const idsOf = matchContacts(gateway, list.work);
  return list.work.flatMap((w) => {
    const ids = idsOf(w);
    const error =
      ids.length === 0 ? NO_CONTACT_HAS_EMAIL : ids.length > 1 ? sharedEmailMessage(ids) : null;
    const optOut = error === null && w.request.optOut && states.get(w.email)?.optedOut !== true;
    const contactId = ids.length === 1 ? String(ids[0]) : '';
    return w.rows.map((ref) => ({ row: ref.row, contactId, optOut, error }));
  });
}

/** Rows Keap shows opted out whose Opt Out is not ticked (the add-on never opts back in). */
export function previewOptedOutInKeap(
  gateway: KeapGateway,
  rows: readonly ParsedRow[],
  columns: SheetColumns,
  setting: boolean | undefined,
): OptedOutInKeapRow[] {
  if (!keapStatusColumnOn(setting, columns)) return [];
  const statusRows = statusColumnRows(rows).filter((row) => !row.optOutTicked && row.email !== '');
  if (statusRows.length === 0) return [];
  const states = gateway.readOptStates([...new Set(statusRows.map((row) => row.email))]);
  return optedOutInKeapOnly(statusRows, states).map(({ row, status }) => ({
    row: row.row,
    email: row.email,
    // The list itself says the box is not ticked: the words are Keap's status alone.
    keapStatus: keapStatusWords({
      status,
      optedOut: false,
      optOutTicked: false,
      optedOutByAddOnOn: null,
    }),
  }));
}
