import { OAUTH_RATE_LIMITS, RETRY_LIMITS } from '../../../src/keap/config';
import { DailyQuota, QUOTA_RESERVE } from '../../../src/keap/dailyQuota';
import type { HttpRequest } from '../../../src/keap/httpPort';
import { KeapAccessError } from '../../../src/keap/model';
import { Pacer } from '../../../src/keap/pacing';
import { RequestRunner, type KeapRequest, type RequestAuth } from '../../../src/keap/requestRunner';
import { FakeClock, json, NoAnswer, ScriptedHttp, type Handler } from './fakes';

/** Bearer auth whose token Keap may reject; recovery swaps in a new token. */
class TestAuth implements RequestAuth {
  token = 'token-1';
  recoveries: string[] = [];
  constructor(private readonly canRecover = true) {}
  headers() {
    return { Authorization: `Bearer ${this.token}` };
  }
  recoverFromRejection(used: Record<string, string>) {
    this.recoveries.push(used.Authorization);
    if (!this.canRecover) return false;
    this.token = 'token-2';
    return true;
  }
  rejectionProblem() {
    return {
      kind: 'recorded' as const,
      text: 'Keap no longer accepts this connection.',
      instructs: true,
    };
  }
}

function setup(handler: Handler, auth: RequestAuth = new TestAuth()) {
  const clock = new FakeClock();
  const http = new ScriptedHttp(clock, handler);
  const runner = new RequestRunner({
    http,
    clock,
    pacer: new Pacer(OAUTH_RATE_LIMITS, clock),
    auth,
    retry: RETRY_LIMITS,
    maxBatch: OAUTH_RATE_LIMITS.perSecond,
  });
  return { clock, http, runner };
}

const get = (n: number): KeapRequest => ({ method: 'get', url: `https://keap.test/r/${n}` });
const idOf = (request: HttpRequest) => Number(request.url.split('/').pop());
const statuses = (outcomes: ReturnType<RequestRunner['run']>['outcomes']) =>
  outcomes.map((o) => (o.kind === 'answered' ? o.response.status : o.kind));

