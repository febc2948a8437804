import {
  DailyQuota,
  isQuotaRefusal,
  nextUtcMidnight,
  QUOTA_RESERVE,
  readQuota,
} from '../../../src/keap/dailyQuota';

const NOW = Date.UTC(2026, 11, 7, 15, 30, 0);
const MIDNIGHT = Date.UTC(2026, 11, 8);

function quotaHeaders(available: number, expiry: string = String(MIDNIGHT)) {
  return {
    'x-keap-product-quota-limit': '150000',
    'x-keap-product-quota-time-unit': 'day',
    'x-keap-product-quota-interval': '1',
    'x-keap-product-quota-used': String(150000 - available),
    'x-keap-product-quota-available': String(available),
    'x-keap-product-quota-expiry-time': expiry,
  };
}

describe('reading the quota headers', () => {
  it('reads what is left and when it resets', () => {
    expect(readQuota(quotaHeaders(1234), NOW)).toEqual({ available: 1234, resetsAt: MIDNIGHT });
  });

  it('is null without quota headers (a throttle header alone says nothing of the day)', () => {
    expect(readQuota({ 'x-keap-product-throttle-available': '3' }, NOW)).toBeNull();
    expect(readQuota({ 'x-keap-product-quota-available': '' }, NOW)).toBeNull();
    expect(readQuota({ 'x-keap-product-quota-available': 'many' }, NOW)).toBeNull();
  });

  it('reads the expiry as epoch ms, epoch seconds or ISO 8601, else the next 00:00 UTC', () => {
    const at = (expiry: string) => readQuota(quotaHeaders(5, expiry), NOW)?.resetsAt;
    expect(at(String(MIDNIGHT))).toBe(MIDNIGHT);
    expect(at(String(MIDNIGHT / 1000))).toBe(MIDNIGHT);
    expect(at('2026-12-08T00:00:00Z')).toBe(MIDNIGHT);
    expect(at('soon')).toBe(MIDNIGHT);
    expect(at('')).toBe(MIDNIGHT);
    // A time in the past or days away is not believed: the documented reset is.
    expect(at(String(NOW - 1000))).toBe(MIDNIGHT);
    expect(at(String(NOW + 3 * 24 * 3600_000))).toBe(MIDNIGHT);
  });

  it('never puts the reset before the documented 00:00 UTC, but believes a later one', () => {
    const at = (expiry: string) => readQuota(quotaHeaders(0, expiry), NOW)?.resetsAt;
    // A minute away (a per-minute window, a skewed clock): the daily count is still spent.
    expect(at(String(NOW + 60_000))).toBe(MIDNIGHT);
    expect(at(String(MIDNIGHT - 1))).toBe(MIDNIGHT);
    expect(at(String(MIDNIGHT + 3 * 3600_000))).toBe(MIDNIGHT + 3 * 3600_000);
  });

  it('never reads a negative count', () => {
    expect(readQuota(quotaHeaders(-4), NOW)?.available).toBe(0);
  });

  it('knows 00:00 UTC after any moment', () => {
    expect(nextUtcMidnight(NOW)).toBe(MIDNIGHT);
    expect(nextUtcMidnight(MIDNIGHT)).toBe(Date.UTC(2026, 11, 9));
    expect(nextUtcMidnight(MIDNIGHT - 1)).toBe(MIDNIGHT);
  });
});

describe('telling a spent quota from a throttle', () => {
  it('is a 429 whose quota headers say none is left', () => {
    expect(isQuotaRefusal(429, quotaHeaders(0), NOW)).toBe(true);
    expect(isQuotaRefusal(429, quotaHeaders(70), NOW)).toBe(false);
    expect(isQuotaRefusal(429, {}, NOW)).toBe(false);
    expect(isQuotaRefusal(200, quotaHeaders(0), NOW)).toBe(false);
  });
});

describe('DailyQuota: whether a request may start', () => {
  it('allows anything while the quota is unknown', () => {
    const quota = new DailyQuota();
    expect(quota.allows(24, NOW)).toBe(true);
    expect(quota.stoppedUntil()).toBeNull();
  });

  it('keeps the reserve back from new work, and stops new work until the reset', () => {
    const quota = new DailyQuota();
    quota.observe([quotaHeaders(QUOTA_RESERVE + 24)], NOW);
    expect(quota.allows(24, NOW)).toBe(true);
    quota.observe([quotaHeaders(QUOTA_RESERVE + 23)], NOW);
    expect(quota.allows(24, NOW)).toBe(false);
    expect(quota.stoppedUntil()).toBe(MIDNIGHT);
    // Smaller new work does not start either: the execution has stopped for the day.
    expect(quota.allows(1, NOW)).toBe(false);
  });

  it('lets work in flight use the reserve, down to the last request', () => {
    const quota = new DailyQuota();
    quota.observe([quotaHeaders(5)], NOW);
    expect(quota.allows(24, NOW)).toBe(false);
    expect(quota.allows(5, NOW, true)).toBe(true);
    expect(quota.allows(6, NOW, true)).toBe(false);
  });

  it('stops for the day when work in flight is refused (another user spent the quota)', () => {
    const quota = new DailyQuota();
    quota.observe([quotaHeaders(QUOTA_RESERVE + 50)], NOW);
    expect(quota.allows(24, NOW, true)).toBe(true);
    expect(quota.stoppedUntil()).toBeNull();
    quota.observe([quotaHeaders(0)], NOW);
    expect(quota.allows(1, NOW, true)).toBe(false);
    expect(quota.stoppedUntil()).toBe(MIDNIGHT);
    expect(quota.allows(1, NOW)).toBe(false);
  });

  it('takes the lowest count of a parallel batch as the latest', () => {
    const quota = new DailyQuota();
    quota.observe([quotaHeaders(500), quotaHeaders(QUOTA_RESERVE), quotaHeaders(480)], NOW);
    expect(quota.allows(1, NOW)).toBe(false);
  });

  it('stops at once on a refusal for the spent quota, work in flight too', () => {
    const quota = new DailyQuota();
    quota.observe([quotaHeaders(90_000)], NOW);
    quota.noteSpent(quotaHeaders(0), NOW);
    expect(quota.stoppedUntil()).toBe(MIDNIGHT);
    expect(quota.allows(1, NOW)).toBe(false);
    expect(quota.allows(1, NOW, true)).toBe(false);
  });

  it('takes a refusal without headers as spent until the next 00:00 UTC', () => {
    const quota = new DailyQuota();
    quota.noteSpent({}, NOW);
    expect(quota.stoppedUntil()).toBe(MIDNIGHT);
  });

  it('forgets the day once it has turned', () => {
    const quota = new DailyQuota();
    quota.noteSpent(quotaHeaders(0), NOW);
    expect(quota.allows(24, MIDNIGHT)).toBe(true);
    quota.observe([quotaHeaders(149_000, String(Date.UTC(2026, 11, 9)))], MIDNIGHT + 1);
    expect(quota.allows(24, MIDNIGHT + 1)).toBe(true);
  });
});
