/**
 * Opting an email out of Keap marketing: the one place that knows how.
 *
 * Keap shuts XML-RPC (APIEmailService.optOut, the only documented opt-out) down for good on
 * 2026-12-31, and browns it out for hours or days before that. So an opt-out goes first
 * through REST v2 `PATCH /v2/emailAddresses/{email}/status` with `opted_in: false` and the
 * reason. Keap documents that PATCH for opting in only; whether it opts out, and which status
 * it leaves, is unconfirmed (shared/keap/README.md "REST v2 replacement"). So no answer is
 * taken on trust: an opt-out is done only when a read of the address's status shows it
 * opted out. When REST refused it or it changed nothing, and XML-RPC is still in service
 * (before XML_RPC_SUNSET_MS, and not found down in this execution), XML-RPC optOut is tried
 * and checked the same way. What Keap still does not show opted out is said so on the row
 * and tried again by the next run.
 */
import { KEAP_REST_V2_BASE, KEAP_XML_RPC_URL, XML_RPC_SUNSET_MS } from './config';
import type { HttpResponse } from './httpPort';
import type { AnswerFailure, KeapShows, RefusalFailure, WriteFailure } from './failure';
import { answerFailure, isSuccess } from './keapErrors';
import {
  KeapUnavailableError,
  type EmailOptState,
  type KeapWrite,
  type WriteResult,
} from './model';
import type { KeapRequest, RequestOutcome } from './requestRunner';

import { decodeMethodResponse, encodeMethodCall } from './xmlRpc';

/**
 * Statuses in which Keap will not send marketing email because the person opted out or the
 * address is blocked (bounces, spam complaints, admin lockdown, ...). An email in one of them
 * is already where an opt-out would put it, so the sync leaves it alone.
 * NON_MARKETABLE and UNENGAGED_NON_MARKETABLE are left out on purpose: they mean "no consent
 * on file yet", not "opted out", so a requested opt-out still has to be recorded for them.
 */
export const OPTED_OUT_STATUSES: ReadonlySet<string> = new Set([
  'LOCKDOWN',
  'BOUNCE',
  'HARD_BOUNCE',
  'MANUAL',
  'ADMIN',
  'SYSTEM',
  'LIST_UNSUBSCRIBE',
  'FEEDBACK',
  'SPAM',
  'INVALID',
  'DEACTIVATED',
]);

export function isOptedOutStatus(status: string): boolean {
  return OPTED_OUT_STATUSES.has(status.trim().toUpperCase());
}

/** False from 2027-01-01T00:00Z on: Keap has shut XML-RPC down and the add-on never calls it. */
export function isXmlRpcInService(now: number): boolean {
  return now < XML_RPC_SUNSET_MS;
}

/**
 * XML-RPC still takes the legacy API key as first parameter; with OAuth or a PAT/SAK its value
 * is not checked (Keap's PHP SDK sends a placeholder too). It is never a real key.
 */
const PRIVATE_KEY_PLACEHOLDER = 'not-used-with-oauth';
const DEFAULT_REASON = 'Opted out from Keap Sheets Sync';

function reasonOf(reason: string): string {
  return reason.trim() === '' ? DEFAULT_REASON : reason.trim();
}

/** The email as one path segment: `+`, `/`, `%`, `?`, `#` and non-ASCII letters all encoded. */
function emailPathSegment(email: string): string {
  return encodeURIComponent(email.trim());
}

/** REST v2 updateEmailAddressOptStatus with opted_in:false (schema UpdateEmailAddress). */
export function restOptOutRequest(email: string, reason: string): KeapRequest {
  return {
    method: 'patch',
    url: `${KEAP_REST_V2_BASE}/emailAddresses/${emailPathSegment(email)}/status`,
    headers: { Accept: 'application/json' },
    contentType: 'application/json',
    body: JSON.stringify({ opted_in: false, reason: reasonOf(reason) }),
  };
}

/** XML-RPC APIEmailService.optOut(privateKey, email, reason): the fallback until the sunset. */
export function xmlRpcOptOutRequest(email: string, reason: string): KeapRequest {
  return {
    method: 'post',
    url: KEAP_XML_RPC_URL,
    headers: { Accept: 'text/xml' },
    contentType: 'text/xml',
    body: encodeMethodCall('APIEmailService.optOut', [
      PRIVATE_KEY_PLACEHOLDER,
      email.trim(),
      reasonOf(reason),
    ]),
  };
}

