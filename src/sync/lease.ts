/**
 * One sync at a time per spreadsheet, across users and with or without an active document:
 * a lease (owner, expiry) in script properties, taken and released under a short script
 * lock. It expires on its own, so an execution killed mid-run blocks the next one for at
 * most the lease time.
 */
import {
  readJson,
  uniqueId,
  withLock,
  type Clock,
  type KeyValueStore,
  type LockLike,
} from './ports';

interface LeaseRecord {
  owner: string;
  expiresAt: number;
}

const LOCK_WAIT_MS = 5_000;

export function leaseKey(spreadsheetId: string): string {
  return `keapSync.lease.${spreadsheetId}`;
}

export class SyncLease {
  private readonly owner: string;
  private held = false;

  constructor(
    private readonly store: KeyValueStore,
    private readonly lock: LockLike,
    private readonly spreadsheetId: string,
    private readonly clock: Clock,
    private readonly ttlMs: number,
  ) {
    this.owner = uniqueId(clock.now());
  }

  private current(): LeaseRecord | null {
    const record = readJson<LeaseRecord>(this.store, leaseKey(this.spreadsheetId));
    return record && record.expiresAt > this.clock.now() ? record : null;
  }

  /** True when this execution now holds the lease; false when another sync holds it. */
  acquire(): boolean {
    return withLock(
      this.lock,
      LOCK_WAIT_MS,
      () => {
        const record = this.current();
        if (record && record.owner !== this.owner) return false;
        const lease: LeaseRecord = { owner: this.owner, expiresAt: this.clock.now() + this.ttlMs };
        this.store.setProperty(leaseKey(this.spreadsheetId), JSON.stringify(lease));
        this.held = true;
        return true;
      },
      () => false,
    );
  }

  /** Gives the lease back if this execution still holds it. */
  release(): void {
    if (!this.held) return;
    withLock(
      this.lock,
      LOCK_WAIT_MS,
      () => {
        const record = readJson<LeaseRecord>(this.store, leaseKey(this.spreadsheetId));
        if (record?.owner === this.owner) this.store.deleteProperty(leaseKey(this.spreadsheetId));
        this.held = false;
      },
      // The lock stayed busy: the lease simply expires.
      () => undefined,
    );
  }

  /** Whether some execution (this one or another) holds an unexpired lease. */
  isTaken(): boolean {
    return this.current() !== null;
  }
}
