/**
 * One sync at a time per spreadsheet, across users and with or without an active document:
 * a lease (owner, expiry, who started it) in script properties, taken and released under a
 * short script lock. It expires on its own, so an execution killed mid-run blocks the next
 * one for at most the lease time; "running" is read from it alone. An expired lease that
 * was never given back is what a killed execution leaves: the run was interrupted.
 */
import {
  readJson,
  uniqueId,
  withLock,
  type Clock,
  type KeyValueStore,
  type LockLike,
} from './ports';

export interface LeaseRecord {
  owner: string;
  expiresAt: number;
  /** E-mail of the person the execution ran as, when known. */
  startedBy?: string | null;
  /** How the execution was started (daily, sidebar, menu, continuation). */
  trigger?: string;
  /** Epoch ms the execution started. */
  startedAt?: number;
}

const LOCK_WAIT_MS = 5_000;

export function leaseKey(spreadsheetId: string): string {
  return `keapSync.lease.${spreadsheetId}`;
}

export class SyncLease {
  private readonly owner: string;
  private held = false;
  private interruptedRecord: LeaseRecord | null = null;

  constructor(
    private readonly store: KeyValueStore,
    private readonly lock: LockLike,
    private readonly spreadsheetId: string,
    private readonly clock: Clock,
    private readonly ttlMs: number,
    private readonly who: { startedBy: () => string | null; trigger?: string } = {
      startedBy: () => null,
    },
  ) {
    this.owner = uniqueId(clock.now());
  }

  private stored(): LeaseRecord | null {
    return readJson<LeaseRecord>(this.store, leaseKey(this.spreadsheetId));
  }

  private current(): LeaseRecord | null {
    const record = this.stored();
    return record && record.expiresAt > this.clock.now() ? record : null;
  }

  /** True when this execution now holds the lease; false when another sync holds it. */
  acquire(): boolean {
    return withLock(
      this.lock,
      LOCK_WAIT_MS,
      () => {
        const stored = this.stored();
        const now = this.clock.now();
        if (stored && stored.expiresAt > now && stored.owner !== this.owner) return false;
        if (stored && stored.expiresAt <= now) this.interruptedRecord = stored;
        const startedBy = this.startedBy();
        const lease: LeaseRecord = {
          owner: this.owner,
          expiresAt: now + this.ttlMs,
          startedBy,
          trigger: this.who.trigger,
          startedAt: now,
        };
        this.store.setProperty(leaseKey(this.spreadsheetId), JSON.stringify(lease));
        this.held = true;
        return true;
      },
      () => false,
    );
  }

  /** Who runs this execution; unknown (null) when Google will not say. */
  private startedBy(): string | null {
    try {
      return this.who.startedBy();
    } catch {
      return null;
    }
  }

  /** The expired lease this execution took over when it acquired (an interrupted execution). */
  takenOver(): LeaseRecord | null {
    return this.interruptedRecord;
  }

  /** Gives the lease back if this execution still holds it. */
  release(): void {
    if (!this.held) return;
    withLock(
      this.lock,
      LOCK_WAIT_MS,
      () => {
        const record = this.stored();
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

  /** An expired lease that was never given back: its execution was killed. */
  interrupted(): LeaseRecord | null {
    const record = this.stored();
    return record && record.expiresAt <= this.clock.now() ? record : null;
  }

  /** Removes an expired leftover lease once it has been reported; true when this call removed it. */
  clearInterrupted(record: LeaseRecord): boolean {
    return withLock(
      this.lock,
      LOCK_WAIT_MS,
      () => {
        const now = this.stored();
        if (!now || now.owner !== record.owner || now.expiresAt > this.clock.now()) return false;
        this.store.deleteProperty(leaseKey(this.spreadsheetId));
        return true;
      },
      () => false,
    );
  }
}