/** How one opt-out request ended, before Keap's status is read back. */
export type AttemptAnswer =
  /** Keap answered as if it did it (to be checked). */
  | { kind: 'accepted' }
  /** Keap answered that it would not (a 4xx, an XML-RPC fault or `false`), in its words if any. */
  | { kind: 'refused'; keapMessage: string | null }
  /** A 2xx answer of no readable form: tried again, never taken as a refusal. */
  | { kind: 'unreadable' }
  /** The opt-out service is down (brownout, shutdown page, 5xx, network error). */
  | { kind: 'unavailable' }
  /** Throttled, a REST server error or no answer after the retries: the next run tries again. */
  | { kind: 'busy'; failure: AnswerFailure }
  /** Not sent before the execution's deadline. */
  | { kind: 'not-sent' };

function isHtml(response: HttpResponse): boolean {
  const type = Object.entries(response.headers).find(
    ([name]) => name.toLowerCase() === 'content-type',
  );
  return /html/i.test(type?.[1] ?? '') || /^\s*(<!doctype html|<html)/i.test(response.body);
}

/** How a REST opt-out ended: never 'unreadable' or 'unavailable' (those are XML-RPC's). */
export type RestAttempt = Extract<
  AttemptAnswer,
  { kind: 'accepted' | 'refused' | 'busy' | 'not-sent' }
>;

/** REST: any 2xx is "accepted" (its body is not needed: the status is read back anyway). */
export function readRestAttempt(outcome: RequestOutcome): RestAttempt {
  if (isSuccess(outcome)) return { kind: 'accepted' };
  if (outcome.kind === 'not-sent') return { kind: 'not-sent' };
  const failure = answerFailure(outcome);
  return isRefusal(failure)
    ? { kind: 'refused', keapMessage: failure.keapMessage }
    : { kind: 'busy', failure };
}

/**
 * XML-RPC: true is "accepted"; false or a fault is a refusal; 404/410/5xx, an HTML page or no
 * answer at all means the service is down (a brownout, or XML-RPC already switched off).
 */
export function readXmlRpcAttempt(outcome: RequestOutcome): AttemptAnswer {
  if (outcome.kind === 'not-sent') return { kind: 'not-sent' };
  if (outcome.kind !== 'answered') return { kind: 'unavailable' };
  const { response } = outcome;
  if (response.status === 404 || response.status === 410 || response.status >= 500) {
    return { kind: 'unavailable' };
  }
  if (isHtml(response)) return { kind: 'unavailable' };
  if (!isSuccess(outcome)) {
    const failure = answerFailure(outcome);
    return isRefusal(failure)
      ? { kind: 'refused', keapMessage: failure.keapMessage }
      : { kind: 'unavailable' };
  }
  let answer;
  try {
    answer = decodeMethodResponse(response.body);
  } catch {
    // Whatever went wrong reading it (bad XML, a character reference out of range, ...),
    // one unreadable answer is one row to retry, never the end of the run.
    return { kind: 'unreadable' };
  }
  if (answer.kind === 'fault') {
    return { kind: 'refused', keapMessage: answer.message.slice(0, 200) };
  }
  if (answer.value === true) return { kind: 'accepted' };
  return { kind: 'refused', keapMessage: null };
}

/** Keap said no (a 4xx): not worth another try by itself, unlike throttling, 5xx or no answer. */
function isRefusal(failure: AnswerFailure): failure is RefusalFailure {
  switch (failure.kind) {
    case 'not-found':
    case 'forbidden':
    case 'refused':
      return true;
    case 'not-sent':
    case 'unreachable':
    case 'unconfirmed':
    case 'throttled':
    case 'server-error':
      return false;
    default:
      return failure satisfies never;
  }
}

function keapShows(email: string, state: EmailOptState | undefined): KeapShows {
  return { email, status: state ? state.status : null };
}

export interface OptOutDeps {
  /** Sends XML-RPC optOut for each write at most once (writeRecovery); one answer per write. */
  sendXmlRpc(writes: OptOutWrite[]): AttemptAnswer[];
  /** One batched status read; throws KeapUnavailableError when Keap cannot be read. */
  readOptStates(emails: string[]): Map<string, EmailOptState>;
  now(): number;
  /** Set once XML-RPC was found down in this execution: it is not called again. */
  xmlRpc: { down: boolean };
}

export type OptOutWrite = Extract<KeapWrite, { kind: 'optOut' }>;

/**
 * An address as the add-on compares it, everywhere: trimmed and lower-cased (as the sheet's
 * emails are, src/sheet/rowParsing.ts parseEmail), so Keap's answers match the rows' addresses.
 */
