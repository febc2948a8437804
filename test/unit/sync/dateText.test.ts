/**
 * One way to write a day or a moment: the sheet's row statuses (src/sync/dateText.ts), the
 * menu alerts (src/ui/dates.ts re-exports it) and the sidebar (src/ui/client/format.ts).
 */
import { formatDay, formatMoment, formatTimeOfDay } from '../../../src/sync/dateText';
import { formatMoment as menuMoment } from '../../../src/ui/dates';
import { formatTime } from '../../../src/ui/client/format';
import type { SidebarState } from '../../../src/ui/client/sidebar';

const NOW = Date.parse('2026-12-07T10:00:00Z');

function sidebarIn(timeZone: string, locale: string): SidebarState {
  return { sync: { daily: { timeZone }, locale } } as unknown as SidebarState;
}

describe('the sheet and the sidebar write a moment alike', () => {
  beforeEach(() => jest.useFakeTimers({ now: NOW }));
  afterEach(() => jest.useRealTimers());

  const cases: [string, string, string][] = [
    ['2026-12-08T05:00:00Z', 'Europe/Berlin', 'en-US'],
    ['2026-12-08T05:00:00Z', 'America/New_York', 'de-DE'],
    ['2027-01-01T01:00:00Z', 'UTC', 'en-GB'],
    ['2027-01-01T01:00:00Z', 'America/New_York', 'en-GB'],
    ['2025-03-02T00:00:00Z', 'Asia/Kolkata', 'fr-FR'],
  ];
  it.each(cases)('%s in %s, %s', (iso, timeZone, locale) => {
    const sheet = formatMoment(Date.parse(iso), { timeZone, locale: locale.replace('-', '_') });
    expect(sheet).toBe(formatTime(iso, sidebarIn(timeZone, locale)));
    expect(sheet).toBe(menuMoment(iso, { timeZone, locale }, NOW));
  });
});

describe('a moment and a day in words', () => {
  const RESET = Date.parse('2026-12-08T00:00:00Z');

  it("uses the spreadsheet's locale and time zone, the year only when not this year there", () => {
    const us = { timeZone: 'UTC', locale: 'en_US' };
    expect(formatMoment(RESET, us, NOW)).toBe('Tue, Dec 8, 12:00 AM');
    expect(formatDay(RESET, us, NOW)).toBe('Tue, Dec 8');
    expect(formatDay(RESET, { timeZone: 'America/New_York', locale: 'en_GB' }, NOW)).toBe(
      'Mon 7 Dec',
    );
    expect(formatMoment(RESET, { timeZone: 'Asia/Kolkata', locale: 'de_DE' }, NOW)).toBe(
      'Di., 8. Dez., 05:30',
    );
    const newYear = Date.parse('2027-01-01T01:00:00Z');
    expect(formatDay(newYear, us, NOW)).toBe('Fri, Jan 1, 2027');
    // Still 2026 in New York.
    expect(formatDay(newYear, { timeZone: 'America/New_York', locale: 'en_US' }, NOW)).toBe(
      'Thu, Dec 31',
    );
    expect(formatDay(Date.parse('2025-03-02T00:00:00Z'), us, NOW)).toBe('Sun, Mar 2, 2025');
  });

  it('reads an unknown time zone as UTC and an unknown locale as en-US', () => {
    expect(formatDay(RESET, { timeZone: 'Not/AZone', locale: 'xx_NOPE_123' }, NOW)).toBe(
      'Tue, Dec 8',
    );
    expect(formatMoment(RESET, { timeZone: '', locale: '' }, NOW)).toBe('Tue, Dec 8, 12:00 AM');
  });

  it('writes a time of day alone on the same clock as a moment', () => {
    const us = { timeZone: 'UTC', locale: 'en_US' };
    expect(formatTimeOfDay(RESET, us)).toBe('12:00 AM');
    expect(formatMoment(RESET, us, NOW)).toMatch(/, 12:00 AM$/);
    expect(formatTimeOfDay(RESET, { timeZone: 'Asia/Kolkata', locale: 'de_DE' })).toBe('05:30');
    expect(formatTimeOfDay(RESET, { timeZone: 'Not/AZone', locale: 'en_GB' })).toBe('00:00');
  });
});
