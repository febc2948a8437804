/** Utilities.formatDate: the SimpleDateFormat patterns an add-on uses, in any time zone. */
import { zonedParts, zoneName, zoneOffsetMs } from './timeZone';

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function offset(ms: number, timeZone: string, style: 'Z' | 'X' | 'XXX'): string {
  const minutes = Math.round(zoneOffsetMs(ms, timeZone) / 60000);
  if (minutes === 0 && style !== 'Z') return 'Z';
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  const hh = pad(Math.floor(abs / 60), 2);
  const mm = pad(abs % 60, 2);
  if (style === 'XXX') return `${sign}${hh}:${mm}`;
  if (style === 'X') return `${sign}${hh}`;
  return `${sign}${hh}${mm}`;
}

export function formatDate(ms: number, timeZone: string, pattern: string): string {
  const p = zonedParts(ms, timeZone);
  let out = '';
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i] as string;
    if (ch === "'") {
      const end = pattern.indexOf("'", i + 1);
      if (end === i + 1) {
        out += "'";
        i += 2;
        continue;
      }
      const stop = end < 0 ? pattern.length : end;
      out += pattern.slice(i + 1, stop);
      i = stop + 1;
      continue;
    }
    if (!/[A-Za-z]/.test(ch)) {
      out += ch;
      i++;
      continue;
    }
    let run = 1;
    while (pattern[i + run] === ch) run++;
    i += run;
    switch (ch) {
      case 'y':
        out += run === 2 ? pad(p.year % 100, 2) : pad(p.year, run);
        break;
      case 'M':
        out +=
          run >= 4
            ? MONTHS[p.month - 1]
            : run === 3
              ? MONTHS[p.month - 1]?.slice(0, 3)
              : pad(p.month, run);
        break;
      case 'd':
        out += pad(p.day, run);
        break;
      case 'H':
        out += pad(p.hour, run);
        break;
      case 'h':
        out += pad(p.hour % 12 === 0 ? 12 : p.hour % 12, run);
        break;
      case 'k':
        out += pad(p.hour === 0 ? 24 : p.hour, run);
        break;
      case 'm':
        out += pad(p.minute, run);
        break;
      case 's':
        out += pad(p.second, run);
        break;
      case 'S':
        out += pad(p.millisecond, 3).slice(0, Math.max(run, 3));
        break;
      case 'a':
        out += p.hour < 12 ? 'AM' : 'PM';
        break;
      case 'E':
        out += run >= 4 ? DAYS[p.weekday] : DAYS[p.weekday]?.slice(0, 3);
        break;
      case 'u':
        out += String(p.weekday === 0 ? 7 : p.weekday);
        break;
      case 'z':
        out += zoneName(ms, timeZone);
        break;
      case 'Z':
        out += offset(ms, timeZone, 'Z');
        break;
      case 'X':
        out += offset(ms, timeZone, run >= 3 ? 'XXX' : 'X');
        break;
      default:
        throw new Error(`Illegal pattern character '${ch}'`);
    }
  }
  return out;
}
