/**
 * What the rest of the add-on knows of Keap: contacts' email slots, email opt states, and
 * the writes a sync sends. The Keap client (src/keap) implements KeapGateway; the sync
 * (src/sync) plans against it without knowing URLs, tokens or pacing.
 */
export type EmailField = 'EMAIL1' | 'EMAIL2' | 'EMAIL3';

export interface EmailSlot {
  field: EmailField;
  email: string;
}

export interface KeapContact {
  id: number;
  /** Every email slot the contact has, as Keap returned it. */
  emails: EmailSlot[];
}

export interface EmailOptState {
  email: string;
  /** True when Keap will not send marketing email to it (opted out, bounced, spam, ...). */
  optedOut: boolean;
  /** Keap's status value, e.g. SINGLE_OPT_IN or MANUAL. */
  status: string;
}

export type KeapWrite =
  /** Replace the contact's email list (Keap's PATCH replaces it: send every slot to keep). */
  | { kind: 'setEmails'; contactId: number; emails: EmailSlot[] }
  | { kind: 'optOut'; email: string; reason: string };

/**
 * The `default:` of every `switch` over write kinds: a kind added to KeapWrite fails the build
 * there until each switch handles it, instead of silently taking another kind's branch.
 */
export function unknownWriteKind(write: never): never {
  throw new Error(`Unknown write kind: ${String((write as { kind?: unknown }).kind)}`);
}

export type WriteResult =
  | { ok: true }
  | {
      ok: false;
      /** Plain words for the row's status cell; never a token or secret. */
      error: string;
      /** False when the write was never sent (deadline reached): it must be tried again later. */
      attempted: boolean;
      /** True for throttling, 5xx and network faults that outlasted the retries. */
      retryLater: boolean;
      /** With retryLater: the row's words after "Will retry: " when they are not the generic ones. */
      retryWords?: string;
      /**
       * Opt-outs: Keap was asked and still does not show the address opted out. `error` is the
       * row's whole message; the next run tries again without an edit.
       */
      notDone?: boolean;
    };

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

/** The Keap connection is gone (refresh token rejected, app revoked): a person must reconnect. */
export class KeapAccessError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'KeapAccessError';
  }
}

/** Keap did not answer usefully after the bounded retries (outage, throttling storm). */
export class KeapUnavailableError extends Error {
  constructor(message: string) {
    super(message);
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
    super(`Keap's daily request quota is spent until ${new Date(resetsAt).toISOString()}.`);
    this.name = 'KeapDailyLimitError';
  }
}
