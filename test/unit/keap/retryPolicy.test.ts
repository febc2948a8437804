import { RETRY_LIMITS } from '../../../src/keap/config';
import { classifyStatus, retryDelayMs } from '../../../src/keap/retryPolicy';

describe('classifyStatus', () => {
  it.each([
    [200, 'ok'],
    [204, 'ok'],
    [401, 'unauthorized'],
    [429, 'throttled'],
    [500, 'server'],
    [503, 'server'],
    [408, 'server'],
    [400, 'refused'],
    [404, 'refused'],
    [302, 'refused'],
  ])('%i is %s', (status, kind) => {
    expect(classifyStatus(status)).toBe(kind);
  });
});

describe('retryDelayMs', () => {
  const limits = { ...RETRY_LIMITS, maxDelayMs: 10000 };

  it('backs off exponentially on 429 up to the cap, then gives up', () => {
    const delays = [1, 2, 3, 4, 5, 6].map((retry) => retryDelayMs('throttled', retry, limits));
    expect(delays.slice(0, 5)).toEqual([2000, 4000, 8000, 10000, 10000]);
    expect(delays[5]).toBeNull();
  });

  it('retries 5xx and network faults a bounded number of times', () => {
    const delays = [1, 2, 3, 4, 5].map((retry) => retryDelayMs('server', retry, limits));
    expect(delays).toEqual([1000, 2000, 4000, 8000, null]);
    expect(retryDelayMs('network', 4, limits)).toBe(8000);
    expect(retryDelayMs('network', 5, limits)).toBeNull();
  });

  it('honours a Retry-After in seconds, still capped', () => {
    expect(retryDelayMs('throttled', 1, limits, '3')).toBe(3000);
    expect(retryDelayMs('throttled', 1, limits, '120')).toBe(10000);
    expect(retryDelayMs('throttled', 1, limits, 'Wed, 21 Oct 2026 07:28:00 GMT')).toBe(2000);
  });
});
