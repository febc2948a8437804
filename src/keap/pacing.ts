/**
 * Paces requests so Keap never sees more than our per-second and per-minute limits (sliding
 * windows over the start times of this execution's requests) and slows down further when
 * Keap's throttle headers say the shared window is nearly spent.
 */
import type { Clock } from './clock';
import type { RateLimits } from './config';
import { readThrottle, type ThrottleReading } from './throttleHeaders';

const SECOND_MS = 1000;
const MINUTE_MS = 60 * 1000;

interface HeaderBudget {
  available: number;
  observedAt: number;
  refillPerMs: number;
  startedSince: number;
}

export class Pacer {
  /** Start times within the last minute, oldest first. */
  private readonly started: number[] = [];
  private budget: HeaderBudget | null = null;

  constructor(
    private readonly limits: RateLimits,
    private readonly clock: Clock,
  ) {}

  /**
   * Sleeps until a full batch may start, then reserves and returns how many of `wanted` may
   * start now (at least 1). A fetchAll costs its slowest request whatever its size, so when
   * only the per-second window holds requests back, waiting the fraction of a second for a
   * full batch keeps the rate near the throttle instead of sending slivers; when the minute
   * window or Keap's own headers bind, whatever they allow goes at once.
   */
  take(wanted: number): number {
    if (wanted < 1) return 0;
    const fullBatch = Math.min(wanted, this.limits.perSecond);
    for (;;) {
      const now = this.clock.now();
      this.forgetBefore(now - MINUTE_MS);
      const bySecond = this.limits.perSecond - this.inLastSecond(now);
      const byOthers = Math.min(
        this.limits.perMinute - this.started.length,
        this.headerAllowance(now),
      );
      const allowed = Math.min(wanted, bySecond, byOthers);
      const secondWindowBinds = bySecond < fullBatch && byOthers >= fullBatch;
      if (allowed >= fullBatch || (allowed >= 1 && !secondWindowBinds)) {
        for (let i = 0; i < allowed; i += 1) this.started.push(now);
        if (this.budget) this.budget.startedSince += allowed;
        return allowed;
      }
      const wait = secondWindowBinds ? this.msUntilSecondWindowFrees(now, fullBatch) : 0;
      this.clock.sleep(Math.max(1, wait || this.waitMs(now)));
    }
  }

  /** How long until the last second's starts leave room for `count` more. */
  private msUntilSecondWindowFrees(now: number, count: number): number {
    const mustExpire = this.started.length - (this.limits.perSecond - count);
    if (mustExpire <= 0) return 0;
    return this.started[mustExpire - 1] + SECOND_MS - now;
  }

  /**
   * Learns from the throttle headers of one batch's answers. The answers of a parallel batch
   * arrive in any order, so the lowest count is taken as the latest view of the window.
   */
  observe(answers: Array<Record<string, string>>): void {
    let tightest: ThrottleReading | null = null;
    for (const headers of answers) {
      const reading = readThrottle(headers);
      if (reading && (tightest === null || reading.available < tightest.available)) {
        tightest = reading;
      }
    }
    if (!tightest) return;
    const refillPerMs = tightest.refillPerMs ?? this.limits.perMinute / MINUTE_MS;
    this.budget = {
      available: tightest.available,
      observedAt: this.clock.now(),
      refillPerMs,
      startedSince: 0,
    };
  }

  /** Keap answered 429: treat its window as empty until it refills. */
  noteThrottled(): void {
    const refillPerMs = this.budget?.refillPerMs ?? this.limits.perMinute / MINUTE_MS;
    this.budget = { available: 0, observedAt: this.clock.now(), refillPerMs, startedSince: 0 };
  }

  private forgetBefore(cutoff: number): void {
    while (this.started.length > 0 && this.started[0] <= cutoff) this.started.shift();
    // A whole window without news: Keap's window has rolled over since that reading.
    if (this.budget && this.budget.observedAt <= cutoff) this.budget = null;
  }

  private inLastSecond(now: number): number {
    let count = 0;
    for (let i = this.started.length - 1; i >= 0 && this.started[i] > now - SECOND_MS; i -= 1) {
      count += 1;
    }
    return count;
  }

  private headerAllowance(now: number): number {
    if (!this.budget) return Number.POSITIVE_INFINITY;
    const { available, observedAt, refillPerMs, startedSince } = this.budget;
    return Math.floor(available + refillPerMs * (now - observedAt)) - startedSince;
  }

  private waitMs(now: number): number {
    let wait = 0;
    const inSecond = this.inLastSecond(now);
    if (inSecond >= this.limits.perSecond) {
      const freeing = this.started[this.started.length - this.limits.perSecond];
      wait = Math.max(wait, freeing + SECOND_MS - now);
    }
    if (this.started.length >= this.limits.perMinute) {
      const freeing = this.started[this.started.length - this.limits.perMinute];
      wait = Math.max(wait, freeing + MINUTE_MS - now);
    }
    if (this.budget && this.headerAllowance(now) < 1) {
      const { available, observedAt, refillPerMs, startedSince } = this.budget;
      const needed = 1 + startedSince - available;
      wait = Math.max(wait, Math.min(MINUTE_MS, observedAt + needed / refillPerMs - now));
    }
    return Math.ceil(wait);
  }
}
