/**
 * What the rest of the add-on knows of Keap: contacts' email slots, email opt states, and
 * the writes a sync sends. The Keap client (src/keap) implements KeapGateway; the sync
 * (src/sync) plans against it without knowing URLs, tokens or pacing.
 */
import type { ContactValues } from './contactFields';
import type { ConnectionProblem, KeapFailure, UnavailableFailure, WriteFailure } from './failure';

export type { EmailField, EmailSlot } from './contactFields';

/** A contact: its id and one value per synced contact field (contactFields.ts, e.g. `emails`). */
export interface KeapContact extends ContactValues {
  id: number;
}

export interface EmailOptState {
  email: string;
  /** True when Keap will not send marketing email to it (opted out, bounced, spam, ...). */
  optedOut: boolean;
  /** Keap's status value, e.g. SINGLE_OPT_IN or MANUAL. */
  status: string;
}

export type KeapWrite =
  /**
   * The contact PATCH: every synced contact value (contactFields.ts), each replaced whole by
   * Keap (send every email slot to keep). Named for the email list, its first value.
   */
  | ({ kind: 'setEmails'; contactId: number } & ContactValues)
  | { kind: 'optOut'; email: string; reason: string };

/**
 * The `default:` of every `switch` over write kinds: a kind added to KeapWrite fails the build
 * there until each switch handles it, instead of silently taking another kind's branch.
 */
export function unknownWriteKind(write: never): never {
  throw new Error(`Unknown write kind: ${String((write as { kind?: unknown }).kind)}`);
}

/**
 * A write's result. `failure.kind` 'not-sent': the write was never sent (deadline reached),
 * so it must be tried again later; the sync decides what every other kind means for the row
 * (src/sync/plan.ts) and words it (src/sync/statusText.ts).
 */
export type WriteResult = { ok: true } | { ok: false; failure: WriteFailure };

export interface KeapRequestCounts {
  reads: number;
  writes: number;
  /** Token endpoint calls (refreshes) made by this execution. */
  token: number;
}

export interface KeapGateway {
  /** Contacts by id, in as few requests as the 2 KB URL limit allows; unknown ids are absent. */
  readContacts(ids: number[]): Map<number, KeapContact>;
  /**
   * Rows without a Contact ID: per address (lower-cased), the ids of the contacts that have it,
   * one search request per address (src/keap/contactSearch.ts); addresses that cannot be
   * searched literally are not sent and are absent.
   */
  findContactsByEmail?(emails: string[]): Map<string, number[]>;
  /** Opt states keyed by lower-cased email; emails Keap does not know are absent. */
  readOptStates(emails: string[]): Map<string, EmailOptState>;
  /**
   * Sends the writes in parallel, paced batches and returns one result per write, in
   * order. Writes not started before the gateway's deadline come back `attempted: false`.
   */
  write(writes: KeapWrite[]): WriteResult[];
  counts(): KeapRequestCounts;
  /**
   * Epoch ms when Keap's daily quota resets, once this gateway stopped sending for it (spent,
   * or too low to finish more work); else null. Writes it did not send came back unattempted.
   */
  dailyLimitResetsAt?(): number | null;
}

/**
 * A failure of the Keap client, typed: `failure` says why (src/keap/failure.ts); `reading`
 * names the read it stopped ("contacts", "email statuses"), if it stopped one.
 */
export abstract class KeapError extends Error {
  protected constructor(
    message: string,
    readonly failure: KeapFailure,
    readonly reading: string | null = null,
  ) {
    super(message);
  }
}

/**
 * The Keap connection is gone (refresh token rejected, app revoked) or missing: a person must
 * act. `problem` says why; its words are chosen at the edge (statusText.ts).
 */
export class KeapAccessError extends KeapError {
  constructor(readonly problem: ConnectionProblem) {
    // A recorded text is the record's own; the codes are worded at the edge (statusText.ts).
    const message =
      problem.kind === 'recorded'
        ? problem.text
        : `Keap connection problem: ${problem.kind.split('-').join(' ')}`;
    super(message, {
      kind: 'unauthorized',
      problem,
    });
    this.name = 'KeapAccessError';
  }
}

/**
 * Keap did not answer usefully after the bounded retries (outage, throttling storm), or the
 * connection had a passing fault.
 */
export class KeapUnavailableError extends KeapError {
  declare readonly failure: UnavailableFailure;
  constructor(failure: UnavailableFailure, reading: string | null = null) {
    super(
      `Keap is unavailable (${failure.kind}${reading === null ? '' : `, reading ${reading}`})`,
      failure,
      reading,
    );
    this.name = 'KeapUnavailableError';
  }
}

/**
 * Keap's daily request quota is spent, or too low to finish more work: the sync stops sending
 * until it resets (`resetsAt`, epoch ms; 00:00 UTC). A kind of unavailability, so a check of
 * a lost write that it cuts short leaves the write unconfirmed, as any failed read does.
 */
export class KeapDailyLimitError extends KeapUnavailableError {
  constructor(readonly resetsAt: number) {
    super({ kind: 'daily-limit', resetsAt });
    this.name = 'KeapDailyLimitError';
  }
}
