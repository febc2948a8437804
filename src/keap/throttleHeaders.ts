/**
 * Reads Keap's throttle headers (x-keap-product-throttle-*, x-keap-tenant-throttle-*): how
 * many requests are left in the current window and how fast the window refills. The daily
 * quota headers are read in dailyQuota.ts: a spent quota stops the run, it is not paced.
 */
import { THROTTLE_HEADER_PREFIXES } from './config';

export interface ThrottleReading {
  /** Requests still allowed in the tightest throttle Keap reported. */
  available: number;
  /** Refill rate of that throttle in requests per millisecond; null when Keap did not say. */
  refillPerMs: number | null;
}

const UNIT_MS: Record<string, number> = {
  millisecond: 1,
  second: 1000,
  minute: 60 * 1000,
  hour: 60 * 60 * 1000,
  day: 24 * 60 * 60 * 1000,
};

/** unitMs of each unit text seen: Keap sends the same few with every answer of a run. */
const UNITS_SEEN = new Map<string, number | null>();
const MAX_UNITS_SEEN = 16;

function unitMs(raw: string | undefined): number | null {
  if (!raw) return null;
  const seen = UNITS_SEEN.get(raw);
  if (seen !== undefined) return seen;
  const unit = raw.trim().toLowerCase().replace(/s$/, '');
  const ms = Object.prototype.hasOwnProperty.call(UNIT_MS, unit) ? UNIT_MS[unit] : null;
  if (UNITS_SEEN.size < MAX_UNITS_SEEN) UNITS_SEEN.set(raw, ms);
  return ms;
}

function number(raw: string | undefined): number | null {
  if (raw === undefined || raw.trim() === '') return null;
  const value = Number(raw);
  return Number.isFinite(value) ? value : null;
}

/** The four header names of each prefix, made once: every answer of a run is read with them. */
const THROTTLE_HEADERS = THROTTLE_HEADER_PREFIXES.map((prefix) => ({
  available: `${prefix}available`,
  limit: `${prefix}limit`,
  timeUnit: `${prefix}time-unit`,
  interval: `${prefix}interval`,
}));

function readOne(
  headers: Record<string, string>,
  names: (typeof THROTTLE_HEADERS)[number],
): ThrottleReading | null {
  const available = number(headers[names.available]);
  if (available === null) return null;
  const limit = number(headers[names.limit]);
  const unit = unitMs(headers[names.timeUnit]);
  const interval = number(headers[names.interval]) ?? 1;
  const refillPerMs =
    limit !== null && limit > 0 && unit !== null && interval > 0 ? limit / (unit * interval) : null;
  return { available: Math.max(0, available), refillPerMs };
}

/** The tightest throttle among the headers of one answer; null when there are none. */
export function readThrottle(headers: Record<string, string>): ThrottleReading | null {
  let tightest: ThrottleReading | null = null;
  for (const names of THROTTLE_HEADERS) {
    const reading = readOne(headers, names);
    if (reading && (tightest === null || reading.available < tightest.available)) {
      tightest = reading;
    }
  }
  return tightest;
}