describe('RequestRunner', () => {
  it('sends requests in parallel batches of at most 24 and keeps answers in order', () => {
    const { http, runner } = setup((request) => json(200, { id: idOf(request) }));
    const { outcomes, sent } = runner.run(Array.from({ length: 60 }, (_, i) => get(i)));
    expect(http.batches).toEqual([24, 24, 12]);
    expect(sent).toBe(60);
    outcomes.forEach((outcome, i) => {
      expect(outcome.kind === 'answered' && JSON.parse(outcome.response.body).id).toBe(i);
    });
  });

  it('fills each batch with the first requests that may be sent, in order, while a busy one waits', () => {
    // Request 3 is busy (503) once: the batches go on with the later requests in order, and
    // it is sent again, alone, once its wait is over; nothing is sent twice or lost.
    let busy = true;
    const { http, runner } = setup((request) => {
      if (idOf(request) === 3 && busy) {
        busy = false;
        return json(503, {});
      }
      return json(200, { id: idOf(request) });
    });
    const { outcomes, sent } = runner.run(Array.from({ length: 100 }, (_, i) => get(i)));
    const order = http.sent.map((s) => idOf(s.request));
    expect(order.slice(0, 24)).toEqual(Array.from({ length: 24 }, (_, i) => i));
    expect(order.slice(24, 48)).toEqual(Array.from({ length: 24 }, (_, i) => 24 + i));
    expect(order.filter((id) => id === 3)).toHaveLength(2);
    expect([...order].sort((a, b) => a - b)).toEqual(
      [...Array.from({ length: 100 }, (_, i) => i), 3].sort((a, b) => a - b),
    );
    expect(sent).toBe(101);
    outcomes.forEach((outcome, i) => {
      expect(outcome.kind === 'answered' && JSON.parse(outcome.response.body).id).toBe(i);
    });
  });

  it('adds the credentials to every request', () => {
    const { http, runner } = setup(() => json(200, {}));
    runner.run([{ ...get(1), headers: { Accept: 'application/json' } }]);
    expect(http.sent[0].request.headers).toEqual({
      Accept: 'application/json',
      Authorization: 'Bearer token-1',
    });
  });

  it('retries a 5xx with growing waits and succeeds', () => {
    let calls = 0;
    const { clock, runner } = setup(() => (++calls <= 2 ? json(503, {}) : json(200, {})));
    const start = clock.now();
    const { outcomes, sent } = runner.run([get(1)]);
    expect(statuses(outcomes)).toEqual([200]);
    expect(sent).toBe(3);
    // Waited 1 s then 2 s before the retries.
    expect(clock.now() - start).toBeGreaterThanOrEqual(3000);
  });

  it('gives up on a 5xx after the bounded retries and reports Keap’s last answer', () => {
    let calls = 0;
    const { runner } = setup(() => {
      calls += 1;
      return json(500, { message: 'boom' });
    });
    const { outcomes } = runner.run([get(1)]);
    expect(statuses(outcomes)).toEqual([500]);
    expect(calls).toBe(1 + RETRY_LIMITS.maxServerRetries);
  });

  it('backs off exponentially on 429 and stops at the retry limit', () => {
    const { clock, http, runner } = setup(() =>
      json(429, { code: '429', message: 'Quota Exceeded', status: 'Request Throttled' }),
    );
    const { outcomes } = runner.run([get(1)]);
    expect(statuses(outcomes)).toEqual([429]);
    const times = http.sent.map((s) => s.at);
    const gaps = times.slice(1).map((t, i) => t - times[i]);
    expect(gaps).toHaveLength(RETRY_LIMITS.maxThrottleRetries);
    for (let i = 1; i < gaps.length; i += 1) expect(gaps[i]).toBeGreaterThanOrEqual(gaps[i - 1]);
    expect(gaps[0]).toBeGreaterThanOrEqual(RETRY_LIMITS.throttleBaseDelayMs);
    expect(Math.max(...clock.slept)).toBeLessThanOrEqual(RETRY_LIMITS.maxDelayMs);
  });

  it('does not retry a refusal (4xx)', () => {
    const { http, runner } = setup(() => json(400, { message: 'Invalid email' }));
    expect(statuses(runner.run([get(1)]).outcomes)).toEqual([400]);
    expect(http.sent).toHaveLength(1);
  });

  it('isolates a network failure in a batch by sending it one by one, then retries only the failed one', () => {
    let failuresLeft = 2;
    const { http, runner } = setup((request) => {
      if (idOf(request) === 2 && failuresLeft > 0) {
        failuresLeft -= 1;
        throw new NoAnswer();
      }
      return json(200, { id: idOf(request) });
    });
    const { outcomes } = runner.run([get(1), get(2), get(3)]);
    expect(statuses(outcomes)).toEqual([200, 200, 200]);
    const singles = http.sent.filter((s) => s.via === 'fetch').map((s) => idOf(s.request));
    expect(singles).toEqual([1, 2, 3]);
    // Request 2 was retried alone; 1 and 3 were not sent again.
    const later = http.sent.slice(6).map((s) => idOf(s.request));
    expect(later).toEqual([2]);
  });

  it('never sends a write again after a failed batch: the writes come back unconfirmed, the reads are re-sent', () => {
    let lost = false;
    const { http, runner } = setup((request) => {
      if (request.method === 'patch' && idOf(request) === 2 && !lost) {
        lost = true;
        throw new NoAnswer();
      }
      return json(200, { id: idOf(request) });
    });
    const patch = (n: number): KeapRequest => ({
      method: 'patch',
      url: `https://keap.test/r/${n}`,
    });
    const { outcomes, sent } = runner.run([patch(1), patch(2), get(3), patch(4)]);
    expect(statuses(outcomes)).toEqual(['unconfirmed', 'unconfirmed', 200, 'unconfirmed']);
    const writesSent = http.sent
      .filter((s) => s.request.method === 'patch')
      .map((s) => idOf(s.request));
    expect(writesSent).toEqual([1, 2, 4]);
    expect(http.sent.filter((s) => s.via === 'fetch').map((s) => idOf(s.request))).toEqual([3]);
    expect(sent).toBe(5);
  });

  it('does not retry a lone write that got no answer (it may have reached Keap)', () => {
    const { http, runner } = setup(() => {
      throw new NoAnswer();
    });
    const { outcomes } = runner.run([{ method: 'post', url: 'https://keap.test/r/1', body: 'x' }]);
    expect(statuses(outcomes)).toEqual(['unconfirmed']);
    expect(http.sent).toHaveLength(1);
  });

  it('reports a request that never gets an answer as unreachable', () => {
    const { runner } = setup(() => {
      throw new NoAnswer();
    });
    expect(statuses(runner.run([get(1)]).outcomes)).toEqual(['unreachable']);
  });

  it('after a 401 recovers the credentials once and retries with the new token', () => {
    const auth = new TestAuth();
    const { http, runner } = setup(
      (request) =>
        request.headers.Authorization === 'Bearer token-1'
          ? json(401, { message: 'Invalid Access Token' })
          : json(200, {}),
      auth,
    );
    const { outcomes } = runner.run([get(1), get(2), get(3)]);
    expect(statuses(outcomes)).toEqual([200, 200, 200]);
    // One recovery for the whole batch, not one per request.
    expect(auth.recoveries).toEqual(['Bearer token-1']);
    expect(http.sent.slice(3).map((s) => s.request.headers.Authorization)).toEqual([
      'Bearer token-2',
      'Bearer token-2',
      'Bearer token-2',
    ]);
  });

  it('throws KeapAccessError when Keap still refuses after the recovery', () => {
    const auth = new TestAuth();
    const { http, runner } = setup(() => json(401, {}), auth);
    expect(() => runner.run([get(1)])).toThrow(KeapAccessError);
    expect(auth.recoveries).toHaveLength(1);
    expect(http.sent).toHaveLength(2);
  });

  it('throws KeapAccessError at once when the credentials cannot be recovered', () => {
    const { http, runner } = setup(() => json(401, {}), new TestAuth(false));
    expect(() => runner.run([get(1)])).toThrow('Keap no longer accepts this connection.');
    expect(http.sent).toHaveLength(1);
  });

  it('starts nothing after the deadline: unsent requests come back not-sent', () => {
    const { clock, http, runner } = setup(() => json(200, {}));
    const deadline = clock.now() + 1500;
    const { outcomes } = runner.run(
      Array.from({ length: 100 }, (_, i) => get(i)),
      deadline,
    );
    const kinds = outcomes.map((o) => o.kind);
    const sentCount = kinds.filter((k) => k === 'answered').length;
    expect(sentCount).toBe(48);
    expect(kinds.slice(sentCount).every((k) => k === 'not-sent')).toBe(true);
    expect(http.sent.every((s) => s.at < deadline)).toBe(true);
  });

  it('does not wait past the deadline to retry: the last answer stands', () => {
    const { clock, http, runner } = setup(() => json(503, {}));
    const { outcomes } = runner.run([get(1)], clock.now() + 500);
    expect(statuses(outcomes)).toEqual([503]);
    expect(http.sent).toHaveLength(1);
  });
});

