/**
 * Compare before write: each work unit against Keap's current state, read in the same
 * execution. Only real differences become writes, so a write repeated after a kill or a
 * continuation is skipped rather than sent twice. Pure.
 */
import type { ContactValues } from '../keap/contactFields';
import type { EmailOptState, KeapContact, KeapWrite, WriteResult } from '../keap/model';
import { lowerCased } from '../sheet/cells';
import { SYNCED_FIELDS } from '../sheet/fields';
import type { RowRequest } from '../sheet/rowParsing';
import {
  primaryEmail,
  ROW_TO_CONTACT,
  type ContactChange,
  type RowValueInKeap,
} from './contactMapping';
import {
  contactNotFoundText,
  NOTHING_TO_OPT_OUT,
  optOutFailureText,
  writeRefusalText,
} from './statusText';
import type { UnitFailure } from './unitFailure';
import type { WorkUnit } from './worklist';

export const DEFAULT_OPT_OUT_REASON = 'Opted out via Keap Sheets Sync';

export type { ContactChange } from './contactMapping';

export interface UnitPlan {
  unit: WorkUnit;
  /** Set when nothing can be sent for this contact (not found, nothing to opt out). */
  error: string | null;
  /** Every contact value the row changes (contactMapping.ts), in the mapping's order. */
  contactChanges: readonly ContactChange[];
  /** The contact PATCH carrying them (and the contact's other values as Keap has them). */
  contactWrite: KeapWrite | null;
  /** The email's own change among them: its words, its count and the opt-out's order. */
  emailChange: { from: string | null; to: string; write: KeapWrite } | null;
  /** The opt-out to send; null when none was asked for or Keap already has it opted out. */
  optOut: { email: string; reason: string; write: KeapWrite } | null;
  alreadyOptedOut: boolean;
}

/** The plan changes a contact value: the row is a change, not "unchanged". */
export function changesContact(plan: UnitPlan): boolean {
  return plan.contactChanges.length > 0;
}

/** The mapping's rows, each with its field's key in the parsed request (worked out once). */
const MAPPING = (
  Object.entries(ROW_TO_CONTACT) as [keyof ContactValues, RowValueInKeap<unknown>][]
).map(([name, value]) => ({
  name,
  value,
  requestKey: SYNCED_FIELDS.find((synced) => synced.key === value.field)?.requestKey,
}));

/** The row's value of a synced text field; null: the row asks for no change. */
function rowValueOf(request: RowRequest, requestKey: keyof RowRequest | undefined): string | null {
  const value = requestKey === undefined ? null : request[requestKey];
  return typeof value === 'string' ? value : null;
}

/**
 * The contact values whose row value Keap does not hold yet, and the PATCH that puts them
 * there: it replaces every value it names, so it carries every contact value, the unchanged
 * ones as Keap has them.
 */
function plannedContactWrite(
  request: RowRequest,
  contact: KeapContact,
): { changes: ContactChange[]; write: KeapWrite } | null {
  const changes: ContactChange[] = [];
  const values = {} as Record<string, unknown>;
  for (const { name, value, requestKey } of MAPPING) {
    const current: unknown = contact[name];
    const to = rowValueOf(request, requestKey);
    const from = value.inKeap(current);
    if (to === null || value.holds(from, to)) {
      values[name] = current;
      continue;
    }
    changes.push({ field: value.field, from, to });
    values[name] = value.withRowValue(current, to);
  }
  if (changes.length === 0) return null;
  return {
    changes,
    write: { kind: 'setEmails', contactId: contact.id, ...(values as ContactValues) },
  };
}

/** The email the row wants opted out, once Keap's contact is known; null when no opt-out. */
export function optOutTarget(unit: WorkUnit, contact: KeapContact | undefined): string | null {
  if (!unit.request.optOut || !contact) return null;
  const primary = primaryEmail(contact);
  const rowEmail = unit.request.email;
  // Keap's own spelling when the row names the same address.
  if (rowEmail === null || (primary !== null && lowerCased(primary) === rowEmail)) {
    return primary;
  }
  return rowEmail;
}

