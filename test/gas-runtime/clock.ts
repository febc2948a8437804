import type { Clock } from '../support/wire';

/** 2025-01-06T08:00:00Z, a Monday: a fixed start makes every run reproducible. */
export const DEFAULT_START_MS = Date.UTC(2025, 0, 6, 8, 0, 0);

/** Virtual time shared by the runtime and the Keap simulator. It only moves when told to. */
export class VirtualClock implements Clock {
  private current: number;

  constructor(startMs: number = DEFAULT_START_MS) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new Error(`VirtualClock.advance: bad duration ${ms}`);
    this.current += ms;
  }

  set(ms: number): void {
    if (!Number.isFinite(ms)) throw new Error(`VirtualClock.set: bad time ${ms}`);
    this.current = ms;
  }
}
