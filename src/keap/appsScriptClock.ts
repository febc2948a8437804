/** The Keap client's clock (clock.ts) inside Apps Script. */
import type { Clock } from './clock';

/** The real clock inside Apps Script. */
export function appsScriptClock(): Clock {
  return {
    now: () => Date.now(),
    sleep: (ms) => Utilities.sleep(Math.max(0, Math.ceil(ms))),
  };
}
