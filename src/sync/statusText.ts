/**
 * The words the sync says, chosen here only (the sidebar's and the menu's are in src/ui): a
 * row's Sync Status cell, one family of phrases, so people can filter on them ("Updated: ...",
 * "Up to date", "Error: ...", "Will retry: ..."); Keap's failures and the connection's problems;
 * a run's message and notes; the preview's message; the Keap Email Status column. Callers pass
 * codes and data (src/keap/failure.ts, numbers, error details), never sentences.
 */
import { accountLabel } from '../connection/keapAccount';
import type {
  ConnectionFault,
  ConnectionProblem,
  KeapFailure,
  KeapShows,
  OptOutFailure,
  RefusalFailure,
} from '../keap/failure';
import type { KeapWrite } from '../keap/model';
import { SYNCED_FIELDS } from '../sheet/fields';
import { OLD_STATE_TAB_NAME } from '../sheet/oldStateTab';
import { isDate, type CellValue } from '../sheet/cells';
import type { RowInputProblem } from '../sheet/rowInputProblem';
import type { SheetSetupProblem } from '../sheet/setupError';
import type { SettingsProblem } from './settingsProblem';
import type { RunChange } from './checkpoint';
import type { ContactChange } from './contactMapping';
import { formatTimeOfDay, type Where } from './dateText';
import type { RunTally } from './tally';
import type { UnitFailure } from './unitFailure';

export const UP_TO_DATE = 'Up to date';
export const KEAP_BUSY = 'Will retry: Keap was busy';
export const KEAP_UNREACHABLE = 'Will retry: Keap could not be reached';

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function errorStatus(message: string): string {
  return `Error: ${capitalize(message)}`;
}

/** "phone changed to 555": a contact value's change, named by the table's label. */
function fieldChangedWords(change: ContactChange): string {
  const label = SYNCED_FIELDS.find((field) => field.key === change.field)?.label ?? change.field;
  return `${label.charAt(0).toLowerCase()}${label.slice(1)} changed to ${change.to}`;
}

/**
 * What the row changed in Keap, or null: the email in words of its own ("email changed to
 * …"), then every other contact value by its label, in the mapping's order.
 */
function changedWords(
  emailChangedTo: string | null,
  contactChanged: readonly ContactChange[] = [],
): string | null {
  const parts: string[] = [];
  if (emailChangedTo !== null) parts.push(`email changed to ${emailChangedTo}`);
  for (const change of contactChanged) {
    if (change.field !== 'email') parts.push(fieldChangedWords(change));
  }
  return parts.length === 0 ? null : parts.join('; ');
}

function updatedStatus(changed: string | null, optedOut: boolean): string | null {
  const parts: string[] = [];
  if (changed !== null) parts.push(changed);
  if (optedOut) parts.push('opted out');
  return parts.length === 0 ? null : `Updated: ${parts.join('; ')}`;
}

/**
 * The status of a row whose email was changed but whose opt-out of that new address was
 * not sent before the execution ended: true so far, and completed by the run that sends it.
 */
export function optOutNotSentStatus(email: string): string {
  return `Updated: email changed to ${email}; opt-out not sent yet`;
}

/**
 * The row's status, or null when the row has none yet (its write was not sent in time).
 * `emailChangedEarlier`: the email an earlier execution changed for this row (its status
 * says so), completed now by the opt-out.
 */
export function unitStatus(
  result: {
    failure: UnitFailure | null;
    emailChangedTo: string | null;
    optedOut: boolean;
    contactChanged?: readonly ContactChange[];
  },
  emailChangedEarlier: string | null = null,
): string | null {
  const { failure, optedOut } = result;
  const emailChangedTo = result.emailChangedTo ?? (optedOut ? emailChangedEarlier : null);
  const changed = changedWords(emailChangedTo, result.contactChanged);
  if (failure === null) return updatedStatus(changed, optedOut) ?? UP_TO_DATE;
  switch (failure.kind) {
    case 'pending':
      return null;
    case 'retry':
      if (failure.message !== undefined) {
        return changed === null
          ? `Will retry: ${capitalize(failure.message)}`
          : `Will retry: ${changed}, but ${failure.message}`;
      }
      return failure.reason === 'unreachable' ? KEAP_UNREACHABLE : KEAP_BUSY;
    case 'error':
      return changed === null
        ? errorStatus(failure.message)
        : errorStatus(`${changed}, but ${failure.message}`);
  }
}

