import { nextDailyRun, startOfLocalDay } from '../../../src/sync/dailyTime';

describe('the next daily run', () => {
  it('is later today when the hour has not come yet', () => {
    expect(nextDailyRun(Date.parse('2025-03-01T04:30:00Z'), 6, 'UTC')).toBe(
      '2025-03-01T06:00:00.000Z',
    );
  });

  it('is tomorrow when the hour has passed', () => {
    expect(nextDailyRun(Date.parse('2025-03-01T06:30:00Z'), 6, 'UTC')).toBe(
      '2025-03-02T06:00:00.000Z',
    );
  });

  it("uses the spreadsheet's time zone", () => {
    // 06:00 in New York in March 2025 before DST (UTC-5) is 11:00 UTC.
    expect(nextDailyRun(Date.parse('2025-03-01T04:30:00Z'), 6, 'America/New_York')).toBe(
      '2025-03-01T11:00:00.000Z',
    );
    // After the switch to daylight time (UTC-4).
    expect(nextDailyRun(Date.parse('2025-03-10T04:30:00Z'), 6, 'America/New_York')).toBe(
      '2025-03-10T10:00:00.000Z',
    );
  });

  it('falls back to UTC for an unknown time zone', () => {
    expect(nextDailyRun(Date.parse('2025-03-01T04:30:00Z'), 6, 'Not/AZone')).toBe(
      '2025-03-01T06:00:00.000Z',
    );
  });
});

describe('the start of a day a row is tried again', () => {
  it("is 00:00 in the spreadsheet's time zone, across a daylight-saving change", () => {
    // Berlin moves to summer time on Sun 30 Mar 2025: 00:00 that day is still UTC+1.
    const saturdayNoon = Date.parse('2025-03-29T12:00:00Z');
    expect(new Date(startOfLocalDay(saturdayNoon, 1, 'Europe/Berlin')).toISOString()).toBe(
      '2025-03-29T23:00:00.000Z',
    );
    expect(new Date(startOfLocalDay(saturdayNoon, 2, 'Europe/Berlin')).toISOString()).toBe(
      '2025-03-30T22:00:00.000Z',
    );
    expect(new Date(startOfLocalDay(saturdayNoon, 1, 'Not/AZone')).toISOString()).toBe(
      '2025-03-30T00:00:00.000Z',
    );
  });
});
