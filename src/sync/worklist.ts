/**
 * From the parsed rows and the sync state to the work of one execution: rows with errors,
 * rows already synced (skipped), and one work unit per contact id still to sync.
 */
import type { ParsedRow, RowInputProblem, RowRequest } from '../sheet/rowParsing';
import type { SyncState, StateRecord } from '../sheet/syncRecord';
import { findConflicts, type RowIdentity } from './duplicates';
import { rowFingerprint } from './fingerprint';
import { isRetryDue, nextTryAt } from './rowRetry';
import { rowInputWords } from './statusText';

/** Whose records count, and when: the run, the Keap account it reaches, the time now. */
export interface RecordScope {
  runId: string;
  /** Null when the connection does not say which account it reaches: every record counts. */
  account: string | null;
  now: number;
  /** The spreadsheet's time zone, asked only when a refused row's retry day matters; UTC if absent. */
  timeZone?: () => string;
}

export interface RowRef {
  /** 1-based sheet row at the time of the read. */
  row: number;
  /** Raw input cells, to find the row again before writing its status. */
  key: string;
}

export interface RowIssue extends RowRef {
  message: string;
}

/** A row whose contact needs no work: its state record says how it last ended. */
export interface SkippedRow extends RowRef {
  contactId: number;
  result: 'ok' | 'retry';
  /** Epoch ms of the contact's last sync. */
  syncedAt: number;
}

export interface KnownErrorRow extends RowRef {
  /** Epoch ms of the day the row is tried again without an edit. */
  nextTryAt: number;
}

/** One contact to sync; several rows when the same id appears with the same values. */
export interface WorkUnit {
  contactId: number;
  request: RowRequest;
  fingerprint: string;
  rows: RowRef[];
}

export interface Worklist {
  /** Non-blank rows. */
  rowsSeen: number;
  issues: RowIssue[];
  /** Rows whose contact was synced with these values before (or earlier in this run). */
  skippedRows: SkippedRow[];
  /** Unchanged rows whose last sync ended in an error not yet due again (their status says so). */
  knownErrorRows: KnownErrorRow[];
  units: WorkUnit[];
}

/**
 * The contact's record, if it describes the account this run reaches. A record of another
 * Keap account is no record: that account's "synced" or "not found" says nothing of this one.
 */
export function recordFor(
  state: SyncState,
  contactId: number,
  account: string | null,
): StateRecord | undefined {
  const record = state.get(contactId);
  if (!record || account === null || record.account === undefined) return record;
  return record.account === account ? record : undefined;
}

function zoneOf(scope: RecordScope): string {
  return scope.timeZone?.() ?? 'UTC';
}

/**
 * A row needs no work when its contact was handled with the same values: synced ('ok'),
 * refused and not yet due again ('error', src/sync/rowRetry.ts), or found busy earlier in
 * this same run ('retry' is tried again by the next run, not by the continuation of this one).
 */
export function alreadyHandled(
  record: StateRecord | undefined,
  fingerprint: string,
  scope: RecordScope,
): boolean {
  if (!record || record.fingerprint !== fingerprint) return false;
  if (record.result === 'retry') return record.run === scope.runId;
  if (record.result === 'error')
    return record.run === scope.runId || !isRetryDue(record, scope.now, zoneOf(scope));
  return true;
}

const NO_CONFLICTS: ReadonlyMap<number, RowInputProblem> = new Map();

/** What an invalid row with a Contact ID asks for, as findConflicts compares rows. */
function invalidSameAs(key: string): string {
  return `invalid:${key}`;
}

/** Every row with a Contact ID, for findConflicts (`fingerprints`: by position in `rows`). */
function identitiesOf(rows: readonly ParsedRow[], fingerprints: readonly string[]): RowIdentity[] {
  const identities: RowIdentity[] = [];
  rows.forEach((row, index) => {
    if (row.kind === 'valid') {
      const { contactId } = row.request;
      identities.push({ row: row.row, contactId, sameAs: fingerprints[index] });
    } else if (row.kind === 'invalid' && row.contactId !== null) {
      identities.push({ row: row.row, contactId: row.contactId, sameAs: invalidSameAs(row.key) });
    }
  });
  return identities;
}

