/**
 * Writes that got no answer: finding out from Keap whether they arrived before sending again.
 *
 * Why this exists: UrlFetchApp.fetchAll throws when one request of a batch gets no HTTP
 * answer (muteHttpExceptions does not stop it), and then tells nothing of the others, some of
 * which Keap has already applied. A single request that got no answer may have arrived too,
 * only its answer lost. Sending such a write again would apply it twice (two PATCHes, two
 * opt-outs each leaving a history entry), and the add-on never sends a write twice. So a
 * write without an answer is compared with Keap's current state, the same compare-before-write
 * the sync plans with: what Keap already has is done; only the rest is sent again, a bounded
 * number of times. When Keap cannot even be read, the write is left for the next run, which
 * reads Keap before it writes.
 */
import type { Clock } from './clock';
import type { RetryLimits } from './config';
import { CONTACT_FIELD_LIST } from './contactFields';
import {
  KeapUnavailableError,
  type EmailOptState,
  type KeapContact,
  type KeapWrite,
  type WriteResult,
  unknownWriteKind,
} from './model';
import { normalEmail } from './optOut';
import type { RequestOutcome } from './requestRunner';
import { retryDelayMs } from './retryPolicy';

/** Keap's current state, as the gateway reads it (throws KeapUnavailableError when it cannot). */
export interface KeapStateReader {
  readContacts(ids: number[]): Map<number, KeapContact>;
  readOptStates(emails: string[]): Map<string, EmailOptState>;
}

export interface WriteRecoveryDeps<R = WriteResult> {
  /** Sends each write once (the runner's throttle/5xx retries included); one outcome per write. */
  send(writes: KeapWrite[]): RequestOutcome[];
  reader: KeapStateReader;
  /** The result a write's final outcome gives (Keap's answer in plain words). */
  resultOf(write: KeapWrite, outcome: RequestOutcome): R;
  /** The result of a write that got no answer but that Keap was found to have. */
  applied(write: KeapWrite): R;
  clock: Clock;
  /** Epoch ms: no write is sent again after it. */
  deadline: number;
  retry: RetryLimits;
}

/** What to read from Keap to tell whether these writes arrived. */
export function readsToConfirm(writes: readonly KeapWrite[]): {
  contactIds: number[];
  emails: string[];
} {
  const contactIds = new Set<number>();
  const emails = new Set<string>();
  for (const write of writes) {
    switch (write.kind) {
      case 'setEmails':
        contactIds.add(write.contactId);
        break;
      case 'optOut':
        emails.add(normalEmail(write.email));
        break;
      default:
        unknownWriteKind(write);
    }
  }
  return { contactIds: [...contactIds], emails: [...emails] };
}

/**
 * True when Keap already is where the write would put it: the contact has every value the
 * PATCH sends (contactFields.ts: exactly its email slots, since it replaces the list), or the
 * email is opted out.
 */
export function isWriteApplied(
  write: KeapWrite,
  contacts: ReadonlyMap<number, KeapContact>,
  optStates: ReadonlyMap<string, EmailOptState>,
): boolean {
  switch (write.kind) {
    case 'optOut':
      return optStates.get(normalEmail(write.email))?.optedOut === true;
    case 'setEmails': {
      const contact = contacts.get(write.contactId);
      return (
        contact !== undefined &&
        CONTACT_FIELD_LIST.every(([name, field]) => field.applied(contact[name], write[name]))
      );
    }
    default:
      return unknownWriteKind(write);
  }
}

/**
 * Sends the writes so that none reaches Keap twice, and returns one result per write, in
 * order. A write without an answer is checked against Keap: applied ones succeed, the others
 * are sent again after a growing wait, at most `retry.maxServerRetries` times.
 */
export function applyWritesAtMostOnce<R>(
  writes: readonly KeapWrite[],
  deps: WriteRecoveryDeps<R>,
): R[] {
  const results = new Array<R>(writes.length);
  const settle = (indexes: number[], outcome: RequestOutcome): void => {
    for (const index of indexes) results[index] = deps.resultOf(writes[index], outcome);
  };
  let pending = writes.map((_, index) => index);
  for (let resend = 1; pending.length > 0; resend += 1) {
    const outcomes = deps.send(pending.map((index) => writes[index]));
    const unconfirmed: number[] = [];
    outcomes.forEach((outcome, position) => {
      const index = pending[position];
      if (outcome.kind === 'unconfirmed') unconfirmed.push(index);
      else results[index] = deps.resultOf(writes[index], outcome);
    });
    if (unconfirmed.length === 0) break;

    const applied = appliedInKeap(
      unconfirmed.map((index) => writes[index]),
      deps.reader,
    );
    if (applied === null) {
      settle(unconfirmed, { kind: 'unconfirmed' });
      break;
    }
    const notApplied = unconfirmed.filter((_, position) => !applied[position]);
    unconfirmed
      .filter((_, position) => applied[position])
      .forEach((index) => (results[index] = deps.applied(writes[index])));
    if (notApplied.length === 0) break;

    const wait = retryDelayMs('network', resend, deps.retry);
    if (wait === null) {
      // Checked: Keap does not have them; the next run sends them after reading Keap again.
      settle(notApplied, { kind: 'unreachable' });
      break;
    }
    if (deps.clock.now() + wait >= deps.deadline) {
      settle(notApplied, { kind: 'not-sent' });
      break;
    }
    deps.clock.sleep(wait);
    pending = notApplied;
  }
  return results;
}

/** Per write, whether Keap has it; null when Keap could not be read. */
function appliedInKeap(writes: KeapWrite[], reader: KeapStateReader): boolean[] | null {
  const { contactIds, emails } = readsToConfirm(writes);
  let contacts: Map<number, KeapContact>;
  let optStates: Map<string, EmailOptState>;
  try {
    contacts = contactIds.length > 0 ? reader.readContacts(contactIds) : new Map();
    optStates = emails.length > 0 ? reader.readOptStates(emails) : new Map();
  } catch (error) {
    if (error instanceof KeapUnavailableError) return null;
    throw error;
  }
  return writes.map((write) => isWriteApplied(write, contacts, optStates));
}