// ---------------------------------------------------------------------------------------
// The connection's problems and faults (src/keap/failure.ts, decided in src/connection) in
// words: for run messages, the sidebar's connection card (src/ui/connectionView.ts), alerts
// and the consent callback page. The sentences are the ones earlier versions stored.

/** Why the connection cannot be used, as the sidebar and the run's message say it. */
export function connectionProblemWords(problem: ConnectionProblem): string {
  switch (problem.kind) {
    case 'sign-in-ended':
      return 'Keap no longer accepts this connection: its Keap sign-in has ended (the add-on was removed in Keap, a password was changed, or the connection went unused for 45 days). Reconnect from the sidebar.';
    case 'app-rejected':
      return (
        "Keap no longer accepts this add-on's Keap app (client id or secret rejected). " +
        'Check KEAP_CLIENT_ID and KEAP_CLIENT_SECRET, then reconnect from the sidebar.'
      );
    case 'api-key-rejected':
      return (
        'Keap no longer accepts the saved API key (it may have been revoked). ' +
        'Paste a new key or connect with Keap from the sidebar.'
      );
    case 'token-refused':
      return (
        'Keap refused the access token even right after renewing it. ' +
        'If this keeps happening, reconnect from the sidebar.'
      );
    case 'not-connected':
      return 'Keap is not connected. Connect from the sidebar.';
    case 'not-set-up':
      return (
        `Keap is not set up for this add-on yet: the script properties ${problem.missing.join(' and ')} ` +
        'must be set by whoever installed it.'
      );
    case 'recorded':
      return problem.text;
    default:
      return problem satisfies never;
  }
}

/** Whether connectionProblemWords already says what to do (else the run's message adds it). */
function problemInstructs(problem: ConnectionProblem): boolean {
  switch (problem.kind) {
    case 'recorded':
      return problem.instructs;
    case 'sign-in-ended':
    case 'app-rejected':
    case 'api-key-rejected':
    case 'token-refused':
    case 'not-connected':
    case 'not-set-up':
      return true;
    default:
      return problem satisfies never;
  }
}

/** A passing fault of the connection, and that the next run tries again. */
export function connectionFaultWords(fault: ConnectionFault): string {
  switch (fault.kind) {
    case 'lock-busy':
      return 'Another run held the Keap connection for too long; will retry next run.';
    case 'renewal-failed':
      return 'Keap could not renew the sign-in just now (Keap or the network had a problem); will retry next run.';
    case 'described':
      return fault.text;
    default:
      return fault satisfies never;
  }
}

// ---------------------------------------------------------------------------------------
// Keap's failures (src/keap/failure.ts) in words: the only place the sync chooses them.