/**
 * `hasStatus(row)`: whether the row shows a status now. A contact whose last sync ended in an
 * error is synced again when one of its rows shows none (a copied row, a cleared cell): the
 * error's words are not kept, and every row must say how it ended.
 * `severalRows(contactId)`, when the caller has an index of the tab's rows by contact id at
 * hand (sheetRead.ts): whether more than one row holds it; only those contacts' rows are then
 * compared with each other.
 */
export function buildWorklist(
  rows: readonly ParsedRow[],
  state: SyncState,
  scope: RecordScope,
  hasStatus: (row: number) => boolean = () => true,
  severalRows?: (contactId: number) => boolean,
): Worklist {
  // By position in `rows` (not a map by row number: every row is looked up once, and a
  // 50,000-row sheet is worked through again by each execution of a run).
  const fingerprints: string[] = new Array<string>(rows.length);
  // What each contact's first row asks for: the rows' identities are made (and the conflicts
  // looked for) only when a contact's rows disagree, which a sheet rarely has.
  const firstSameAs = new Map<number, string>();
  let disagree = false;
  for (let index = 0; index < rows.length; index++) {
    const row = rows[index];
    let contactId: number;
    let sameAs: string;
    if (row.kind === 'valid') {
      sameAs = fingerprints[index] = rowFingerprint(row.request);
      contactId = row.request.contactId;
    } else if (row.kind === 'invalid' && row.contactId !== null) {
      sameAs = invalidSameAs(row.key);
      contactId = row.contactId;
    } else continue;
    // A contact on one row agrees with itself (most contacts: no map entry for them).
    if (severalRows !== undefined && !severalRows(contactId)) continue;
    const first = firstSameAs.get(contactId);
    if (first === undefined) firstSameAs.set(contactId, sameAs);
    else if (first !== sameAs) disagree = true;
  }
  const conflicts = disagree ? findConflicts(identitiesOf(rows, fingerprints)) : NO_CONFLICTS;
  const errorsToAnswer = new Set<number>();
  for (const row of rows) {
    if (row.kind !== 'valid' || hasStatus(row.row)) continue;
    const record = recordFor(state, row.request.contactId, scope.account);
    if (record?.result === 'error') errorsToAnswer.add(row.request.contactId);
  }

  const worklist: Worklist = {
    rowsSeen: 0,
    issues: [],
    skippedRows: [],
    knownErrorRows: [],
    units: [],
  };
  const unitsById = new Map<number, WorkUnit>();
  for (let index = 0; index < rows.length; index++) {
    const row = rows[index];
    // Rows without a Contact ID are the work of src/sync/emailRows.ts.
    if (row.kind === 'blank' || row.kind === 'byEmail') continue;
    worklist.rowsSeen += 1;
    const conflict = conflicts.size === 0 ? undefined : conflicts.get(row.row);
    if (row.kind === 'invalid') {
      // A row's issue is said as words from here on (its status, the preview, the log).
      const problems = conflict ? [...row.problems, conflict] : row.problems;
      const message = problems.map(rowInputWords).join('; ');
      worklist.issues.push({ row: row.row, key: row.key, message });
      continue;
    }
    const { contactId } = row.request;
    if (conflict) {
      worklist.issues.push({ row: row.row, key: row.key, message: rowInputWords(conflict) });
      continue;
    }
    const fingerprint = fingerprints[index];
    const record = recordFor(state, contactId, scope.account);
    if (record && alreadyHandled(record, fingerprint, scope) && !errorsToAnswer.has(contactId)) {
      if (record.result === 'error')
        worklist.knownErrorRows.push({
          row: row.row,
          key: row.key,
          nextTryAt: nextTryAt(record, zoneOf(scope)),
        });
      else
        worklist.skippedRows.push({
          row: row.row,
          key: row.key,
          contactId,
          result: record.result,
          syncedAt: record.syncedAt,
        });
      continue;
    }
    const ref = { row: row.row, key: row.key };
    // A contact on one row is a unit of its own: no other row will join it.
    const alone = severalRows !== undefined && !severalRows(contactId);
    const unit = alone ? undefined : unitsById.get(contactId);
    if (unit) {
      unit.rows.push(ref);
    } else {
      const created = { contactId, request: row.request, fingerprint, rows: [ref] };
      if (!alone) unitsById.set(contactId, created);
      worklist.units.push(created);
    }
  }
  return worklist;
}
