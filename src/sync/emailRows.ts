/**
 * Rows with an email and no Contact ID. The address is the row's key: with no contact named
 * there is no email to change, so such a row's job is the opt-out of its address (and showing
 * Keap's status). Keap's contact search tells which contact has the address; exactly one
 * must, or nothing is sent. What the search found is kept in the row's record (emailRecord.ts),
 * so an unedited row is neither searched nor sent again. Pure.
 */
import { unsearchableCharacters } from '../keap/contactSearch';
import { addressKeyOf, type EmailRecord, type EmailState } from '../sheet/emailRecord';
import type { EmailRowRequest, ParsedRow } from '../sheet/rowParsing';
import { hash53 } from './fingerprint';
import { nextTryAt } from './rowRetry';
import type { PendingStatus } from '../sheet/statusPlacement';
import {
  emailConflictMessage,
  foundByEmail,
  KEAP_BUSY,
  unsearchableEmailMessage,
  UP_TO_DATE,
} from './statusText';
import {
  alreadyHandled,
  type KnownErrorRow,
  type RecordScope,
  type RowIssue,
  type RowRef,
} from './worklist';

export { addressKeyOf };

export function emailRowFingerprint(request: EmailRowRequest): string {
  const reason = request.optOut ? (request.reason ?? '') : '';
  return `e1:${hash53(JSON.stringify([request.email, request.optOut ? 1 : 0, reason]))}`;
}

/** One address to sync; several rows when they ask for the same thing. */
export interface EmailWork {
  email: string;
  addressKey: string;
  request: EmailRowRequest;
  fingerprint: string;
  rows: RowRef[];
  /** The contact an earlier search found for this address: no search needed. */
  knownContact: number | null;
  /** The address's last record (for the tries of an error). */
  previous: EmailRecord | undefined;
}

export interface SkippedEmailRow extends RowRef {
  record: EmailRecord;
}

export interface EmailWorklist {
  rowsSeen: number;
  issues: RowIssue[];
  skippedRows: SkippedEmailRow[];
  knownErrorRows: KnownErrorRow[];
  work: EmailWork[];
}

/** The address's record, if it describes the Keap account this run reaches. */
function emailRecordFor(
  state: EmailState,
  addressKey: string,
  account: string | null,
): EmailRecord | undefined {
  const record = state.get(addressKey);
  if (!record || account === null || record.account === undefined) return record;
  return record.account === account ? record : undefined;
}

type EmailRow = Extract<ParsedRow, { kind: 'byEmail' }>;

/** Rows of one address that ask for different things each get an error naming the others. */
function conflictsOf(rows: readonly EmailRow[]): Map<number, string> {
  const byAddress = new Map<string, EmailRow[]>();
  for (const row of rows) {
    const group = byAddress.get(row.request.email) ?? [];
    group.push(row);
    byAddress.set(row.request.email, group);
  }
  const conflicts = new Map<number, string>();
  for (const [email, group] of byAddress) {
    const prints = group.map((row) => emailRowFingerprint(row.request));
    if (new Set(prints).size < 2) continue;
    group.forEach((row, i) => {
      const others = group.filter((_, j) => prints[j] !== prints[i]).map((other) => other.row);
      conflicts.set(row.row, emailConflictMessage(email, others));
    });
  }
  return conflicts;
}

/** `hasStatus(row)`: whether the row shows a status now (an error's words are not kept). */
export function buildEmailWorklist(
  rows: readonly ParsedRow[],
  state: EmailState,
  scope: RecordScope,
  hasStatus: (row: number) => boolean = () => true,
): EmailWorklist {
  const emailRows = rows.filter((row): row is EmailRow => row.kind === 'byEmail');
  const list: EmailWorklist = {
    rowsSeen: emailRows.length,
    issues: [],
    skippedRows: [],
    knownErrorRows: [],
    work: [],
  };
  const conflicts = conflictsOf(emailRows);
  const workByAddress = new Map<string, EmailWork>();
  for (const row of emailRows) {
    const ref = { row: row.row, key: row.key };
    const { email } = row.request;
    const odd = unsearchableCharacters(email);
    const conflict = conflicts.get(row.row);
    if (odd.length > 0 || conflict !== undefined) {
      const message = conflict ?? unsearchableEmailMessage(odd);
      list.issues.push({ ...ref, message });
      continue;
    }
    const addressKey = addressKeyOf(email);
    const fingerprint = emailRowFingerprint(row.request);
    const record = emailRecordFor(state, addressKey, scope.account);
    const handled = alreadyHandled(record, fingerprint, scope);
    if (record && handled && (record.result !== 'error' || hasStatus(row.row))) {
      if (record.result === 'error')
        list.knownErrorRows.push({
          ...ref,
          nextTryAt: nextTryAt(record, scope.timeZone?.() ?? 'UTC'),
        });
      else list.skippedRows.push({ ...ref, record });
      continue;
    }
    const existing = workByAddress.get(email);
    if (existing) {
      existing.rows.push(ref);
      continue;
    }
    // An edited row (the box ticked later) keeps the contact its address was found for.
    const knownContact =
      record?.result === 'ok' && record.found !== undefined ? record.found : null;
    const work = {
      email,
      addressKey,
      request: row.request,
      fingerprint,
      rows: [ref],
      knownContact,
      previous: record,
    };
    workByAddress.set(email, work);
    list.work.push(work);
  }
  return list;
}

/**
 * Unchanged rows without a Contact ID that show no status (a copied row, a cleared cell) get
 * what their address's last sync found; rows that show one keep it.
 */
export function unchangedEmailRowStatuses(
  skipped: readonly SkippedEmailRow[],
  blank: (row: number) => boolean,
): PendingStatus[] {
  return skipped
    .filter((row) => blank(row.row))
    .map((row) => {
      const ok = row.record.result === 'ok';
      const status = ok ? UP_TO_DATE : KEAP_BUSY;
      const found = row.record.found;
      return {
        row: row.row,
        key: row.key,
        status: found === undefined ? status : foundByEmail(status, found),
        syncedAt: ok && row.record.syncedAt > 0 ? new Date(row.record.syncedAt) : null,
        onlyIfBlank: true,
      };
    });
}

/**
 * Whether the row's contact is looked up in Keap this run: a new row, or a row that asks for
 * the opt-out, as a write goes only where Keap shows the address now, and the row's new status
 * names the contact: one Keap shows with the address, even when Keap has opted it out already
 * and nothing is sent. A row that asks for nothing keeps the contact found before.
 */
export function needsSearch(w: EmailWork): boolean {
  return w.knownContact === null || w.request.optOut;
}
