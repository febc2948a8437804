/** Time as the Keap client sees it: a port so pacing and backoff run under a fake clock in tests. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Blocks the execution (Apps Script has no timers). */
  sleep(ms: number): void;
}

/** The real clock inside Apps Script. */
export function appsScriptClock(): Clock {
  return {
    now: () => Date.now(),
    sleep: (ms) => Utilities.sleep(Math.max(0, Math.ceil(ms))),
  };
}
