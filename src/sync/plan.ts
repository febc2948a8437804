/**
 * Compare before write: each work unit against Keap's current state, read in the same
 * execution. Only real differences become writes, so a write repeated after a kill or a
 * continuation is skipped rather than sent twice. Pure.
 */
import type { EmailOptState, EmailSlot, KeapContact, KeapWrite, WriteResult } from '../keap/model';
import {
  contactNotFoundText,
  NOTHING_TO_OPT_OUT,
  optOutFailureText,
  writeRefusalText,
} from './statusText';
import type { UnitFailure } from './unitFailure';
import type { WorkUnit } from './worklist';

export const DEFAULT_OPT_OUT_REASON = 'Opted out via Keap Sheets Sync';

export interface UnitPlan {
  unit: WorkUnit;
  /** Set when nothing can be sent for this contact (not found, nothing to opt out). */
  error: string | null;
  emailChange: { from: string | null; to: string; write: KeapWrite } | null;
  /** The opt-out to send; null when none was asked for or Keap already has it opted out. */
  optOut: { email: string; reason: string; write: KeapWrite } | null;
  alreadyOptedOut: boolean;
}

export function primaryEmail(contact: KeapContact): string | null {
  return contact.emails.find((slot) => slot.field === 'EMAIL1')?.email ?? null;
}

/** EMAIL1 replaced (or added); EMAIL2 and EMAIL3 sent back exactly, since the PATCH replaces the list. */
export function emailsWithPrimary(contact: KeapContact, email: string): EmailSlot[] {
  const hasPrimary = contact.emails.some((slot) => slot.field === 'EMAIL1');
  const kept = contact.emails.map((slot) =>
    slot.field === 'EMAIL1' ? { field: slot.field, email } : { ...slot },
  );
  return hasPrimary ? kept : [{ field: 'EMAIL1', email }, ...kept];
}

/** The email the row wants opted out, once Keap's contact is known; null when no opt-out. */
export function optOutTarget(unit: WorkUnit, contact: KeapContact | undefined): string | null {
  if (!unit.request.optOut || !contact) return null;
  const primary = primaryEmail(contact);
  const rowEmail = unit.request.email;
  // Keap's own spelling when the row names the same address.
  if (rowEmail === null || (primary !== null && primary.toLowerCase() === rowEmail)) {
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
    emailChange: null,
    optOut: null,
    alreadyOptedOut: false,
  };
  if (!contact) {
    plan.error = contactNotFoundText(unit.contactId);
    return plan;
  }
  const { email, optOut, reason } = unit.request;
  const primary = primaryEmail(contact);
  if (email !== null && (primary === null || primary.toLowerCase() !== email)) {
    plan.emailChange = {
      from: primary,
      to: email,
      write: {
        kind: 'setEmails',
        contactId: contact.id,
        emails: emailsWithPrimary(contact, email),
      },
    };
  }
  if (optOut) {
    const target = optOutTarget(unit, contact);
    if (target === null) {
      plan.error = NOTHING_TO_OPT_OUT;
      plan.emailChange = null;
      return plan;
    }
    plan.alreadyOptedOut = optStates.get(target.toLowerCase())?.optedOut === true;
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

/** Email changes, and the opt-outs of rows that keep their email. */
export function firstWave(plans: readonly UnitPlan[]): Map<UnitPlan, KeapWrite> {
  const writes = new Map<UnitPlan, KeapWrite>();
  for (const plan of plans) {
    if (plan.error) continue;
    if (plan.emailChange) writes.set(plan, plan.emailChange.write);
    else if (plan.optOut) writes.set(plan, plan.optOut.write);
  }
  return writes;
}

/** The opt-out of a NEW email is sent only after its PATCH succeeded. */
export function secondWave(
  plans: readonly UnitPlan[],
  firstResults: ReadonlyMap<UnitPlan, WriteResult>,
): Map<UnitPlan, KeapWrite> {
  const writes = new Map<UnitPlan, KeapWrite>();
  for (const plan of plans) {
    if (plan.error || !plan.emailChange || !plan.optOut) continue;
    if (firstResults.get(plan)?.ok) writes.set(plan, plan.optOut.write);
  }
  return writes;
}

export type { RetryReason, UnitFailure } from './unitFailure';

export interface UnitResult {
  plan: UnitPlan;
  /** The email Keap now has as EMAIL1 because of this run, else null. */
  emailChangedTo: string | null;
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
  if (plan.emailChange) {
    result.failure = failureOf(first, plan.emailChange.write);
    if (result.failure) return result;
    result.emailChangedTo = plan.emailChange.to;
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