/** The text with a capital first letter and a full stop at the end. */
export function asSentence(text: string): string {
  const trimmed = text.trim().replace(/[\s;,:]+$/, '');
  if (trimmed === '') return '';
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

/** Keap's own message, or its status code when it gave none. */
function keapSaid(keapMessage: string | null, status: number): string {
  return keapMessage ?? `Keap gave no reason (its error code was ${status})`;
}

function refusalStatus(failure: RefusalFailure): number {
  switch (failure.kind) {
    case 'not-found':
      return 404;
    case 'forbidden':
      return 403;
    case 'refused':
      return failure.status;
  }
}

/**
 * A failure in the Keap client's own words, e.g. for a note or an alert. `reading`: the read
 * it stopped ("contacts", "email statuses"), when it stopped one.
 */
export function keapFailureWords(failure: KeapFailure, reading: string | null = null): string {
  switch (failure.kind) {
    case 'not-sent':
      return 'Not sent: the time limit of this run was reached; the next run continues';
    case 'unreachable':
      return 'Could not reach Keap (network error); will retry next run';
    case 'unconfirmed':
      return (
        'Could not reach Keap (network error) and could not check whether the change arrived; ' +
        'the next run checks Keap before sending it again'
      );
    case 'throttled':
      return 'Keap is busy (throttled); will retry next run';
    case 'server-error':
      return `Keap had a server error (HTTP ${failure.status}); will retry next run`;
    case 'not-found':
    case 'forbidden':
    case 'refused': {
      const said = keapSaid(failure.keapMessage, refusalStatus(failure));
      return reading === null
        ? `Keap refused: ${said}`
        : `Keap refused to list ${reading}: ${said}`;
    }
    case 'unreadable': {
      const words = 'Keap sent an answer the add-on could not read; will retry next run';
      return reading === null ? words : `${words} (while reading ${reading}).`;
    }
    case 'too-long':
      return `One value is too long to look up in Keap (${reading ?? 'a lookup'}).`;
    case 'kept-paging':
      return `Keap kept paging ${reading ?? 'a list'}.`;
    case 'daily-limit':
      return `Keap's daily request quota is spent until ${new Date(failure.resetsAt).toISOString()}.`;
    case 'unauthorized':
      return connectionProblemWords(failure.problem);
    case 'connection':
      return connectionFaultWords(failure.fault);
    case 'opt-out-unconfirmed':
    case 'opt-out-unavailable':
    case 'opt-out-unreadable':
    case 'opt-out-not-done':
      return optOutFailureText(failure);
    default:
      return failure satisfies never;
  }
}

/**
 * Why Keap stopped a run, as one sentence. Keap's own message is followed, never wrapped, so
 * that no parenthesis nests in another.
 */
export function keapTroubleSentence(failure: KeapFailure, reading: string | null = null): string {
  switch (failure.kind) {
    case 'throttled':
      return 'Keap stayed too busy to answer: it kept throttling the requests after every retry.';
    case 'unreachable':
    case 'unconfirmed':
      return 'Keap could not be reached: the network kept failing after every retry.';
    case 'server-error':
      return `Keap kept answering with a server error (HTTP ${failure.status}) after every retry.`;
    case 'not-found':
    case 'forbidden':
    case 'refused':
      return reading === null
        ? asSentence(keapFailureWords(failure))
        : `Keap refused to list ${reading}: ${asSentence(keapSaid(failure.keapMessage, refusalStatus(failure)))}`;
    case 'unreadable':
      return reading === null
        ? 'Keap sent an answer the add-on could not read.'
        : `Keap sent an answer the add-on could not read while reading ${reading}.`;
    default:
      // The client's or the connection's own sentence: kept as it is.
      return asSentence(keapFailureWords(failure, reading)) || 'Keap did not answer.';
  }
}

// Why a run stopped early (src/sync/stopWords.ts decides it). Each message is whole sentences
// with at most one instruction, and never a parenthesis inside a parenthesis: Keap's and the
// connection's own texts are already sentences, so they are reworded or followed, not wrapped.

const DAILY_LIMIT_SENTENCE =
  "Keap's daily request limit for this add-on was reached; Keap resets it at 00:00 UTC.";
const RETRY_NEXT_RUN = 'Rows not yet synced are tried again on the next run.';
const SYNCED_ONCE_CONNECTED = 'Rows not yet synced are synced once Keap is connected again.';
const OPEN_AND_CONNECT =
  'Open Keap Sheets Sync from the Extensions menu and connect again; rows not yet synced are synced after that.';

/**
 * Why Keap needs a person, followed by one instruction: the connection's own when its words
 * already give one (`instructs`).
 */
function reconnectMessage(problem: ConnectionProblem): string {
  const said =
    asSentence(connectionProblemWords(problem)) || 'Keap does not accept the connection.';
  return `${said} ${problemInstructs(problem) ? SYNCED_ONCE_CONNECTED : OPEN_AND_CONNECT}`;
}

/** Why Keap stopped an execution, and what happens next. */
export function keapStopMessage(failure: KeapFailure, reading: string | null = null): string {
  switch (failure.kind) {
    case 'unauthorized':
      return reconnectMessage(failure.problem);
    case 'daily-limit':
      return DAILY_LIMIT_SENTENCE;
    default:
      return `${keapTroubleSentence(failure, reading)} ${RETRY_NEXT_RUN}`;
  }
}

/** An execution stopped by something the add-on did not expect (`text`: the error's). */
export function unexpectedStopMessage(text: string): string {
  return `The sync stopped unexpectedly: ${asSentence(text)} ${RETRY_NEXT_RUN}`;
}

function emailRefusalWords(failure: RefusalFailure, contactId: number, said: string): string {
  switch (failure.kind) {
    case 'not-found':
      return `Keap has no contact with id ${contactId}`;
    case 'forbidden':
      return `Keap did not allow the change: ${said}`;
    case 'refused':
      return `Keap refused the email: ${said}`;
    default:
      return failure satisfies never;
  }
}

/** The row's message for a write Keap refused (a 4xx). */
export function writeRefusalText(failure: RefusalFailure, write: KeapWrite): string {
  const said = keapSaid(failure.keapMessage, refusalStatus(failure));
  switch (write.kind) {
    case 'setEmails':
      return `Keap refused the email change: ${emailRefusalWords(failure, write.contactId, said)}`;
    case 'optOut':
      return `Keap refused the opt-out: ${said}`;
  }
}

function shownInKeap(shows: KeapShows): string {
  return shows.status === null
    ? `Keap has no status for ${shows.email}`
    : `Keap shows ${shows.email} as ${shows.status}`;
}

/** The row's words for an opt-out Keap does not show done. */
export function optOutFailureText(failure: OptOutFailure): string {
  switch (failure.kind) {
    case 'opt-out-unconfirmed':
      return 'Keap accepted the opt-out but its status could not be read back to confirm it; the next run checks';
    case 'opt-out-unavailable':
      return `Keap's opt-out service is unavailable; Keap has not opted this person out yet (${shownInKeap(failure.shows)})`;
    case 'opt-out-unreadable':
      return `Keap sent an opt-out answer the add-on could not read; Keap has not opted this person out yet (${shownInKeap(failure.shows)})`;
    case 'opt-out-not-done':
      return `Keap did not opt this person out (${shownInKeap(failure.shows)}). Opt them out in Keap; the next run tries again`;
  }
}

/**
 * A row the run did not reach, or whose change it did not send, because Keap's daily request
 * limit was reached. `when`: the reset as people read it. The row keeps no record, so the run
 * syncs it when it continues.
 */
export function dailyLimitStatus(when: string): string {
  return `Will retry: Keap's daily request limit was reached; continues after ${when}`;
}

/** An error's status with the day its row is tried again without an edit. */
export function withNextTry(status: string, day: string): string {
  return `${status.replace(/[.\s]+$/, '')}. Trying again on ${day}, or when the row is edited`;
}

/** A status naming the Keap account it describes (when several have synced the sheet). */
export function inAccount(status: string, accountLabel: string): string {
  return `${status} (Keap account ${accountLabel})`;
}

function accountWords(account: string): string {
  const label = accountLabel(account);
  return label === 'API key' ? 'an API key' : `Keap account ${label}`;
}

/**
 * The log row of a pending run that is not continued (src/sync/checkpoint.ts changeSince):
 * what changed, and that a new run takes over.
 */
export function runEndedByChange(change: RunChange): string {
  const stopped = 'This sync stopped before finishing:';
  if (change.kind === 'tab') {
    return `${stopped} the tab to sync changed from '${change.from}' to '${change.to}' while it was under way. A new sync of '${change.to}' started in its place.`;
  }
  const from = accountWords(change.from);
  const to = accountWords(change.to);
  const moved =
    from === to && to === 'an API key'
      ? 'the Keap connection changed to another API key'
      : `the Keap connection changed from ${from} to ${to}`;
  return `${stopped} ${moved} while it was under way. A new sync for the account now connected started in its place.`;
}

/**
 * The time of day of an epoch time where the spreadsheet reads it (its time zone and locale:
 * "12:00 AM" en-US, "00:00" de-DE), as every moment is written (dateText.ts); UTC when the
 * zone is unknown.
 */
export function clockTimeOf(epochMs: number, where: Where): string {
  return formatTimeOfDay(epochMs, where);
}

/**
 * When the rest of a run with work left is synced, as its follow-up was arranged: "in a few
 * minutes" only when a one-off follow-up was made; the recurring trigger's time otherwise.
 * Each ends a sentence that begins "Part of the sheet is synced (...); ".
 */
export function restContinues(
  next: { kind: 'soon' | 'hourly'; at: number } | { kind: 'stopped' | 'none' },
  where: Where,
): string {
  switch (next.kind) {
    case 'soon':
      return 'the rest continues automatically in a few minutes.';
    case 'hourly':
      return `the rest continues automatically at about ${clockTimeOf(next.at, where)}.`;
    case 'stopped':
      return 'Keap was disconnected, so the rest is synced by the next sync once Keap is connected again.';
    case 'none':
      return 'no follow-up run could be set up, so the rest is synced by the next sync.';
  }
}

/** A row without a Contact ID names the contact Keap's search found for its address. */
export function foundByEmail(status: string, contactId: number): string {
  return `${status} (Keap contact ${contactId}, found by email)`;
}

export const NO_CONTACT_HAS_EMAIL = 'No Keap contact has this email';

/** Several contacts have the address: the row cannot tell which one is meant. */
export function sharedEmailMessage(contactIds: readonly number[]): string {
  return (
    `${contactIds.length} Keap contacts share this email: ${contactIds.join(', ')}; ` +
    'put the one meant in Contact ID'
  );
}

/** An address Keap's contact search would not read literally (its `*` is a wildcard). */
export function unsearchableEmailMessage(characters: readonly string[]): string {
  const shown = characters.map((c) => `'${c}'`).join(' ');
  return (
    `this email has ${shown}, which Keap's contact search reads as part of a pattern, ` +
    'so it cannot be looked up safely; put the Contact ID in the row'
  );
}

/** The same address on rows that ask for different things (an address is one status). */
export function emailConflictMessage(email: string, rows: readonly number[]): string {
  const listed = rows.length === 1 ? `row ${rows[0]}` : `rows ${rows.join(', ')}`;
  return `the email ${email} is also on ${listed} without a Contact ID and with different values`;
}

// ---------------------------------------------------------------------------------------
// A run's message (src/sync/runSync.ts) and what it adds as notes, and the preview's words.

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function retryCause(tally: RunTally): string {
  const unreachable = Math.min(tally.unreachable ?? 0, tally.retrying);
  if (unreachable === 0) return 'Keap was busy';
  if (unreachable === tally.retrying) return 'Keap could not be reached';
  return 'Keap was busy or could not be reached';
}

export function countsSentence(tally: RunTally): string {
  const parts = [
    `${plural(tally.emailsUpdated, 'email')} updated`,
    `${tally.optedOut} opted out`,
    `${tally.unchanged} unchanged`,
    plural(tally.errors, 'error'),
  ];
  const retry =
    tally.retrying > 0
      ? ` ${plural(tally.retrying, 'row')} will be retried (${retryCause(tally)}).`
      : '';
  return `${parts.join(', ')}.${retry}`;
}

export function completedMessage(tally: RunTally): string {
  return `Synced ${plural(tally.rowsSeen, 'row')}: ${countsSentence(tally)}`;
}

/** `rest`: when the rest is synced (statusText.ts restContinues); a quick follow-up by default. */
export function continuingMessage(
  tally: RunTally,
  rest = 'the rest continues automatically in a few minutes.',
): string {
  return `Part of the sheet is synced (${countsSentence(tally).replace(/\.$/, '')}); ${rest}`;
}

/**
 * A run stopped by Keap's daily request limit. `when`: its reset as people read it (00:00
 * UTC in the spreadsheet's time zone); `rowsWaiting`: rows it continues with then.
 */
export function dailyLimitMessage(tally: RunTally, rowsWaiting: number, when: string): string {
  return (
    `Keap's daily request limit for this add-on was reached, so the sync stopped before using it up. ` +
    `So far: ${countsSentence(tally)} ${plural(rowsWaiting, 'row')} continue after ${when}, when Keap resets the limit.`
  );
}

/** A person asked for a sync while the run waits for Keap's daily limit: nothing was sent. */
export function stillWaitingMessage(when: string): string {
  return `Keap's daily request limit for this add-on was reached earlier, so nothing was sent now. The sync continues after ${when}, when Keap resets the limit.`;
}

export const BUSY_MESSAGE =
  'Another sync of this spreadsheet is already running. Try again in a few minutes.';

/** A run's follow-ups never came (its checkpoint went stale): closed by the next firing. */
export const STALE_MESSAGE =
  'This sync stopped before finishing: its follow-up run never came. The next run syncs the remaining rows.';

/** The log row of an execution Google killed, from the lease it left. */
export const INTERRUPTED_MESSAGE =
  'This sync was interrupted: Google stopped its run before it finished. The next run continues it.';

/** The lease could not be written: the run did not start. `detail`: Google's error. */
export function leaseFailureMessage(detail: string): string {
  return `The sync did not start: Google could not save the note that keeps two syncs of this spreadsheet apart. ${asSentence(detail)} The next run tries again.`;
}

/** A run that outlasted its follow-ups. */
export function tooManyContinuationsMessage(maxContinuations: number): string {
  return `The sheet took more than ${maxContinuations} follow-up runs, so this sync stopped. The next run syncs the remaining rows.`;
}

/** The checkpoint of a run with work left could not be saved. `detail`: Google's error. */
export function checkpointNotSavedMessage(detail: string): string {
  return `The sync could not save where it stopped (${detail}). The next run syncs the remaining rows.`;
}

/** Something besides the sync that a run could not do, added to its message as a note. */
export type RunNote =
  | 'last-run-not-saved'
  | 'log-not-updated'
  | 'checkpoint-not-cleared'
  | 'statuses-not-written'
  | 'old-tab-not-removed';

/** A note: what could not be done, and Google's error (`detail`). */
export function runNoteText(note: RunNote, detail: string): string {
  switch (note) {
    case 'last-run-not-saved':
      return `The last run could not be saved: ${detail}`;
    case 'log-not-updated':
      return `The log tab could not be updated: ${detail}`;
    case 'checkpoint-not-cleared':
      return `The checkpoint could not be cleared: ${detail}`;
    case 'statuses-not-written':
      return `The statuses could not all be written: ${detail}`;
    case 'old-tab-not-removed':
      return `The old hidden '${OLD_STATE_TAB_NAME}' tab could not be removed, delete it by hand: ${detail}`;
    default:
      return note satisfies never;
  }
}

/** Keap's statuses could not be read, so the Keap Email Status column kept its words. */
export function keapStatusNotRefreshedNote(failure: KeapFailure, reading: string | null): string {
  return `The Keap Email Status column was not refreshed: ${keapFailureWords(failure, reading)}`;
}

/** Columns moved during the write, so the old records' tab was kept for a person to delete. */
export const OLD_TAB_KEPT_NOTE = `Columns moved while the sync wrote, so the old hidden '${OLD_STATE_TAB_NAME}' tab was kept: delete it once the statuses look right`;

/** A row Keap did not reach before it stopped the run (`reason`: keapTroubleSentence's). */
export function unreachedRowStatus(reason: string): string {
  return `Will retry: ${reason}`;
}

/** Why a contact's row could not be planned. */
export function contactNotFoundText(contactId: number): string {
  return `Contact ${contactId} was not found in Keap`;
}

export const NOTHING_TO_OPT_OUT =
  'Cannot opt out: the row has no email and the contact has none in Keap';

/** The preview's line for a row whose last sync failed and that is not tried yet. */
export function knownErrorMessage(day: string): string {
  return `The last sync of this row failed (see its Sync Status); it is tried again on ${day}, or when the row is edited`;
}

/** The preview's counts, as one sentence. */
export function previewCounts(counts: {
  emailChanges: number;
  optOuts: number;
  errors: number;
  unchanged: number;
}): string {
  return (
    `${plural(counts.emailChanges, 'email')} to update, ${counts.optOuts} to opt out, ` +
    `${plural(counts.errors, 'row')} with errors, ${counts.unchanged} unchanged.`
  );
}

/** The preview's message. `stopped`: why Keap stopped it (keapStopMessage), if it did. */
export function previewMessage(p: {
  stopped: string | null;
  counts: string;
  maxRows: number | null;
  optedOutInKeap: number;
}): string {
  if (p.stopped) return `Preview incomplete: ${p.stopped} So far: ${p.counts}`;
  const truncated =
    p.maxRows === null ? '' : ` Only the first ${p.maxRows} rows of each list are shown.`;
  const n = p.optedOutInKeap;
  const keapNote =
    n === 0
      ? ''
      : ` ${plural(n, 'row')} ${n === 1 ? 'is' : 'are'} opted out in Keap but not ticked in Opt Out (the add-on never opts anyone back in).`;
  return `A sync would make these changes: ${p.counts}${truncated}${keapNote}`;
}

// ---------------------------------------------------------------------------------------
// Errors of the spreadsheet, the schedule and the settings, as the person who asked reads them.

export const NO_SPREADSHEET =
  'There is no spreadsheet to sync. Open the spreadsheet and start the sync from there.';

export const SCHEDULE_BUSY =
  'Another change to the sync schedule is in progress. Try again in a moment.';

/** A disconnect stopped because the schedule's lock was busy. */
export const DISCONNECT_SCHEDULE_BUSY =
  'Keap was not disconnected: another change to the sync schedule is in progress. Try again in a moment.';

/** A disconnect stopped because the daily sync could not be paused. `detail`: the error's. */
export function disconnectNotPausedMessage(detail: string): string {
  return `Keap was not disconnected: the daily sync could not be paused (${detail}). Try again in a moment.`;
}

export function invalidHourMessage(hour: unknown): string {
  return `The hour must be a whole number from 0 to 23 (got ${String(hour)}).`;
}

export function settingsNotSavedMessage(detail: string): string {
  return `The settings could not be saved in the spreadsheet, so the earlier ones still apply: ${detail}`;
}

// ---------------------------------------------------------------------------------------
// The Keap Email Status column: Keap's status of the row's address in words a person knows.

/** Every status value Keap documents (shared/keap/README.md), as people read it. */
export const KEAP_STATUS_WORDS: Readonly<Record<string, string>> = {
  SINGLE_OPT_IN: 'Subscribed',
  DOUBLE_OPT_IN: 'Subscribed (confirmed by the person)',
  CONFIRMED: 'Subscribed (confirmed by the person)',
  UNENGAGED_MARKETABLE: 'Subscribed, but has not opened a Keap email for months',
  NON_MARKETABLE: 'No consent yet',
  UNENGAGED_NON_MARKETABLE: 'No consent yet, and has not opened a Keap email for months',
  LIST_UNSUBSCRIBE: "Unsubscribed by the person (with their mail app's unsubscribe button)",
  FEEDBACK: 'Unsubscribed by the person (from a Keap email)',
  MANUAL: 'Opted out in Keap (by a Keap user or an app)',
  ADMIN: 'Opted out by a Keap administrator',
  SYSTEM: 'Opted out by Keap',
  LOCKDOWN: 'Blocked by Keap (lockdown)',
  BOUNCE: 'Bounced',
  HARD_BOUNCE: 'Bounced (the address does not exist)',
  SPAM: 'Marked as spam',
  INVALID: 'Not a deliverable address (Keap marked it invalid)',
  DEACTIVATED: 'Deactivated in Keap',
};

/**
 * The status this add-on's opt-out is credited for: MANUAL, Keap's "Opt-Out: Manual", the
 * opt-out of a Keap user or an app through the API (what the simulator's API opt-out leaves,
 * test/keap-sim/emailStatus.ts API_OPT_OUT_STATUS). ADMIN and SYSTEM are Keap naming someone
 * else (an administrator, Keap itself), and a person's own unsubscribe, a bounce or a spam
 * report are theirs: the words then follow Keap, whatever the add-on's record remembers.
 */
const ADD_ON_OPT_OUT_STATUS = 'MANUAL';

export const NOT_IN_KEAP_EMAILS = 'Keap has no status for this email yet';

/** Added where Keap shows the address opted out and the row does not ask for it. */
export const NOT_TICKED =
  '. Opt Out is not ticked here; Keap keeps it opted out (this add-on never opts anyone back in)';

export interface KeapStatusFacts {
  /** Keap's status value for the address; null when Keap has no record of it. */
  status: string | null;
  /** Keap will not send it marketing email (src/keap/optOut.ts isOptedOutStatus). */
  optedOut: boolean;
  /** The row's Opt Out box. */
  optOutTicked: boolean;
  /** The day (YYYY-MM-DD, spreadsheet time zone) this add-on opted the address out, if it did. */
  optedOutByAddOnOn: string | null;
}

/** Longest status value shown as Keap wrote it (Keap's documented ones are under 30). */
export const MAX_STATUS_CODE = 40;

/**
 * A status value as Keap's codes are written (SINGLE_OPT_IN): upper case, words joined by
 * '_', nothing else; '' for a blank one. "Opted Out" -> "OPTED_OUT".
 */
export function statusCode(status: string): string {
  return status
    .trim()
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, MAX_STATUS_CODE)
    .replace(/_+$/, '');
}

