/**
 * The Keap client the sync plans against (KeapGateway): batched reads, paced parallel writes
 * that never reach Keap twice (writeRecovery.ts), and request counts. Credentials come in as
 * a RequestAuth; HTTP and time as ports.
 */
import type { Clock } from './clock';
import { RETRY_LIMITS, type RateLimits, type RetryLimits } from './config';
import {
  contactPatchRequest,
  contactReadRequests,
  parseContactPage,
  sameContact,
} from './contactsApi';
import { findByEmail } from './contactSearchRead';
import { DailyQuota } from './dailyQuota';
import { emailStatusRequests, parseEmailStatusPage, sameOptState } from './emailStatusApi';
import type { HttpPort, HttpResponse } from './httpPort';
import { answerFailure, isSuccess } from './keapErrors';
import {
  KeapDailyLimitError,
  KeapUnavailableError,
  type EmailOptState,
  type KeapContact,
  type KeapGateway,
  type KeapRequestCounts,
  type KeapWrite,
  type WriteResult,
  unknownWriteKind,
} from './model';
import {
  confirmOptOuts,
  normalEmail,
  readRestAttempt,
  readXmlRpcAttempt,
  restOptOutRequest,
  xmlRpcOptOutRequest,
  type AttemptAnswer,
  type OptOutWrite,
  type RestAttempt,
} from './optOut';
import { Pacer } from './pacing';
import {
  RequestRunner,
  type KeapRequest,
  type RequestAuth,
  type RequestOutcome,
} from './requestRunner';
import { UnreadableAnswerError, withPageToken, type Page } from './restPaging';
import { UrlTooLongError } from './urlChunks';
import { applyWritesAtMostOnce } from './writeRecovery';

export interface GatewayOptions {
  http: HttpPort;
  clock: Clock;
  auth: RequestAuth;
  limits: RateLimits;
  /** Epoch ms: writes not started by then come back unattempted. */
  deadline: number;
  /** Token refreshes done by this execution so far. */
  tokenRefreshes: () => number;
  retry?: RetryLimits;
}

/** A list read follows next_page_token at most this often per group (a guard against loops). */
const MAX_PAGES_PER_GROUP = 50;

