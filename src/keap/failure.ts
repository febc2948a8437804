/**
 * Why Keap did not do what was asked, as data: the Keap client (src/keap) tells failures
 * apart by what the HTTP status and the answer's shape give, and carries them in its errors
 * (model.ts) and write results. Words are chosen only at the edge: src/sync/statusText.ts
 * for row statuses and run messages, src/ui for alerts. Keap's own message (`keapMessage`)
 * is data to show, never read for meaning.
 */

/** What Keap shows for an address after an opt-out was asked for (null: no status). */
export interface KeapShows {
  email: string;
  status: string | null;
}

/**
 * Why the Keap connection cannot be used until a person acts. src/connection decides it (and
 * keeps the lasting ones in its lost-access record); the words are statusText.ts
 * `connectionProblemWords`.
 */
export type ConnectionProblem =
  /** Keap rejected the refresh token: the sign-in ended (removed, password, 45 days unused). */
  | { kind: 'sign-in-ended' }
  /** Keap rejected the add-on's Keap app (client id or secret). */
  | { kind: 'app-rejected' }
  /** Keap no longer accepts the saved API key. */
  | { kind: 'api-key-rejected' }
  /** Keap refused the access token even right after renewing it. */
  | { kind: 'token-refused' }
  /** No API key and no OAuth token is stored. */
  | { kind: 'not-connected' }
  /** The deployment lacks its Keap app's script properties (`missing`, by name). */
  | { kind: 'not-set-up'; missing: string[] }
  /**
   * Words this version does not choose, kept as they are: a lost-access record saved by an
   * earlier version whose sentence is none this version knows (src/connection/lostAccess.ts).
   * `instructs`: they already say what to do.
   */
  | { kind: 'recorded'; text: string; instructs: boolean };

export type ConnectionProblemKind = ConnectionProblem['kind'];

/** A passing fault of the connection: the next run tries again. */
export type ConnectionFault =
  /** Another execution held the connection's lock past the wait. */
  | { kind: 'lock-busy' }
  /** Keap or the network failed a token renewal. */
  | { kind: 'renewal-failed' }
  /**
   * A fault in words given with it, kept as they are. src/connection makes none today; it is
   * for a fault whose only description is someone else's text (and tests pass text through it).
   */
  | { kind: 'described'; text: string };

export type KeapFailure =
  /** The deadline (or the daily quota's reserve) came before the request was sent. */
  | { kind: 'not-sent' }
  /** No HTTP answer, even after the retries. */
  | { kind: 'unreachable' }
  /** A write that got no answer, and Keap could not be read to tell whether it arrived. */
  | { kind: 'unconfirmed' }
  /** 429 after the retries. */
  | { kind: 'throttled' }
  /** 5xx or 408 after the retries. */
  | { kind: 'server-error'; status: number }
  /** 404. */
  | { kind: 'not-found'; keapMessage: string | null }
  /** 403. */
  | { kind: 'forbidden'; keapMessage: string | null }
  /** Any other 4xx but 401 (those are `unauthorized`). */
  | { kind: 'refused'; status: number; keapMessage: string | null }
  /** A 2xx answer of no readable shape (or pages that disagree). */
  | { kind: 'unreadable' }
  /** A value too long to put in a lookup URL. */
  | { kind: 'too-long' }
  /** A list kept giving another page past the guard. */
  | { kind: 'kept-paging' }
  /** Keap's daily quota is spent, or too low to finish more work, until `resetsAt` (epoch ms). */
  | { kind: 'daily-limit'; resetsAt: number }
  /** Keap refuses the connection, or there is none: a person must act (`problem` says why). */
  | { kind: 'unauthorized'; problem: ConnectionProblem }
  /** A passing fault of the connection (its lock, a token renewal). */
  | { kind: 'connection'; fault: ConnectionFault }
  /** Keap accepted an opt-out, but its status could not be read back to confirm it. */
  | { kind: 'opt-out-unconfirmed' }
  /** Keap's opt-out service (XML-RPC) is down and Keap does not show the address opted out. */
  | { kind: 'opt-out-unavailable'; shows: KeapShows }
  /** The opt-out service's answer could not be read and Keap does not show it opted out. */
  | { kind: 'opt-out-unreadable'; shows: KeapShows }
  /** Keap was asked and still does not show the address opted out: a person must look. */
  | { kind: 'opt-out-not-done'; shows: KeapShows };

export type KeapFailureKind = KeapFailure['kind'];

/** Keap said no (a 4xx but 401): not worth another try by itself. */
export type RefusalFailure = Extract<KeapFailure, { kind: 'not-found' | 'forbidden' | 'refused' }>;

/** How one request ended when it did not succeed (src/keap/keapErrors.ts answerFailure). */
export type AnswerFailure =
  | RefusalFailure
  | Extract<
      KeapFailure,
      { kind: 'not-sent' | 'unreachable' | 'unconfirmed' | 'throttled' | 'server-error' }
    >;

/** An opt-out that Keap does not show done after it was asked (src/keap/optOut.ts). */
export type OptOutFailure = Extract<KeapFailure, { kind: `opt-out-${string}` }>;

/** Why a write (KeapGateway.write) was not done. */
export type WriteFailure = AnswerFailure | OptOutFailure;

/** Why a read, or the connection, could not go on (KeapUnavailableError). */
export type UnavailableFailure = Exclude<KeapFailure, { kind: 'unauthorized' } | OptOutFailure>;
