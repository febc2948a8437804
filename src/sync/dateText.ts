/**
 * The add-on's one way to write a moment or a day for a person, in the spreadsheet's locale
 * and time zone: "Mon, Dec 7, 06:12 PM" (en-US), a day alone "Tue, Dec 8", a time of day
 * alone "06:12 PM" (formatTimeOfDay; "18:12" in de-DE); the year is added
 * when it is not this year, there ("Tue, Jan 5, 2027"). The sheet's row statuses and run
 * messages (src/sync) and the menu alerts (src/ui/dates.ts re-exports this) use it; the
 * sidebar's formatTime (src/ui/client/format.ts) uses the same options with the locale and
 * time zone its state carries. A cell that names a date on purpose keeps ISO 8601 instead
 * (Keap Email Status "Opted out by this add-on on 2026-12-05": formatIsoDay, dailyTime.ts).
 * Pure: Intl only.
 */

/** Where a moment is read: the spreadsheet's time zone and locale (Apps Script's 'en_US'). */
export interface Where {
  timeZone: string;
  locale: string;
}

/** Apps Script names locales 'en_US'; Intl wants 'en-US'. Unknown ones fall back to 'en-US'. */
export function intlLocale(locale: string | null | undefined): string {
  const tag = String(locale ?? '').replace(/_/g, '-');
  try {
    return Intl.DateTimeFormat.supportedLocalesOf([tag]).length > 0 ? tag : 'en-US';
  } catch {
    return 'en-US';
  }
}

function yearIn(epochMs: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric' }).format(epochMs);
}

/** The options both sides use; the year only when `epochMs` is not in the current year. */
export function momentOptions(
  epochMs: number,
  timeZone: string,
  nowMs: number,
): Intl.DateTimeFormatOptions {
  const options: Intl.DateTimeFormatOptions = {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    timeZone,
  };
  if (yearIn(epochMs, timeZone) !== yearIn(nowMs, timeZone)) options.year = 'numeric';
  return options;
}

/** The time zone, or UTC when Intl does not know it. */
function knownZone(timeZone: string): string {
  const zone = timeZone || 'UTC';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone }).format(0);
    return zone;
  } catch {
    return 'UTC';
  }
}

/** A moment for a person; an unknown time zone is read as UTC rather than failing. */
export function formatMoment(
  iso: string | number,
  where: Where,
  nowMs: number = Date.now(),
): string {
  const epochMs = typeof iso === 'number' ? iso : Date.parse(iso);
  if (!Number.isFinite(epochMs)) return String(iso);
  const timeZone = knownZone(where.timeZone);
  return new Intl.DateTimeFormat(
    intlLocale(where.locale),
    momentOptions(epochMs, timeZone, nowMs),
  ).format(epochMs);
}

/**
 * The options of a time of day alone: the moment's hour and minute, so a sheet's locale reads
 * it on its own clock ("12:00 AM" en-US, "00:00" en-GB and de-DE), as it reads a moment.
 */
export function timeOfDayOptions(timeZone: string): Intl.DateTimeFormatOptions {
  return { hour: '2-digit', minute: '2-digit', timeZone };
}

/** A time of day for a person ("12:00 AM" en-US, "00:00" de-DE); unknown zone: UTC. */
export function formatTimeOfDay(epochMs: number, where: Where): string {
  if (!Number.isFinite(epochMs)) return String(epochMs);
  const timeZone = knownZone(where.timeZone);
  return new Intl.DateTimeFormat(intlLocale(where.locale), timeOfDayOptions(timeZone)).format(
    epochMs,
  );
}

/** A day alone ("Tue, Dec 8"): the moment's options without hour and minute. */
export function formatDay(epochMs: number, where: Where, nowMs: number = Date.now()): string {
  if (!Number.isFinite(epochMs)) return String(epochMs);
  const timeZone = knownZone(where.timeZone);
  const options = momentOptions(epochMs, timeZone, nowMs);
  delete options.hour;
  delete options.minute;
  return new Intl.DateTimeFormat(intlLocale(where.locale), options).format(epochMs);
}