export function createKeapGateway(options: GatewayOptions): KeapGateway {
  const pacer = new Pacer(options.limits, options.clock);
  const quota = new DailyQuota();
  const retry = options.retry ?? RETRY_LIMITS;
  const runner = new RequestRunner({
    http: options.http,
    clock: options.clock,
    pacer,
    auth: options.auth,
    retry,
    maxBatch: options.limits.perSecond,
    quota,
  });
  const counts = { reads: 0, writes: 0 };
  /** XML-RPC found down (brownout, shutdown) in this execution: not called again. */
  const xmlRpc = { down: false };

  /**
   * Runs list requests page after page and returns every item; throws if Keap cannot answer
   * (KeapDailyLimitError when the daily quota stopped them). `inFlight`: the read finishes
   * work already sent, so it may use the quota's reserve.
   */
  function readAllPages<T>(
    firstPages: KeapRequest[],
    parse: (body: string) => Page<T>,
    what: string,
    inFlight: boolean,
  ): T[] {
    const items: T[] = [];
    let requests = firstPages;
    for (let page = 0; requests.length > 0; page += 1) {
      if (page >= MAX_PAGES_PER_GROUP) {
        throw new KeapUnavailableError({ kind: 'kept-paging' }, what);
      }
      const { outcomes, sent } = runner.run(requests, undefined, inFlight);
      counts.reads += sent;
      const quotaStop = quota.stoppedUntil();
      if (quotaStop !== null && outcomes.some((outcome) => outcome.kind === 'not-sent')) {
        throw new KeapDailyLimitError(quotaStop);
      }
      const next: KeapRequest[] = [];
      outcomes.forEach((outcome, index) => {
        const result = parse(requireSuccess(outcome, what).body);
        items.push(...result.items);
        if (result.nextPageToken !== null) {
          next.push(withPageToken(requests[index], result.nextPageToken));
        }
      });
      requests = next;
    }
    return items;
  }

  function guardedRead<T>(what: string, read: () => T): T {
    try {
      return read();
    } catch (error) {
      if (error instanceof UnreadableAnswerError) {
        throw new KeapUnavailableError({ kind: 'unreadable' }, what);
      }
      if (error instanceof UrlTooLongError) {
        throw new KeapUnavailableError({ kind: 'too-long' }, what);
      }
      throw error;
    }
  }

  /**
   * Reads the wanted keys in batched list requests; whatever else Keap sends is dropped. With
   * `agree`, a key answered twice (pages that overlap) must be answered alike, or the whole
   * answer is unreadable: neither copy is known to be the whole truth.
   */
  function readByKey<K, T>(
    wanted: Set<K>,
    what: string,
    requestsFor: (keys: K[]) => KeapRequest[],
    parse: (body: string) => Page<T>,
    keyOf: (item: T) => K,
    inFlight: boolean,
    agree?: (a: T, b: T) => boolean,
  ): Map<K, T> {
    const found = new Map<K, T>();
    if (wanted.size === 0) return found;
    const items = guardedRead(what, () =>
      readAllPages(requestsFor([...wanted]), parse, what, inFlight),
    );
    for (const item of items) {
      const key = keyOf(item);
      if (!wanted.has(key)) continue;
      const earlier = found.get(key);
      if (agree && earlier !== undefined && !agree(earlier, item)) {
        throw new KeapUnavailableError({ kind: 'unreadable' }, what);
      }
      found.set(key, item);
    }
    return found;
  }

  function readContacts(ids: number[], inFlight: boolean): Map<number, KeapContact> {
    const wanted = new Set(ids.filter((id) => Number.isSafeInteger(id) && id > 0));
    return readByKey(
      wanted,
      'contacts',
      contactReadRequests,
      parseContactPage,
      (c) => c.id,
      inFlight,
      sameContact,
    );
  }

  function readOptStates(emails: string[], inFlight: boolean): Map<string, EmailOptState> {
    const wanted = new Set(emails.map(normalEmail).filter((email) => email !== ''));
    return readByKey(
      wanted,
      'email statuses',
      emailStatusRequests,
      parseEmailStatusPage,
      (state) => state.email,
      inFlight,
      sameOptState,
    );
  }

  /** Reads that finish writes already sent (checks, read-backs): they may use the quota's reserve. */
  const inFlightReader = {
    readContacts: (ids: number[]) => readContacts(ids, true),
    readOptStates: (emails: string[]) => readOptStates(emails, true),
  };

  /**
   * Sends writes so none reaches Keap twice (writeRecovery.ts); one answer per write.
   * `inFlight`: the writes finish a change already sent (the XML-RPC fallback of an opt-out).
   */
  function sendAtMostOnce<R>(
    writes: KeapWrite[],
    requestOf: (write: KeapWrite) => KeapRequest,
    resultOf: (write: KeapWrite, outcome: RequestOutcome) => R,
    applied: (write: KeapWrite) => R,
    inFlight = false,
  ): R[] {
    return applyWritesAtMostOnce<R>(writes, {
      send: (batch) => {
        const { outcomes, sent } = runner.run(batch.map(requestOf), options.deadline, inFlight);
        counts.writes += sent;
        return outcomes;
      },
      reader: inFlightReader,
      resultOf,
      applied,
      clock: options.clock,
      deadline: options.deadline,
      retry,
    });
  }

  const gateway: KeapGateway = {
    readContacts: (ids) => readContacts(ids, false),

    readOptStates: (emails) => readOptStates(emails, false),

    findContactsByEmail: (emails) =>
      findByEmail(emails, (requests) =>
        guardedRead('contacts by email', () =>
          readAllPages(requests, parseContactPage, 'contacts by email', false),
        ),
      ),

    write(writes: KeapWrite[]): WriteResult[] {
      if (writes.length === 0) return [];
      // Email changes and REST opt-outs go out together in full batches; then the opt-outs
      // are read back (and, where REST did not do them, tried through XML-RPC) in optOut.ts.
      const first = sendAtMostOnce<FirstAnswer>(writes, writeRequest, firstAnswer, appliedAnswer);
      const optOutIndexes = writes.flatMap((write, i) => (readsBack(write) ? [i] : []));
      const confirmed = confirmOptOuts(
        optOutIndexes.map((i) => writes[i] as OptOutWrite),
        optOutIndexes.map((i) => first[i].attempt as RestAttempt),
        {
          sendXmlRpc: (fallback) =>
            sendAtMostOnce<AttemptAnswer>(
              fallback,
              (write) =>
                xmlRpcOptOutRequest((write as OptOutWrite).email, (write as OptOutWrite).reason),
              (_write, outcome) => readXmlRpcAttempt(outcome),
              () => ({ kind: 'accepted' }),
              true,
            ),
          readOptStates: inFlightReader.readOptStates,
          now: () => options.clock.now(),
          xmlRpc,
        },
      );
      const results = first.map((answer) => answer.result as WriteResult);
      optOutIndexes.forEach((index, k) => (results[index] = confirmed[k]));
      return results;
    },

    counts(): KeapRequestCounts {
      return { reads: counts.reads, writes: counts.writes, token: options.tokenRefreshes() };
    },

    dailyLimitResetsAt: () => quota.stoppedUntil(),
  };
  return gateway;
}

function writeRequest(write: KeapWrite): KeapRequest {
  switch (write.kind) {
    case 'setEmails':
      return contactPatchRequest(write.contactId, write);
    case 'optOut':
      return restOptOutRequest(write.email, write.reason);
    default:
      return unknownWriteKind(write);
  }
}

/** Whether the write is settled only after a read-back (an opt-out: optOut.ts). */
function readsBack(write: KeapWrite): boolean {
  switch (write.kind) {
    case 'optOut':
      return true;
    case 'setEmails':
      return false;
    default:
      return unknownWriteKind(write);
  }
}

/** An email change's result, or a REST opt-out's answer (settled after the read-back). */
type FirstAnswer =
  { result: WriteResult; attempt?: undefined } | { attempt: RestAttempt; result?: undefined };

function firstAnswer(write: KeapWrite, outcome: RequestOutcome): FirstAnswer {
  switch (write.kind) {
    case 'optOut':
      return { attempt: readRestAttempt(outcome) };
    case 'setEmails':
      if (isSuccess(outcome)) return { result: { ok: true } };
      return { result: { ok: false, failure: answerFailure(outcome) } };
    default:
      return unknownWriteKind(write);
  }
}

/** A write Keap shows applied already: done, or (an opt-out) to be read back like a sent one. */
function appliedAnswer(write: KeapWrite): FirstAnswer {
  switch (write.kind) {
    case 'setEmails':
      return { result: { ok: true } };
    case 'optOut':
      return { attempt: { kind: 'accepted' } };
    default:
      return unknownWriteKind(write);
  }
}

/** A read that did not succeed stops the run: the sync cannot plan without Keap's state. */
function requireSuccess(outcome: RequestOutcome, what: string): HttpResponse {
  if (isSuccess(outcome)) return outcome.response;
  throw new KeapUnavailableError(answerFailure(outcome), what);
}
