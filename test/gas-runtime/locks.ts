/**
 * LockService with real exclusion across executions.
 *
 * Executions here are synchronous, so an overlap is modelled by starting execution B from
 * inside execution A's `onServiceCall` hook: B runs to completion while A is paused. If B
 * asks for a lock A holds, A cannot progress until B gives up, so B's wait spends its whole
 * timeout on the virtual clock and then fails (waitLock throws, tryLock returns false).
 * Locks are keyed by scope (user lock per user, one script lock, document lock per
 * spreadsheet), held by an execution, and released when that execution ends.
 */
import { instrument, type Execution } from './execution';
import type { Host } from './host';

export const LOCK_TIMEOUT_MESSAGE =
  'Lock timeout: another process was holding the lock for too long.';

export class LockTable {
  private readonly holders = new Map<string, number>();

  holder(key: string): number | undefined {
    return this.holders.get(key);
  }

  acquire(key: string, executionId: number): boolean {
    const current = this.holders.get(key);
    if (current !== undefined && current !== executionId) return false;
    this.holders.set(key, executionId);
    return true;
  }

  release(key: string, executionId: number): void {
    if (this.holders.get(key) === executionId) this.holders.delete(key);
  }

  releaseAll(executionId: number): void {
    for (const [key, holder] of this.holders) if (holder === executionId) this.holders.delete(key);
  }
}

export function createLockService(exec: Execution, host: Host): GoogleAppsScript.Lock.LockService {
  const lockObject = (key: string) => {
    const attempt = (timeoutMs: number): boolean => {
      if (host.locks.acquire(key, exec.id)) return true;
      const wait = Math.max(0, Number(timeoutMs) || 0);
      exec.ledger.lockWaitMs += wait;
      exec.spend(wait);
      return false;
    };
    const impl = {
      tryLock: (timeoutMs: number) => attempt(timeoutMs),
      waitLock(timeoutMs: number) {
        if (!attempt(timeoutMs)) exec.fail(LOCK_TIMEOUT_MESSAGE);
      },
      releaseLock() {
        host.locks.release(key, exec.id);
      },
      hasLock: () => host.locks.holder(key) === exec.id,
    };
    return instrument(exec, 'Lock', impl);
  };
  const impl = {
    getUserLock: () => lockObject(`user:${exec.user}`),
    getScriptLock: () => lockObject('script'),
    getDocumentLock: () =>
      exec.spreadsheetId === null ? null : lockObject(`document:${exec.spreadsheetId}`),
  };
  return instrument(exec, 'LockService', impl) as never;
}
