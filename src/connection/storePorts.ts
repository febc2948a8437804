/**
 * The small slices of Apps Script's Properties and Lock services that the connection and the
 * sync use, so their logic runs against in-memory fakes in tests. PropertiesService stores
 * and LockService locks satisfy these shapes as they are. One home for both layers: the sync
 * reaches these through src/sync/ports.ts.
 */
export interface KeyValueStore {
  getProperty(key: string): string | null;
  setProperty(key: string, value: string): unknown;
  deleteProperty(key: string): unknown;
}

/** The JSON value kept under `key`; null when there is none or it is not JSON. */
export function readJson<T>(store: KeyValueStore, key: string): T | null {
  const text = store.getProperty(key);
  if (text === null || text === '') return null;
  try {
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
}

export function writeJson(store: KeyValueStore, key: string, value: unknown): void {
  store.setProperty(key, JSON.stringify(value));
}

export interface LockLike {
  tryLock(timeoutInMillis: number): boolean;
  releaseLock(): void;
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

/** A lock taken as the OAuth2 library takes it: waitLock throws when it stays busy. */
export interface WaitingLock {
  waitLock(timeoutInMillis: number): void;
  releaseLock(): void;
}

/**
 * Runs `work` holding `lock`, taken with waitLock like the OAuth2 library takes the same user
 * lock; when it stays busy, `onBusy` gets waitLock's error (by default it is thrown as is).
 */
export function withWaitedLock<T>(
  lock: WaitingLock,
  waitMs: number,
  work: () => T,
  onBusy: (error: unknown) => never = (error) => {
    throw error;
  },
): T {
  try {
    lock.waitLock(waitMs);
  } catch (error) {
    return onBusy(error);
  }
  try {
    return work();
  } finally {
    lock.releaseLock();
  }
}