describe('RequestRunner and the daily quota', () => {
  const MIDNIGHT = Date.UTC(2026, 0, 6);
  const left = (available: number) => ({
    'x-keap-product-quota-available': String(available),
    'x-keap-product-quota-expiry-time': String(MIDNIGHT),
  });

  function withQuota(handler: Handler) {
    const clock = new FakeClock();
    const http = new ScriptedHttp(clock, handler);
    const quota = new DailyQuota();
    const runner = new RequestRunner({
      http,
      clock,
      pacer: new Pacer(OAUTH_RATE_LIMITS, clock),
      auth: new TestAuth(),
      retry: RETRY_LIMITS,
      maxBatch: OAUTH_RATE_LIMITS.perSecond,
      quota,
    });
    return { http, quota, runner };
  }

  it('stops starting batches when what is left would dip into the reserve', () => {
    let available = QUOTA_RESERVE + 60;
    const { http, quota, runner } = withQuota(() => json(200, {}, left(--available)));
    const { outcomes } = runner.run(Array.from({ length: 100 }, (_, i) => get(i)));
    // 160 left: a batch of 24 leaves 136, then 112; a third would leave 88, under the reserve.
    expect(http.batches).toEqual([24, 24]);
    expect(statuses(outcomes).slice(48)).toEqual(Array(52).fill('not-sent'));
    expect(quota.stoppedUntil()).toBe(MIDNIGHT);
  });

  it('lets requests that finish work in flight use the reserve', () => {
    const { http, runner } = withQuota(() => json(200, {}, left(30)));
    runner.run([get(1)]);
    const { outcomes } = runner.run(
      Array.from({ length: 10 }, (_, i) => get(i)),
      undefined,
      true,
    );
    expect(statuses(outcomes)).toEqual(Array(10).fill(200));
    expect(http.batches).toEqual([1, 10]);
  });

  it('does not retry a 429 for the spent quota, and sends nothing more', () => {
    const body = { code: '429', message: 'Quota Exceeded', status: 'Request Throttled' };
    const { http, quota, runner } = withQuota(() => json(429, body, left(0)));
    const { outcomes, sent } = runner.run(Array.from({ length: 30 }, (_, i) => get(i)));
    expect(sent).toBe(24);
    expect(http.batches).toEqual([24]);
    expect(statuses(outcomes)).toEqual(Array(30).fill('not-sent'));
    expect(quota.stoppedUntil()).toBe(MIDNIGHT);
  });

  it('still retries a 429 that leaves quota (a throttle)', () => {
    let calls = 0;
    const { runner } = withQuota(() =>
      ++calls === 1 ? json(429, {}, left(5000)) : json(200, {}, left(4999)),
    );
    expect(statuses(runner.run([get(1)]).outcomes)).toEqual([200]);
    expect(calls).toBe(2);
  });
});
