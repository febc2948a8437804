/**
 * The small slices of Apps Script services the sync logic needs, so the logic can run
 * against in-memory fakes in tests. PropertiesService stores and LockService locks satisfy
 * these shapes as they are.
 */
export interface KeyValueStore {
  getProperty(key: string): string | null;
  setProperty(key: string, value: string): unknown;
  deleteProperty(key: string): unknown;
}

export interface LockLike {
  tryLock(timeoutInMillis: number): boolean;
  releaseLock(): void;
}

export interface Clock {
  now(): number;
}

/** Unique per call, also for two calls in the same millisecond (run ids, lease owners). */
export function uniqueId(now: number): string {
  return `${now.toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

export function readJson<T>(store: KeyValueStore, key: string): T | null {
  const text = store.getProperty(key);
  if (text === null || text === '') return null;
  try {
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
}

/** Runs `work` holding `lock`; returns `onBusy()` when the lock is not free within `waitMs`. */
export function withLock<T>(lock: LockLike, waitMs: number, work: () => T, onBusy: () => T): T {
  if (!lock.tryLock(waitMs)) return onBusy();
  try {
    return work();
  } finally {
    lock.releaseLock();
  }
}
