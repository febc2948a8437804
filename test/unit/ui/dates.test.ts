import { formatMoment, intlLocale } from '../../../src/ui/dates';

const NOW = Date.parse('2026-12-07T10:00:00Z');

describe('one way to show a moment', () => {
  it("uses the spreadsheet's locale and time zone, without the year in this year", () => {
    expect(
      formatMoment('2026-12-08T05:00:00Z', { timeZone: 'Europe/Berlin', locale: 'en_US' }, NOW),
    ).toBe('Tue, Dec 8, 06:00 AM');
    expect(
      formatMoment('2026-12-08T05:00:00Z', { timeZone: 'Europe/Berlin', locale: 'de_DE' }, NOW),
    ).toBe('Di., 8. Dez., 06:00');
  });

  it('shows the year when it is not this year there', () => {
    expect(formatMoment('2027-01-01T01:00:00Z', { timeZone: 'UTC', locale: 'en_GB' }, NOW)).toBe(
      'Fri, 1 Jan 2027, 01:00',
    );
    // Still 2026 in New York.
    expect(
      formatMoment('2027-01-01T01:00:00Z', { timeZone: 'America/New_York', locale: 'en_GB' }, NOW),
    ).toBe('Thu 31 Dec, 20:00');
  });

  it('falls back instead of failing on an unknown locale, zone or time', () => {
    expect(intlLocale('xx_NOPE_123')).toBe('en-US');
    expect(intlLocale('fr_FR')).toBe('fr-FR');
    expect(formatMoment('2026-12-08T05:00:00Z', { timeZone: 'Mars/Base', locale: '' }, NOW)).toBe(
      'Tue, Dec 8, 05:00 AM',
    );
    expect(formatMoment('not a time', { timeZone: 'UTC', locale: 'en_US' }, NOW)).toBe(
      'not a time',
    );
  });
});
