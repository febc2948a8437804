/**
 * The add-on's one way to show a moment to a person, in the spreadsheet's locale and time
 * zone: "Mon, Dec 7, 06:12" (the year added when it is not this year, there). The sidebar's
 * formatTime (src/ui/client/format.ts) uses the same options with the locale and time zone the
 * sidebar state carries, so the menu and the sidebar write a time alike. Pure: Intl only.
 */

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

/** A moment for a person; an unknown time zone is read as UTC rather than failing. */
export function formatMoment(
  iso: string | number,
  where: { timeZone: string; locale: string },
  nowMs: number = Date.now(),
): string {
  const epochMs = typeof iso === 'number' ? iso : Date.parse(iso);
  if (!Number.isFinite(epochMs)) return String(iso);
  let timeZone = where.timeZone || 'UTC';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone }).format(0);
  } catch {
    timeZone = 'UTC';
  }
  return new Intl.DateTimeFormat(
    intlLocale(where.locale),
    momentOptions(epochMs, timeZone, nowMs),
  ).format(epochMs);
}
