/**
 * Keap's daily request quota, the one place that knows it. A published add-on shares one
 * quota among all its users (150,000 requests per client id per day; a Personal Access Token
 * or Service Account Key has 30,000), and it resets at 00:00 UTC. Keap reports it on every
 * answer in `x-keap-product-quota-{limit,time-unit,interval,available,used,expiry-time}`.
 *
 * The sync stops starting new work while the quota can still finish the work in flight, so a
 * run never ends with a change sent but not checked; a quota that another user spent anyway
 * shows up as a 429 whose quota headers say none is left, and is not retried. Pure.
 */
import { QUOTA_HEADER_PREFIX } from './config';

export interface QuotaReading {
  /** Requests left today, as Keap counted them when it answered. */
  available: number;
  /** Epoch ms when the count resets (Keap's expiry-time, else the next 00:00 UTC). */
  resetsAt: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Requests kept back for work already in flight when the sync stops starting new work. After
 * the last batch of writes (at most 24 requests), finishing it may take: the read-back of its
 * opt-outs (a few list requests), the XML-RPC fallback for those REST did not carry out (up
 * to 24) with its own read-back, a check of writes whose answer was lost, and their retries.
 * 100 covers that with room for the few requests other users of the same client id send
 * meanwhile, and is under 0.1% of the add-on's daily quota (0.3% of an API key's).
 */
export const QUOTA_RESERVE = 100;

/** 00:00 UTC after `now`, when Keap's daily counts reset. */
export function nextUtcMidnight(now: number): number {
  return (Math.floor(now / DAY_MS) + 1) * DAY_MS;
}

function wholeNumber(raw: string | undefined): number | null {
  if (raw === undefined || raw.trim() === '') return null;
  const value = Number(raw);
  return Number.isFinite(value) ? value : null;
}

/**
 * The expiry-time header as epoch ms. Keap's format is not documented: epoch milliseconds,
 * epoch seconds (a number too small to be milliseconds) and ISO 8601 are read; anything else,
 * or a time not in the next day, falls back to the documented reset, the next 00:00 UTC.
 *
 * A time before the next 00:00 UTC is not believed either: Keap documents that the daily
 * count resets at 00:00 UTC, and an earlier expiry (a per-minute window's, a skewed clock)
 * for a count that is in fact spent would make every firing of the run's trigger until
 * midnight send a request into the spent quota and log another stop. So the reset is the
 * later of the header and the next 00:00 UTC: waiting until the documented reset when Keap
 * resets earlier only delays the rest of the run (the daily trigger or the carrier continues
 * it), while trusting an early time costs requests and a log row at every firing.
 */
function resetTime(raw: string | undefined, now: number): number {
  const midnight = nextUtcMidnight(now);
  const numeric = wholeNumber(raw);
  let parsed: number | null = null;
  if (numeric !== null) parsed = numeric < 1e12 ? numeric * 1000 : numeric;
  else if (raw !== undefined && raw.trim() !== '') {
    const date = Date.parse(raw);
    parsed = Number.isNaN(date) ? null : date;
  }
  return parsed !== null && parsed > midnight && parsed <= now + DAY_MS ? parsed : midnight;
}

/** Header names made once: every answer of a run is read with them. */
const AVAILABLE_HEADER = `${QUOTA_HEADER_PREFIX}available`;
const EXPIRY_HEADER = `${QUOTA_HEADER_PREFIX}expiry-time`;

/** The daily quota one answer reports; null when it carries no quota headers. */
export function readQuota(headers: Record<string, string>, now: number): QuotaReading | null {
  const available = wholeNumber(headers[AVAILABLE_HEADER]);
  if (available === null) return null;
  return {
    available: Math.max(0, available),
    resetsAt: resetTime(headers[EXPIRY_HEADER], now),
  };
}

/**
 * A refusal because today's quota is spent: a 429 whose quota headers say none is left. A 429
 * that leaves quota is a throttle (per minute, per second) and is retried with backoff.
 */
export function isQuotaRefusal(
  status: number,
  headers: Record<string, string>,
  now: number,
): boolean {
  return status === 429 && readQuota(headers, now)?.available === 0;
}

/**
 * What this execution knows of the quota, and whether a request may start. New work (a
 * chunk's reads, its writes) keeps `QUOTA_RESERVE` back; work in flight (the read-back of an
 * opt-out just sent) may use it. Once new work was refused, the execution has stopped for
 * the day: `stoppedUntil` says until when.
 */
export class DailyQuota {
  private latest: QuotaReading | null = null;
  private stopped: number | null = null;

  /** Learns from one batch's answers: the lowest count is the latest (they run in parallel). */
  observe(answers: Array<Record<string, string>>, now: number): void {
    for (const headers of answers) {
      const reading = readQuota(headers, now);
      if (reading === null) continue;
      const newer = this.latest === null || this.latest.resetsAt <= now;
      if (newer || reading.available < this.latest!.available) this.latest = reading;
    }
  }

  /** Keap refused a request because the quota is spent (another user may have spent it). */
  noteSpent(headers: Record<string, string>, now: number): void {
    const reading = readQuota(headers, now);
    this.latest = { available: 0, resetsAt: reading?.resetsAt ?? nextUtcMidnight(now) };
    this.stopped = this.latest.resetsAt;
  }

  /**
   * True when `count` requests may start now. `inFlight`: they finish work already sent, so
   * they may use the reserve. Any refusal (new work past the reserve, or work in flight that
   * the quota no longer covers: another user spent it meanwhile) stops new work until the
   * reset, so the run reports Keap's daily limit and waits for it.
   */
  allows(count: number, now: number, inFlight = false): boolean {
    const left = this.left(now);
    if (left === null) return true;
    if (inFlight) {
      if (left >= count) return true;
      this.stopped = this.latest!.resetsAt;
      return false;
    }
    if (this.stopped !== null && now < this.stopped) return false;
    if (left - count >= QUOTA_RESERVE) return true;
    this.stopped = this.latest!.resetsAt;
    return false;
  }

  /** Epoch ms of the reset, once new work stopped for the quota; else null. */
  stoppedUntil(): number | null {
    return this.stopped;
  }

  /** Requests left today, or null when unknown (no answer yet, or the day has turned). */
  private left(now: number): number | null {
    if (this.latest === null || now >= this.latest.resetsAt) return null;
    return this.latest.available;
  }
}
