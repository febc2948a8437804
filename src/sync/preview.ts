/**
 * What a sync would change, row by row, without sending a write or changing a cell: the
 * same reading, checks and plan as the sync, against Keap's current state.
 */
import type { KeapGateway } from '../keap/model';
import type { ContactSheetPort } from '../sheet/ports';
import { contactIdCellOf } from '../sheet/rowParsing';
import { chunk, SYNC_LIMITS, type SyncLimits } from './budget';
import { planChunk, readKeapState } from './chunkSync';
import { readContactsTable } from './contactsTable';
import { formatDay } from './dateText';
import { changesContact, type UnitPlan } from './plan';
import type { Clock } from './ports';
import { stopFor } from './stopWords';
import type { SyncSettings } from './settings';
import { knownErrorMessage, previewCounts, previewMessage } from './statusText';
import type { RowIssue, Worklist } from './worklist';
import type { EmailWorklist } from './emailRows';
import { previewByEmail, previewOptedOutInKeap, type OptedOutInKeapRow } from './previewExtras';

export interface RowChangePreview {
  row: number;
  contactId: string;
  emailFrom: string | null;
  emailTo: string | null;
  optOut: boolean;
  error: string | null;
}

/**
 * What a sync would do, counted as the sync counts its run: email changes and opt-outs per
 * contact (a contact on two rows is one change, as the sync makes one), errors and
 * unchanged per row.
 */
export interface PreviewCounts {
  emailChanges: number;
  optOuts: number;
  errors: number;
  unchanged: number;
}

export interface SyncPreview {
  rowsSeen: number;
  changes: RowChangePreview[];
  errors: RowChangePreview[];
  unchanged: number;
  /** Keap shows the row's address opted out and its Opt Out is not ticked (status column on). */
  optedOutInKeap?: OptedOutInKeapRow[];
  message: string;
  /** Every change and error, also those beyond the lists' length. */
  counts?: PreviewCounts;
  /** Why the preview could not look at every row (Keap refused, no connection); else null. */
  stopped?: string | null;
}

export interface PreviewPorts {
  clock: Clock;
  settings: SyncSettings;
  sheet: ContactSheetPort;
  /** Opened only when some row needs Keap. Throws KeapAccessError when there is no connection. */
  openGateway(deadline: number): KeapGateway;
  /**
   * The Keap account the stored connection reaches (src/connection/keapAccount.ts), from
   * stored state only; null when it cannot tell. Records of other accounts are no records.
   */
  keapAccount?(): string | null;
  /** The spreadsheet's time zone, for days written in statuses (asked only when needed). */
  timeZone?(): string;
  /** The spreadsheet's locale ('en_US'), for days written in statuses (asked only when needed). */
  locale?(): string;
}

/** Rows listed per kind; the counts in the message cover every row. */
export const MAX_PREVIEW_ROWS = 1000;

function issueRow(issue: RowIssue): RowChangePreview {
  return {
    row: issue.row,
    contactId: contactIdCellOf(issue.key),
    emailFrom: null,
    emailTo: null,
    optOut: false,
    error: issue.message,
  };
}

function planRows(plan: UnitPlan): RowChangePreview[] {
  return plan.unit.rows.map((ref) => ({
    row: ref.row,
    contactId: String(plan.unit.contactId),
    emailFrom: plan.emailChange ? plan.emailChange.from : null,
    emailTo: plan.emailChange ? plan.emailChange.to : null,
    optOut: plan.optOut !== null,
    error: plan.error,
  }));
}

export function previewWith(ports: PreviewPorts, limits: SyncLimits = SYNC_LIMITS): SyncPreview {
  const startedAt = ports.clock.now();
  let timeZone: string | null = null;
  const zone = (): string => (timeZone ??= ports.timeZone?.() ?? 'UTC');
  let locale: string | null = null;
  const where = () => ({ timeZone: zone(), locale: (locale ??= ports.locale?.() ?? 'en-US') });
  const preview: SyncPreview = { rowsSeen: 0, changes: [], errors: [], unchanged: 0, message: '' };
  let worklist: Worklist;
  let byEmail: EmailWorklist;
  let keapRows: () => OptedOutInKeapRow[];
  try {
    const table = readContactsTable(ports.sheet, {
      headers: ports.settings.headers,
      scopeOf: () => ({
        runId: 'preview',
        account: ports.keapAccount?.() ?? null,
        now: startedAt,
        timeZone: zone,
      }),
      // Nothing is written: a row's shown status does not decide what the sync would send.
      statusesShown: false,
    });
    const { rows, columns } = table;
    worklist = table.worklist;
    byEmail = table.byEmail;
    keapRows = () =>
      previewOptedOutInKeap(openGateway(), rows, columns, ports.settings.keapEmailStatus);
  } catch (error) {
    const message = stopFor(error).message;
    return { ...preview, message, stopped: message };
  }
  preview.rowsSeen = worklist.rowsSeen + byEmail.rowsSeen;
  preview.unchanged = worklist.skippedRows.length + byEmail.skippedRows.length;
  const errors = [
    ...worklist.issues,
    ...byEmail.issues,
    ...worklist.knownErrorRows.map((ref) => ({
      ...ref,
      message: knownErrorMessage(formatDay(ref.nextTryAt, where(), startedAt)),
    })),
  ].map(issueRow);
  const changes: RowChangePreview[] = [];
  let emailChanges = 0;
  let optOuts = 0;
  let stopped: string | null = null;
  let opened: KeapGateway | null = null;
  const openGateway = () => (opened ??= ports.openGateway(startedAt + limits.keapDeadlineAfterMs));
  try {
    const gateway = worklist.units.length > 0 ? openGateway() : null;
    for (const units of chunk(worklist.units, limits.chunkSize)) {
      if (!gateway) break;
      for (const plan of planChunk(units, readKeapState(gateway, units))) {
        if (plan.error) errors.push(...planRows(plan));
        else if (changesContact(plan) || plan.optOut) {
          changes.push(...planRows(plan));
          if (plan.emailChange) emailChanges += 1;
          if (plan.optOut) optOuts += 1;
        } else preview.unchanged += plan.unit.rows.length;
      }
    }
    const rowsByEmail = byEmail.work.length > 0 ? previewByEmail(openGateway(), byEmail) : [];
    for (const row of rowsByEmail) {
      const change = { ...row, emailFrom: null, emailTo: null };
      if (row.error !== null) errors.push(change);
      else if (row.optOut) {
        changes.push(change);
        optOuts += 1;
      } else preview.unchanged += 1;
    }
    preview.optedOutInKeap = keapRows().slice(0, MAX_PREVIEW_ROWS);
  } catch (error) {
    stopped = stopFor(error).message;
  }
  changes.sort((a, b) => a.row - b.row);
  errors.sort((a, b) => a.row - b.row);
  preview.changes = changes.slice(0, MAX_PREVIEW_ROWS);
  preview.errors = errors.slice(0, MAX_PREVIEW_ROWS);

  preview.counts = {
    emailChanges,
    optOuts,
    errors: errors.length,
    unchanged: preview.unchanged,
  };
  preview.stopped = stopped;
  const truncated = changes.length > MAX_PREVIEW_ROWS || errors.length > MAX_PREVIEW_ROWS;
  preview.message = previewMessage({
    stopped,
    counts: previewCounts(preview.counts),
    maxRows: truncated ? MAX_PREVIEW_ROWS : null,
    optedOutInKeap: preview.optedOutInKeap?.length ?? 0,
  });
  return preview;
}
