/** Words and numbers as the sidebar writes them: times, hours, durations, counts, failures. */
import type { SidebarState } from './sidebar';

/** The year of `date` in `timeZone` (to show the year only when it is not this one). */
function yearIn(date: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric' }).format(date);
}

/**
 * A time for people: the add-on's one format (src/ui/dates.ts, the menu's too), in the
 * spreadsheet's locale and time zone, the year only when it is not this year.
 * @param iso the moment, ISO 8601 ('' or null: nothing)
 * @param state the sidebar state whose locale and time zone apply (UTC, en-US without one)
 */
export function formatTime(iso: string | null | undefined, state: SidebarState | null): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (isNaN(date.getTime())) return String(iso);
  const sync = state && state.sync;
  const timeZone = (sync && sync.daily && sync.daily.timeZone) || 'UTC';
  const locale = (sync && sync.locale) || 'en-US';
  const options: Intl.DateTimeFormatOptions = {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    timeZone,
  };
  try {
    if (yearIn(date, timeZone) !== yearIn(new Date(), timeZone)) options.year = 'numeric';
    return new Intl.DateTimeFormat(locale, options).format(date);
  } catch {
    // An unknown time zone or locale.
    delete options.timeZone;
    return date.toLocaleString('en-US', options);
  }
}

/** "06:00". */
export function formatHour(hour: number): string {
  return `${hour < 10 ? '0' : ''}${hour}:00`;
}

/** "11 s", "2 min 5 s". */
export function formatDuration(ms: number): string {
  const seconds = Math.round((ms || 0) / 1000);
  // No-break spaces: "11 s" must not wrap between the number and its unit.
  return seconds < 60
    ? `${seconds}\u00a0s`
    : `${Math.floor(seconds / 60)}\u00a0min ${seconds % 60}\u00a0s`;
}

/** "1 row", "2 rows". */
export function plural(n: number, word: string): string {
  return `${n} ${n === 1 ? word : `${word}s`}`;
}

/** Keap's consent page is https; the local playground's stand-in is plain http on loopback. */
export function isConsentUrl(url: unknown): url is string {
  return (
    typeof url === 'string' &&
    /^(https:\/\/|http:\/\/(127\.0\.0\.1|localhost)(:\d+)?\/)[^\s]+$/.test(url)
  );
}

/** A failure reported by the server bridge (or anything thrown) in plain words. */
export function errorWords(error: unknown): string {
  const message = (error as { message?: unknown } | null)?.message;
  let text = message ? String(message) : String(error || '');
  text = text.replace(/^(ScriptError|Exception|Error|TypeError):\s*/, '').trim();
  if (/^NetworkError|HTTP 0/.test(text)) {
    return 'the connection to Google was interrupted. Check your network and try again.';
  }
  return text || 'something went wrong, with no further detail.';
}
