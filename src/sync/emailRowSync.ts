/**
 * Sends the work of rows without a Contact ID (emailRows.ts): one contact search per address
 * not searched before, then, for addresses exactly one contact has, the opt-outs asked for,
 * through the same verified opt-out as every other row (the gateway's write). Nothing is sent
 * for an address no contact or several contacts have.
 */
import type { EmailOptState, KeapGateway, KeapWrite, WriteResult } from '../keap/model';
import { emailRecordCell, type EmailRecord } from '../sheet/emailRecord';
import type { PendingStatus } from '../sheet/statusPlacement';
import { needsSearch, type EmailWork } from './emailRows';
import {
  DEFAULT_OPT_OUT_REASON,
  recordResultOf,
  resolveUnit,
  type UnitFailure,
  type UnitPlan,
} from './plan';
import { triesAfter } from './rowRetry';
import {
  errorStatus,
  foundByEmail,
  NO_CONTACT_HAS_EMAIL,
  sharedEmailMessage,
  unitStatus,
  withNextTry,
} from './statusText';
import { nextTryAt } from './rowRetry';

export interface EmailRowContext {
  runId: string;
  account: string | null;
  now: () => number;
  /** A day as people read it (the spreadsheet's time zone). */
  day: (epochMs: number) => string;
  /** The spreadsheet's time zone (a retry day starts at its midnight: rowRetry.ts). */
  timeZone: () => string;
}

export interface EmailWorkResult {
  work: EmailWork;
  /** Null: the opt-out was not sent in time; the row gets no status and is done later. */
  statuses: PendingStatus[] | null;
  optedOut: boolean;
  failure: UnitFailure | null;
}

/** The opt-out of one address as a plan the shared resolution (plan.ts) understands. */
function optOutPlan(work: EmailWork, contactId: number, alreadyOptedOut: boolean): UnitPlan {
  const reason = work.request.reason ?? DEFAULT_OPT_OUT_REASON;
  const write: KeapWrite = { kind: 'optOut', email: work.email, reason };
  return {
    unit: {
      contactId,
      request: { contactId, ...work.request },
      fingerprint: work.fingerprint,
      rows: work.rows,
    },
    error: null,
    // With no contact named there is no contact value to change: only the opt-out.
    contactChanges: [],
    contactWrite: null,
    emailChange: null,
    optOut: work.request.optOut && !alreadyOptedOut ? { email: work.email, reason, write } : null,
    alreadyOptedOut,
  };
}

export function syncEmailWork(
  gateway: KeapGateway,
  work: readonly EmailWork[],
  ctx: EmailRowContext,
): EmailWorkResult[] {
  // A row asking for the opt-out is searched again (in the same request as the new rows):
  // the contact remembered from an earlier run may have lost the address, or share it now.
  // Whether there is an opt-out to send is Keap's status of the address, read for the rows
  // exactly one contact has.
  const contactsOf = matchContacts(gateway, work);
  const single = work.filter((w) => contactsOf(w).length === 1);
  const unread = single.filter((w) => w.request.optOut).map((w) => w.email);
  const states: Map<string, EmailOptState> =
    unread.length > 0 ? gateway.readOptStates(unread) : new Map();
  const optedOut = (email: string) => states.get(email)?.optedOut === true;
  const plans = new Map<EmailWork, UnitPlan>();
  for (const w of single) {
    plans.set(w, optOutPlan(w, contactsOf(w)[0], optedOut(w.email)));
  }
  const toSend = [...plans.values()].filter((plan) => plan.optOut !== null);
  const answers = gateway.write(toSend.map((plan) => plan.optOut?.write as KeapWrite));
  const answerOf = new Map<UnitPlan, WriteResult>(toSend.map((plan, i) => [plan, answers[i]]));

  return work.map((w) => {
    const ids = contactsOf(w);
    const plan = plans.get(w);
    if (!plan) {
      const message = ids.length === 0 ? NO_CONTACT_HAS_EMAIL : sharedEmailMessage(ids);
      const failure: UnitFailure = { kind: 'error', message };
      return {
        work: w,
        statuses: answer(w, failure, errorStatus(message), null, false, ctx),
        optedOut: false,
        failure,
      };
    }
    const result = resolveUnit(plan, answerOf.get(plan), undefined);
    const status = unitStatus(result);
    if (status === null)
      return { work: w, statuses: null, optedOut: false, failure: result.failure };
    const shown = foundByEmail(status, ids[0]);
    return {
      work: w,
      statuses: answer(w, result.failure, shown, ids[0], result.optedOut, ctx),
      optedOut: result.optedOut,
      failure: result.failure,
    };
  });
}

/** The rows' statuses, each with the address's record. */
function answer(
  w: EmailWork,
  failure: UnitFailure | null,
  status: string,
  contactId: number | null,
  optedOut: boolean,
  ctx: EmailRowContext,
): PendingStatus[] {
  const now = ctx.now();
  const record: EmailRecord = {
    fingerprint: w.fingerprint,
    syncedAt: now,
    result: recordResultOf(failure),
    run: ctx.runId,
  };
  if (ctx.account !== null) record.account = ctx.account;
  if (contactId !== null) record.found = contactId;
  // Kept across edits of the row, so the status column can still say who opted it out.
  const optedOutAt = optedOut ? now : w.previous?.optedOutAt;
  if (optedOutAt !== undefined && w.request.optOut) record.optedOutAt = optedOutAt;
  let shown = status;
  if (record.result === 'error') {
    record.tries = triesAfter(w.previous, w.fingerprint);
    shown = withNextTry(status, ctx.day(nextTryAt(record, ctx.timeZone())));
  }
  const cell = emailRecordCell(w.addressKey, record);
  const syncedAt = failure === null ? new Date(now) : null;
  return w.rows.map((ref) => ({
    row: ref.row,
    key: ref.key,
    status: shown,
    syncedAt,
    record: cell,
  }));
}

/**
 * The Keap contacts each row's address belongs to: one search request for every row that
 * needs one (needsSearch), the contact remembered before for the others. The sync and the
 * preview both match this way.
 */
export function matchContacts(
  gateway: KeapGateway,
  work: readonly EmailWork[],
): (w: EmailWork) => number[] {
  const searched = work.filter((w) => needsSearch(w));
  const toSearch = searched.map((w) => w.email);
  const found =
    toSearch.length > 0 && gateway.findContactsByEmail
      ? gateway.findContactsByEmail(toSearch)
      : new Map<string, number[]>();
  const fresh = new Set(searched);
  return (w) =>
    !fresh.has(w) && w.knownContact !== null ? [w.knownContact] : (found.get(w.email) ?? []);
}
