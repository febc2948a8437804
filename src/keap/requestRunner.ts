/**
 * Sends Keap requests: parallel batches through fetchAll, paced, with bounded retries on
 * 429/5xx/network faults, one credential recovery after a 401, and a deadline after which
 * no new request starts. It knows nothing of what the requests mean; callers interpret the
 * outcomes. The one distinction it makes: a GET may be sent again after a network fault, a
 * write (any other method) never is, because Keap may already have applied it. With a
 * DailyQuota it also stops sending when Keap's daily quota runs low or is spent (unsent
 * requests come back 'not-sent', a 429 for the spent quota too: Keap did not apply it).
 */
import type { Clock } from './clock';
import type { RetryLimits } from './config';
import { isQuotaRefusal, type DailyQuota } from './dailyQuota';
import type { HttpMethod, HttpPort, HttpRequest, HttpResponse } from './httpPort';
import type { ConnectionProblem } from './failure';
import { KeapAccessError } from './model';
import type { Pacer } from './pacing';
import { classifyStatus, retryDelayMs } from './retryPolicy';

export interface KeapRequest {
  method: HttpMethod;
  url: string;
  /** Extra headers (Accept, ...); the credentials are added by the runner. */
  headers?: Record<string, string>;
  contentType?: string;
  body?: string;
}

/** How the runner authenticates requests; OAuth and API keys each implement it. */
export interface RequestAuth {
  /** Headers that authenticate the next batch (an expiring token is refreshed first). */
  headers(): Record<string, string>;
  /**
   * Keap answered 401 to requests sent with `used`. Returns true when retrying them once
   * with fresh `headers()` is worth it (for OAuth: after the rotation-safe refresh).
   */
  recoverFromRejection(used: Record<string, string>): boolean;
  /** Why Keap keeps refusing the credentials; the runner throws it as KeapAccessError. */
  rejectionProblem(): ConnectionProblem;
}

export type RequestOutcome =
  /** Keap's final answer: success, a refusal, or a 429/5xx that outlasted the retries. */
  | { kind: 'answered'; response: HttpResponse }
  /** No HTTP answer, even after the retries (reads only). */
  | { kind: 'unreachable' }
  /**
   * A write that got no HTTP answer: Keap may or may not have applied it. The runner does not
   * send it again; the caller finds out from Keap's state (src/keap/writeRecovery.ts).
   */
  | { kind: 'unconfirmed' }
  /** The deadline came before the request was ever sent. */
  | { kind: 'not-sent' };

export interface RunResult {
  outcomes: RequestOutcome[];
  /** HTTP requests that left this execution (retries included). */
  sent: number;
}

export interface RunnerDeps {
  http: HttpPort;
  clock: Clock;
  pacer: Pacer;
  auth: RequestAuth;
  retry: RetryLimits;
  /** Largest fetchAll batch (the per-second limit is a natural choice). */
  maxBatch: number;
  /** Keap's daily quota as the answers report it; without it, the runner ignores the quota. */
  quota?: DailyQuota;
}

interface RequestState {
  request: KeapRequest;
  notBefore: number;
  throttleRetries: number;
  faultRetries: number;
  reauthorized: boolean;
  last: RequestOutcome | null;
}

type Answer = HttpResponse | 'unreachable' | 'unconfirmed';

export class RequestRunner {
  constructor(private readonly deps: RunnerDeps) {}

