/** Time as the Keap client sees it: a port so pacing and backoff run under a fake clock in tests. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Blocks the execution (Apps Script has no timers). */
  sleep(ms: number): void;
}
