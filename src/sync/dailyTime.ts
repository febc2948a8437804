/** When a daily trigger set for `hour` in `timeZone` fires next (Google picks the minute). Pure. */

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** One formatter per time zone: making one costs far more than using it (rows' retry days). */
const formats = new Map<string, Intl.DateTimeFormat>();

function localParts(epochMs: number, timeZone: string): LocalParts {
  let format = formats.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formats.set(timeZone, format);
  }
  const parts: Record<string, number> = {};
  for (const part of format.formatToParts(new Date(epochMs))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year,
    month: parts.month,
    day: parts.day,
    hour: parts.hour % 24,
    minute: parts.minute,
    second: parts.second,
  };
}

/** Offset of `timeZone` from UTC at `epochMs`, in ms (positive east of Greenwich). */
function offsetAt(epochMs: number, timeZone: string): number {
  const p = localParts(epochMs, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(epochMs / 1000) * 1000;
}

/** Epoch ms of local wall-clock time `hour`:00 on the local date `dayOffset` days after `now`'s. */
function localHourToEpoch(now: number, hour: number, dayOffset: number, timeZone: string): number {
  const today = localParts(now, timeZone);
  const wallClockAsUtc = Date.UTC(today.year, today.month - 1, today.day + dayOffset, hour);
  const guess = wallClockAsUtc - offsetAt(wallClockAsUtc, timeZone);
  // A second pass settles guesses that crossed a daylight-saving change.
  return wallClockAsUtc - offsetAt(guess, timeZone);
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** ISO 8601 start of the next hour-long window in which the daily trigger runs. */
export function nextDailyRun(now: number, hour: number, timeZone: string): string {
  const zone = isValidTimeZone(timeZone) ? timeZone : 'UTC';
  let next = localHourToEpoch(now, hour, 0, zone);
  if (next <= now) next = localHourToEpoch(now, hour, 1, zone);
  return new Date(next).toISOString();
}

/** Epoch ms of the latest `hour`:00 in `timeZone` at or before `now` (today's or yesterday's). */
export function latestDailySlot(now: number, hour: number, timeZone: string): number {
  const zone = isValidTimeZone(timeZone) ? timeZone : 'UTC';
  const today = localHourToEpoch(now, hour, 0, zone);
  return today <= now ? today : localHourToEpoch(now, hour, -1, zone);
}

/**
 * Epoch ms of 00:00 in `timeZone` on the local date `days` days after `epochMs`'s: the first
 * moment of a day as the spreadsheet's people name it.
 */
export function startOfLocalDay(epochMs: number, days: number, timeZone: string): number {
  const zone = isValidTimeZone(timeZone) ? timeZone : 'UTC';
  return localHourToEpoch(epochMs, 0, days, zone);
}

/**
 * "2026-12-05": the day of `epochMs` in `timeZone`, for a cell that names a date on purpose
 * (Keap Email Status, issue 18). Days and moments in words: src/sync/dateText.ts.
 */
export function formatIsoDay(epochMs: number, timeZone: string): string {
  const p = localParts(epochMs, isValidTimeZone(timeZone) ? timeZone : 'UTC');
  const two = (n: number) => String(n).padStart(2, '0');
  return `${p.year}-${two(p.month)}-${two(p.day)}`;
}