  /**
   * Runs every request to a final outcome, in request order. `deadline` (epoch ms): no
   * request starts after it; unsent ones come back 'not-sent'. `inFlight`: the requests
   * finish work already sent (a read-back), so they may use the quota's reserve. Throws
   * KeapAccessError when Keap keeps refusing the credentials.
   */
  run(requests: KeapRequest[], deadline?: number, inFlight = false): RunResult {
    const { clock, pacer, auth, maxBatch, quota } = this.deps;
    const states: RequestState[] = requests.map((request) => ({
      request,
      notBefore: 0,
      throttleRetries: 0,
      faultRetries: 0,
      reauthorized: false,
      last: null,
    }));
    const outcomes: Array<RequestOutcome | undefined> = new Array(requests.length);
    // Pending requests, in request order: those from `first` on whose outcome is still
    // unset. A finished request is passed over, never taken out: taking it out (or scanning
    // every pending request) for each batch made a run of n requests cost n²/maxBatch.
    let first = 0;
    let pendingCount = requests.length;
    const counter = { sent: 0 };
    const settle = (index: number, outcome: RequestOutcome): void => {
      outcomes[index] = outcome;
      pendingCount -= 1;
    };
    const stopAll = (): void => {
      for (let index = first; index < states.length; index++) {
        if (outcomes[index] === undefined)
          settle(index, states[index].last ?? { kind: 'not-sent' });
      }
    };
    /** The quota is spent or kept for work in flight: nothing pending was applied by Keap. */
    const stopForQuota = (): void => {
      for (let index = first; index < states.length; index++) {
        if (outcomes[index] === undefined) settle(index, { kind: 'not-sent' });
      }
    };

    while (pendingCount > 0) {
      while (outcomes[first] !== undefined) first += 1;
      const now = clock.now();
      if (deadline !== undefined && now >= deadline) {
        stopAll();
        break;
      }
      // The first maxBatch pending requests that may be sent now, and the earliest time one
      // that may not can be.
      const ready: number[] = [];
      let next = Infinity;
      for (let index = first; index < states.length && ready.length < maxBatch; index++) {
        if (outcomes[index] !== undefined) continue;
        const notBefore = states[index].notBefore;
        if (notBefore <= now) ready.push(index);
        else if (notBefore < next) next = notBefore;
      }
      if (ready.length === 0) {
        if (deadline !== undefined && next >= deadline) {
          stopAll();
          break;
        }
        clock.sleep(next - now);
        continue;
      }
      const wanted = ready.length;
      if (quota && !quota.allows(wanted, now, inFlight)) {
        stopForQuota();
        break;
      }
      const allowed = pacer.take(wanted);
      if (deadline !== undefined && clock.now() >= deadline) continue;
      const batch = ready.slice(0, allowed);
      const credentials = auth.headers();
      const answers = this.send(
        batch.map((index) => withCredentials(states[index].request, credentials)),
        counter,
      );
      const answerHeaders = answers.filter(isResponse).map((response) => response.headers);
      pacer.observe(answerHeaders);
      quota?.observe(answerHeaders, clock.now());

      const rejected: number[] = [];
      const answeredAt = clock.now();
      answers.forEach((answer, position) => {
        const index = batch[position];
        const state = states[index];
        const step = this.nextStep(state, answer);
        if (step === 'unauthorized') {
          if (state.reauthorized) throw new KeapAccessError(auth.rejectionProblem());
          rejected.push(index);
        } else if (step === 'final') {
          settle(index, state.last ?? { kind: 'unreachable' });
        } else {
          state.notBefore = answeredAt + step;
        }
      });
      if (answers.some((answer) => isResponse(answer) && answer.status === 429)) {
        pacer.noteThrottled();
      }
      if (rejected.length > 0) {
        if (!auth.recoverFromRejection(credentials)) {
          throw new KeapAccessError(auth.rejectionProblem());
        }
        for (const index of rejected) states[index].reauthorized = true;
      }
    }
    return { outcomes: outcomes as RequestOutcome[], sent: counter.sent };
  }

  /** 'final', 'unauthorized', or the wait in ms before the next try. */
  private nextStep(state: RequestState, answer: Answer): 'final' | 'unauthorized' | number {
    const limits = this.deps.retry;
    if (answer === 'unconfirmed') {
      state.last = { kind: 'unconfirmed' };
      return 'final';
    }
    if (answer === 'unreachable') {
      state.last = { kind: 'unreachable' };
      state.faultRetries += 1;
      return retryDelayMs('network', state.faultRetries, limits) ?? 'final';
    }
    if (this.deps.quota && isQuotaRefusal(answer.status, answer.headers, this.deps.clock.now())) {
      // Retrying cannot help before the reset: the runner stops (see run) and Keap applied nothing.
      this.deps.quota.noteSpent(answer.headers, this.deps.clock.now());
      state.last = { kind: 'not-sent' };
      return 'final';
    }
    state.last = { kind: 'answered', response: answer };
    switch (classifyStatus(answer.status)) {
      case 'unauthorized':
        return 'unauthorized';
      case 'throttled':
        state.throttleRetries += 1;
        return (
          retryDelayMs('throttled', state.throttleRetries, limits, answer.headers['retry-after']) ??
          'final'
        );
      case 'server':
        state.faultRetries += 1;
        return retryDelayMs('server', state.faultRetries, limits) ?? 'final';
      default:
        return 'final';
    }
  }

  /**
   * fetchAll throws when any request of the batch got no answer, which hides the others'
   * answers, and some of them may have reached Keap. Reads are sent again one by one to find
   * which one failed; writes are not sent again (they come back 'unconfirmed').
   */
  private send(requests: HttpRequest[], counter: { sent: number }): Answer[] {
    const { http, pacer } = this.deps;
    counter.sent += requests.length;
    try {
      return http.fetchAll(requests);
    } catch {
      return requests.map((request) => {
        if (!isRepeatable(request)) return 'unconfirmed' as const;
        pacer.take(1);
        counter.sent += 1;
        try {
          return http.fetch(request);
        } catch {
          return 'unreachable' as const;
        }
      });
    }
  }
}

/** Only reads are safe to send twice: the product never sends a write twice. */
function isRepeatable(request: HttpRequest): boolean {
  return request.method === 'get';
}

function isResponse(answer: Answer): answer is HttpResponse {
  return answer !== 'unreachable' && answer !== 'unconfirmed';
}

function withCredentials(request: KeapRequest, credentials: Record<string, string>): HttpRequest {
  const sent: HttpRequest = {
    method: request.method,
    url: request.url,
    headers: { ...(request.headers ?? {}), ...credentials },
  };
  if (request.contentType !== undefined) sent.contentType = request.contentType;
  if (request.body !== undefined) sent.body = request.body;
  return sent;
}
