/**
 * Small stand-ins for the Keap client's ports: a virtual clock, a scripted HTTP port, and a
 * gateway built over both.
 */
import type { Clock } from '../../../src/keap/clock';
import { OAUTH_RATE_LIMITS } from '../../../src/keap/config';
import { createKeapGateway } from '../../../src/keap/gateway';
import type { HttpPort, HttpRequest, HttpResponse } from '../../../src/keap/httpPort';
import type { RequestAuth } from '../../../src/keap/requestRunner';

export class FakeClock implements Clock {
  slept: number[] = [];
  constructor(public time = Date.UTC(2026, 0, 5, 7, 0, 0)) {}
  now(): number {
    return this.time;
  }
  sleep(ms: number): void {
    this.slept.push(ms);
    this.time += ms;
  }
}

/** Thrown by a handler to simulate a request that got no HTTP answer. */
export class NoAnswer extends Error {}

export type Handler = (request: HttpRequest) => HttpResponse;

/**
 * An HTTP port whose answers come from `handler`. Like UrlFetchApp.fetchAll, a batch
 * throws when any request in it got no answer. Every call is logged with its time.
 */
export class ScriptedHttp implements HttpPort {
  readonly sent: Array<{ at: number; request: HttpRequest; via: 'fetchAll' | 'fetch' }> = [];
  readonly batches: number[] = [];
  constructor(
    private readonly clock: FakeClock,
    private readonly handler: Handler,
    private readonly latencyMs = 50,
  ) {}

  fetchAll(requests: HttpRequest[]): HttpResponse[] {
    this.batches.push(requests.length);
    const at = this.clock.now();
    let failed = false;
    const answers = requests.map((request) => {
      this.sent.push({ at, request, via: 'fetchAll' });
      try {
        return this.handler(request);
      } catch (error) {
        if (!(error instanceof NoAnswer)) throw error;
        failed = true;
        return null;
      }
    });
    this.clock.time += this.latencyMs;
    if (failed) throw new Error('Exception: Address unavailable');
    return answers as HttpResponse[];
  }

  fetch(request: HttpRequest): HttpResponse {
    this.sent.push({ at: this.clock.now(), request, via: 'fetch' });
    this.clock.time += this.latencyMs;
    try {
      return this.handler(request);
    } catch (error) {
      if (error instanceof NoAnswer) {
        throw new Error('Exception: Address unavailable', { cause: error });
      }
      throw error;
    }
  }
}

export function json(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): HttpResponse {
  return {
    status,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  };
}

/** Credentials that never change: for tests that are not about authentication. */
const fixedAuth: RequestAuth = {
  headers: () => ({ Authorization: 'Bearer t' }),
  recoverFromRejection: () => false,
  rejectionProblem: () => ({ kind: 'recorded', text: 'gone', instructs: true }),
};

/** A gateway with OAuth limits over a scripted Keap, on a virtual clock. */
export function scriptedGateway(
  handler: Handler,
  options: { deadlineInMs?: number; tokenRefreshes?: number } = {},
) {
  const clock = new FakeClock();
  const http = new ScriptedHttp(clock, handler);
  const gateway = createKeapGateway({
    http,
    clock,
    auth: fixedAuth,
    limits: OAUTH_RATE_LIMITS,
    deadline: clock.now() + (options.deadlineInMs ?? 300000),
    tokenRefreshes: () => options.tokenRefreshes ?? 0,
  });
  return { clock, http, gateway };
}
