import { API_KEY_RATE_LIMITS, OAUTH_RATE_LIMITS } from '../../../src/keap/config';
import { Pacer } from '../../../src/keap/pacing';
import { readThrottle } from '../../../src/keap/throttleHeaders';
import { FakeClock } from './fakes';

/** Takes `total` request slots in batches of up to `batch`, each batch taking `latencyMs`. */
function startTimes(pacer: Pacer, clock: FakeClock, total: number, batch: number, latencyMs = 30) {
  const times: number[] = [];
  while (times.length < total) {
    const allowed = pacer.take(Math.min(batch, total - times.length));
    for (let i = 0; i < allowed; i += 1) times.push(clock.now());
    clock.time += latencyMs;
  }
  return times;
}

function maxInWindow(times: number[], windowMs: number): number {
  let max = 0;
  let start = 0;
  for (let end = 0; end < times.length; end += 1) {
    while (times[end] - times[start] >= windowMs) start += 1;
    max = Math.max(max, end - start + 1);
  }
  return max;
}

describe('Pacer', () => {
  it('never starts more than 24 OAuth requests in any second, and keeps going', () => {
    const clock = new FakeClock();
    const pacer = new Pacer(OAUTH_RATE_LIMITS, clock);
    const times = startTimes(pacer, clock, 300, 24);
    expect(times).toHaveLength(300);
    expect(maxInWindow(times, 1000)).toBe(24);
    // 300 requests at 24/s need a little over 12 s, not much more.
    expect(times[299] - times[0]).toBeGreaterThanOrEqual(12000);
    expect(times[299] - times[0]).toBeLessThan(13500);
  });

  it('keeps API keys to 10 a second and 240 a minute', () => {
    const clock = new FakeClock();
    const pacer = new Pacer(API_KEY_RATE_LIMITS, clock);
    const times = startTimes(pacer, clock, 500, 10);
    expect(maxInWindow(times, 1000)).toBeLessThanOrEqual(10);
    expect(maxInWindow(times, 60000)).toBeLessThanOrEqual(240);
    // The 241st request waits for the first minute to pass.
    expect(times[240] - times[0]).toBeGreaterThanOrEqual(60000);
  });

  it('waits the rest of the second for a full batch instead of sending slivers', () => {
    const clock = new FakeClock();
    const pacer = new Pacer({ perSecond: 5, perMinute: 100 }, clock);
    expect(pacer.take(3)).toBe(3);
    // Two slots are left this second; a batch of 5 can start once the 3 leave the window.
    expect(pacer.take(10)).toBe(5);
    expect(clock.slept).toEqual([1000]);
    // A small request need not wait for more room than it uses.
    clock.time += 1000;
    expect(pacer.take(3)).toBe(3);
    expect(pacer.take(2)).toBe(2);
    expect(clock.slept).toEqual([1000]);
  });

  it('sends what the minute window allows at once when that, not the second, is the limit', () => {
    const clock = new FakeClock();
    const pacer = new Pacer({ perSecond: 5, perMinute: 7 }, clock);
    expect(pacer.take(5)).toBe(5);
    clock.time += 1000;
    expect(pacer.take(5)).toBe(2);
    expect(clock.slept).toEqual([]);
  });

  it('keeps a steady 24 a second in full batches when each batch takes 300 ms', () => {
    const clock = new FakeClock();
    const pacer = new Pacer(OAUTH_RATE_LIMITS, clock);
    const sizes: number[] = [];
    const times: number[] = [];
    while (times.length < 1440) {
      const allowed = pacer.take(24);
      sizes.push(allowed);
      for (let i = 0; i < allowed; i += 1) times.push(clock.now());
      clock.time += 300;
    }
    expect(new Set(sizes)).toEqual(new Set([24]));
    expect(maxInWindow(times, 1000)).toBe(24);
    // 1,440 requests (96 % of Keap's 1,500/min) in about a minute.
    expect(times[times.length - 1] - times[0]).toBeLessThan(61000);
  });

  it('slows down when Keap says the window is nearly spent', () => {
    const clock = new FakeClock();
    const pacer = new Pacer(OAUTH_RATE_LIMITS, clock);
    pacer.take(1);
    pacer.observe([
      {
        'x-keap-product-throttle-available': '2',
        'x-keap-product-throttle-limit': '60',
        'x-keap-product-throttle-time-unit': 'MINUTE',
        'x-keap-product-throttle-interval': '1',
      },
    ]);
    expect(pacer.take(24)).toBe(2);
    const before = clock.now();
    // The window refills one request a second: the next one waits about a second.
    expect(pacer.take(24)).toBe(1);
    expect(clock.now() - before).toBeGreaterThanOrEqual(1000);
    expect(clock.now() - before).toBeLessThan(1100);
  });

  it('takes the tightest of product and tenant throttles across a batch', () => {
    const clock = new FakeClock();
    const pacer = new Pacer(OAUTH_RATE_LIMITS, clock);
    pacer.observe([
      { 'x-keap-product-throttle-available': '900', 'x-keap-tenant-throttle-available': '4' },
      { 'x-keap-product-throttle-available': '880', 'x-keap-tenant-throttle-available': '7' },
    ]);
    expect(pacer.take(24)).toBe(4);
  });

  it('after a 429 waits for the window to refill before starting more', () => {
    const clock = new FakeClock();
    const pacer = new Pacer(OAUTH_RATE_LIMITS, clock);
    pacer.noteThrottled();
    const before = clock.now();
    expect(pacer.take(5)).toBe(1);
    // 1,500 a minute refill one request every 40 ms.
    expect(clock.now() - before).toBe(40);
  });
});

describe('readThrottle', () => {
  it('reads the available count and refill rate, and ignores answers without throttle headers', () => {
    expect(readThrottle({ 'content-type': 'application/json' })).toBeNull();
    const reading = readThrottle({
      'x-keap-tenant-throttle-available': '9000',
      'x-keap-tenant-throttle-limit': '10000',
      'x-keap-tenant-throttle-time-unit': 'minutes',
      'x-keap-tenant-throttle-interval': '1',
    });
    expect(reading?.available).toBe(9000);
    expect(reading?.refillPerMs).toBeCloseTo(10000 / 60000);
  });

  it('leaves the refill rate unknown when the unit is not understood', () => {
    const reading = readThrottle({
      'x-keap-product-throttle-available': '5',
      'x-keap-product-throttle-limit': '100',
      'x-keap-product-throttle-time-unit': 'fortnight',
    });
    expect(reading).toEqual({ available: 5, refillPerMs: null });
  });

  it('reads the same unit the same way every time, and no unit from an object key', () => {
    const answer = (unit: string) => ({
      'x-keap-product-throttle-available': '5',
      'x-keap-product-throttle-limit': '100',
      'x-keap-product-throttle-time-unit': unit,
    });
    for (let i = 0; i < 3; i++) {
      expect(readThrottle(answer(' Seconds '))?.refillPerMs).toBeCloseTo(100 / 1000);
      expect(readThrottle(answer('second'))?.refillPerMs).toBeCloseTo(100 / 1000);
    }
    for (const unit of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      expect(readThrottle(answer(unit))).toEqual({ available: 5, refillPerMs: null });
    }
    for (let i = 0; i < 40; i++) {
      expect(readThrottle(answer(`unit${i}`))?.refillPerMs).toBeNull();
      expect(readThrottle(answer('hour'))?.refillPerMs).toBeCloseTo(100 / 3_600_000);
    }
  });
});
