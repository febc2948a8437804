/**
 * The small slices of Apps Script services the sync logic needs, so the logic can run
 * against in-memory fakes in tests. The stores and locks are the connection's own ports
 * (src/connection/storePorts.ts), the clock the Keap client's without its sleep.
 */
import type { Clock as KeapClock } from '../keap/clock';

export { readJson, withLock, type KeyValueStore, type LockLike } from '../connection/storePorts';

/** Time as the sync sees it: the Keap client's clock (src/keap/clock.ts), which it never sleeps. */
export type Clock = Pick<KeapClock, 'now'>;

/** Unique per call, also for two calls in the same millisecond (run ids, lease owners). */
export function uniqueId(now: number): string {
  return `${now.toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}