/** Words for a status value this add-on does not know: Keap's code, after a fixed prefix. */
export const UNKNOWN_STATUS_PREFIX = 'Keap status ';

/** The Keap Email Status cell. Pure. */
export function keapStatusWords(facts: KeapStatusFacts): string {
  const status = facts.status === null ? '' : statusCode(facts.status);
  // No status, or a blank one: Keap has said nothing about the address.
  if (status === '') return NOT_IN_KEAP_EMAILS;
  // The record's day is credited only while Keap still shows the kind of opt-out the add-on
  // made: after a re-subscription and another opt-out by someone else, Keap's word is shown.
  const byAddOn = facts.optedOutByAddOnOn !== null && status === ADD_ON_OPT_OUT_STATUS;
  const words = byAddOn
    ? `Opted out by this add-on on ${facts.optedOutByAddOnOn}`
    : (KEAP_STATUS_WORDS[status] ?? `${UNKNOWN_STATUS_PREFIX}${status}`);
  // The add-on never opts anyone back in: a row that does not ask for the opt-out is told.
  if (facts.optedOut && !facts.optOutTicked) return `${words}${NOT_TICKED}`;
  return words;
}

/**
 * Added to the last run's message of a daily-limit stop whose next part was withdrawn
 * (progress.ts lastRunWithoutNextPart): its "rows continue after …" no longer holds.
 */