export function normalEmail(email: string): string {
  return email.trim().toLowerCase();
}

function failed(failure: WriteFailure): WriteResult {
  return { ok: false, failure };
}

/** Keap's status of these emails, or null when it cannot be read now. */
function readBack(deps: OptOutDeps, writes: OptOutWrite[]): Map<string, EmailOptState> | null {
  if (writes.length === 0) return new Map();
  try {
    return deps.readOptStates([...new Set(writes.map((w) => normalEmail(w.email)))]);
  } catch (error) {
    if (error instanceof KeapUnavailableError) return null;
    throw error;
  }
}

/**
 * Settles opt-outs whose REST PATCH (restOptOutRequest) got `restAnswers`, one result per
 * write, in order: ok only for an address Keap then shows opted out. Costs one batched status
 * read per call and, only for what REST did not do (before the sunset), one XML-RPC call per
 * email and one more batched read.
 */
export function confirmOptOuts(
  writes: OptOutWrite[],
  restAnswers: RestAttempt[],
  deps: OptOutDeps,
): WriteResult[] {
  const results = new Array<WriteResult>(writes.length);

  // REST accepted or refused: read back what Keap shows (one batched read for the call).
  const toCheck: number[] = [];
  restAnswers.forEach((answer, i) => {
    if (answer.kind === 'accepted' || answer.kind === 'refused') toCheck.push(i);
    else results[i] = settleUnchecked(answer);
  });
  const states = readBack(
    deps,
    toCheck.map((i) => writes[i]),
  );
  if (states === null) {
    for (const i of toCheck) results[i] = failed({ kind: 'opt-out-unconfirmed' });
    return results;
  }
  const notDone = toCheck.filter((i) => {
    if (states.get(normalEmail(writes[i].email))?.optedOut === true) {
      results[i] = { ok: true };
      return false;
    }
    return true;
  });
  if (notDone.length === 0) return results;

  if (!isXmlRpcInService(deps.now()) || deps.xmlRpc.down) {
    for (const i of notDone) results[i] = finalWords(writes[i], states, deps);
    return results;
  }

  // The fallback, while Keap still runs XML-RPC.
  const fallback = notDone.map((i) => writes[i]);
  const xmlAnswers = deps.sendXmlRpc(fallback);
  if (xmlAnswers.some((answer) => answer.kind === 'unavailable')) deps.xmlRpc.down = true;
  // Every answer Keap gave may have done it, even one the add-on could not read: read back.
  const answered = notDone.filter((_, k) =>
    ['accepted', 'refused', 'unreadable'].includes(xmlAnswers[k].kind),
  );
  const after = readBack(
    deps,
    answered.map((i) => writes[i]),
  );
  notDone.forEach((i, k) => {
    const answer = xmlAnswers[k];
    const email = writes[i].email;
    const readAgain = answered.includes(i);
    if (readAgain && after === null) {
      results[i] = failed({ kind: 'opt-out-unconfirmed' });
      return;
    }
    const state = (readAgain && after !== null ? after : states).get(normalEmail(email));
    if (readAgain && state?.optedOut === true) {
      results[i] = { ok: true };
      return;
    }
    const shows = keapShows(email, state);
    if (answer.kind === 'unavailable') {
      results[i] = failed({ kind: 'opt-out-unavailable', shows });
    } else if (answer.kind === 'unreadable') {
      results[i] = failed({ kind: 'opt-out-unreadable', shows });
    } else if (answer.kind === 'accepted' || answer.kind === 'refused') {
      results[i] = notDoneResult(shows);
    } else {
      results[i] = settleUnchecked(answer);
    }
  });
  return results;
}

/** REST did not do it and XML-RPC is not to be called (sunset) or already found down. */
function finalWords(
  write: OptOutWrite,
  states: Map<string, EmailOptState>,
  deps: OptOutDeps,
): WriteResult {
  const shows = keapShows(write.email, states.get(normalEmail(write.email)));
  if (isXmlRpcInService(deps.now()) && deps.xmlRpc.down) {
    return failed({ kind: 'opt-out-unavailable', shows });
  }
  return notDoneResult(shows);
}

function notDoneResult(shows: KeapShows): WriteResult {
  return failed({ kind: 'opt-out-not-done', shows });
}

function settleUnchecked(
  answer: Extract<AttemptAnswer, { kind: 'not-sent' | 'busy' }>,
): WriteResult {
  return failed(answer.kind === 'busy' ? answer.failure : { kind: 'not-sent' });
}