export function planUnit(
  unit: WorkUnit,
  contact: KeapContact | undefined,
  optStates: ReadonlyMap<string, EmailOptState>,
): UnitPlan {
  const plan: UnitPlan = {
    unit,
    error: null,
    contactChanges: [],
    contactWrite: null,
    emailChange: null,
    optOut: null,
    alreadyOptedOut: false,
  };
  if (!contact) {
    plan.error = contactNotFoundText(unit.contactId);
    return plan;
  }
  const { optOut, reason } = unit.request;
  const contactWrite = plannedContactWrite(unit.request, contact);
  if (contactWrite) {
    plan.contactChanges = contactWrite.changes;
    plan.contactWrite = contactWrite.write;
    const email = contactWrite.changes.find((change) => change.field === 'email');
    if (email) plan.emailChange = { from: email.from, to: email.to, write: contactWrite.write };
  }
  if (optOut) {
    const target = optOutTarget(unit, contact);
    if (target === null) {
      plan.error = NOTHING_TO_OPT_OUT;
      plan.contactChanges = [];
      plan.contactWrite = null;
      plan.emailChange = null;
      return plan;
    }
    plan.alreadyOptedOut = optStates.get(lowerCased(target))?.optedOut === true;
    if (!plan.alreadyOptedOut) {
      const why = reason ?? DEFAULT_OPT_OUT_REASON;
      plan.optOut = {
        email: target,
        reason: why,
        write: { kind: 'optOut', email: target, reason: why },
      };
    }
  }
  return plan;
}

/** Contact changes, and the opt-outs of rows that change nothing else. */
export function firstWave(plans: readonly UnitPlan[]): Map<UnitPlan, KeapWrite> {
  const writes = new Map<UnitPlan, KeapWrite>();
  for (const plan of plans) {
    if (plan.error) continue;
    if (plan.contactWrite) writes.set(plan, plan.contactWrite);
    else if (plan.optOut) writes.set(plan, plan.optOut.write);
  }
  return writes;
}

/**
 * The opt-out of a row that changes its contact is sent only after the PATCH succeeded
 * (a NEW email's opt-out needs the email in Keap first).
 */
export function secondWave(
  plans: readonly UnitPlan[],
  firstResults: ReadonlyMap<UnitPlan, WriteResult>,
): Map<UnitPlan, KeapWrite> {
  const writes = new Map<UnitPlan, KeapWrite>();
  for (const plan of plans) {
    if (plan.error || !plan.contactWrite || !plan.optOut) continue;
    if (firstResults.get(plan)?.ok) writes.set(plan, plan.optOut.write);
  }
  return writes;
}

export type { RetryReason, UnitFailure } from './unitFailure';

export interface UnitResult {
  plan: UnitPlan;
  /** The email Keap now has as EMAIL1 because of this run, else null. */
  emailChangedTo: string | null;
  /** Every contact value Keap now has because of this run (the email's too); absent: none. */
  contactChanged?: readonly ContactChange[];
  optedOut: boolean;
  alreadyOptedOut: boolean;
  failure: UnitFailure | null;
}

/**
 * What a write's failure means for its row: every kind the Keap client can give is decided
 * here (a new kind does not compile until it is); the words come from statusText.ts.
 */
function failureOf(result: WriteResult | undefined, write: KeapWrite): UnitFailure | null {
  if (!result) return { kind: 'pending' };
  if (result.ok) return null;
  const { failure } = result;
  switch (failure.kind) {
    case 'not-sent':
      return { kind: 'pending' };
    case 'unreachable':
    case 'unconfirmed':
      return { kind: 'retry', reason: 'unreachable' };
    case 'throttled':
    case 'server-error':
      return { kind: 'retry', reason: 'busy' };
    case 'opt-out-unconfirmed':
    case 'opt-out-unavailable':
    case 'opt-out-unreadable':
      return { kind: 'retry', reason: 'busy', message: optOutFailureText(failure) };
    case 'opt-out-not-done':
      return { kind: 'error', message: optOutFailureText(failure), retryNextRun: true };
    case 'not-found':
    case 'forbidden':
    case 'refused':
      return { kind: 'error', message: writeRefusalText(failure, write) };
    default:
      return failure satisfies never;
  }
}

/** What the row's record says: 'retry' lets the next run try again without an edit. */
export function recordResultOf(failure: UnitFailure | null): 'ok' | 'retry' | 'error' {
  if (failure === null) return 'ok';
  if (failure.kind === 'retry' || (failure.kind === 'error' && failure.retryNextRun))
    return 'retry';
  return 'error';
}

export function resolveUnit(
  plan: UnitPlan,
  first: WriteResult | undefined,
  second: WriteResult | undefined,
): UnitResult {
  const result: UnitResult = {
    plan,
    emailChangedTo: null,
    optedOut: false,
    alreadyOptedOut: plan.alreadyOptedOut,
    failure: null,
  };
  if (plan.error) {
    result.failure = { kind: 'error', message: plan.error };
    return result;
  }
  if (plan.contactWrite) {
    result.failure = failureOf(first, plan.contactWrite);
    if (result.failure) return result;
    result.contactChanged = plan.contactChanges;
    result.emailChangedTo = plan.emailChange ? plan.emailChange.to : null;
    if (plan.optOut) {
      result.failure = failureOf(second, plan.optOut.write);
      result.optedOut = result.failure === null;
    }
    return result;
  }
  if (plan.optOut) {
    result.failure = failureOf(first, plan.optOut.write);
    result.optedOut = result.failure === null;
  }
  return result;
}