export const NO_NEXT_PART_NOTE =
  'Nothing continues it by itself now (Keap was disconnected, or no trigger is set to continue it): it goes on once its starter syncs again after the reset.';

// ---------------------------------------------------------------------------------------------
// The sheet's setup problems (src/sheet/setupError.ts): a tab or a column the sync needs.

/** Words for a problem with the spreadsheet's layout, for the person who owns it. */
export function sheetSetupWords(problem: SheetSetupProblem): string {
  switch (problem.kind) {
    case 'no-such-tab':
      return `There is no tab named '${problem.tab}' in this spreadsheet.`;
    case 'own-tab':
      return `'${problem.tab}' is the add-on's own tab, not a tab of contacts. Choose the tab that holds your contacts.`;
    case 'no-tab':
      return 'This spreadsheet has no tab to sync.';
    case 'nothing-to-sync':
      return `Row 1 of the '${problem.tab}' tab has neither an '${problem.email}' nor an '${problem.optOut}' column, so there is nothing to sync.`;
    case 'nobody-to-match':
      return (
        `Row 1 of the '${problem.tab}' tab has neither a '${problem.contactId}' nor an '${problem.email}' column, ` +
        `so no row says whom to opt out. Add one of them (without a '${problem.contactId}' column, ` +
        `rows are matched by email).`
      );
    case 'written-column':
      return (
        `The '${problem.label}' column is set to '${problem.header}', a column this add-on writes itself, ` +
        `so a sync would write over what is typed there. Nothing was synced: choose another ` +
        `column for '${problem.label}' in the settings.`
      );
    default: {
      const unknown: never = problem;
      throw new Error(`unknown sheet setup problem ${JSON.stringify(unknown)}`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The settings form's checks (src/sync/settings.ts).

/** Words for settings the form sent that are not kept, said beside the form. */
export function settingsProblemWords(problem: SettingsProblem): string {
  switch (problem.kind) {
    case 'keap-email-status-not-on-or-off':
      return 'The Keap Email Status choice must be on or off.';
    case 'tab-name-not-text':
      return 'The tab name must be text.';
    case 'tab-name-too-long':
      return 'The tab name is too long.';
    case 'header-without-letters':
      return `The header name for '${problem.label}' must contain letters or digits.`;
    case 'header-too-long':
      return `The header name for '${problem.label}' is too long.`;
    case 'header-is-written-column':
      return `'${problem.header}' is a column the add-on writes itself; choose another column for '${problem.label}'.`;
    case 'same-header':
      return `'${problem.label}' and '${problem.other}' cannot use the same header name.`;
    case 'column-missing':
      return `Row 1 of the '${problem.tab}' tab has no '${problem.header}' column (chosen for '${problem.label}').`;
    default: {
      const unknown: never = problem;
      throw new Error(`unknown settings problem ${JSON.stringify(unknown)}`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// A row's input problems (src/sheet/cellParsers.ts, rowParsing.ts; src/sync/duplicates.ts).

/** A short, quoted form of a cell as typed ("a date" for a date). */
function quotedCell(cell: CellValue): string {
  const text = isDate(cell) ? 'a date' : String(cell).trim();
  const short = text.length > 40 ? `${text.slice(0, 37)}...` : text;
  return isDate(cell) ? short : `'${short}'`;
}

function listRows(rows: readonly number[]): string {
  if (rows.length === 1) return `row ${rows[0]}`;
  return `rows ${rows.slice(0, -1).join(', ')} and ${rows[rows.length - 1]}`;
}

/** Words for why a row's input cannot be synced, said in its status (joined with "; "). */
export function rowInputWords(problem: RowInputProblem): string {
  switch (problem.kind) {
    case 'missing':
      return problem.field === 'contactId' ? 'Contact ID is missing' : 'Email is missing';
    case 'formula-error': {
      const label = SYNCED_FIELDS.find((field) => field.key === problem.field)?.label;
      return `the ${label} cell shows a formula error (${problem.error})`;
    }
    case 'contact-id-not-whole':
      return `Contact ID must be a whole number (got ${quotedCell(problem.cell)})`;
    case 'contact-id-not-positive':
      return `Contact ID must be a positive whole number (got ${quotedCell(problem.cell)})`;
    case 'contact-id-too-large':
      return `Contact ID ${quotedCell(problem.cell)} is too large`;
    case 'email-not-text':
      return `${quotedCell(problem.cell)} is not an email address`;
    case 'email-invalid':
      return `${quotedCell(problem.cell)} is not a valid email address`;
    case 'email-too-long':
      return `the email is ${problem.length} characters long; Keap allows at most ${problem.max}`;
    case 'opt-out-not-yes-or-no':
      return `Opt Out must be yes or no (got ${quotedCell(problem.cell)})`;
    case 'contact-id-conflict':
      return `Contact ID ${problem.contactId} is also on ${listRows(problem.otherRows)} with different values`;
    default: {
      const unknown: never = problem;
      throw new Error(`unknown row input problem ${JSON.stringify(unknown)}`);
    }
  }
}
