/**
 * One sync at a time per spreadsheet, across users and with or without an active document:
 * a lease (owner, expiry, who started it) in script properties, taken and released under a
 * short script lock. It expires on its own at the end of the execution's own time limit
 * (its start + 6 minutes + a small margin): no execution outlives that, so a live run never
 * loses its lease, and a killed one is not shown as running once Google has stopped it.
 * "Running" is read from it alone. An expired lease that was never given back is what a
 * killed execution leaves: the run was interrupted. The starter notes in it about when its
 * work continues if it dies, so everyone can be told (other people cannot read its records).
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
  /** Epoch ms about when a trigger of the starter continues the work if this execution dies. */
  continuesAt?: number | null;
}

/** Who holds the lease, and how its work continues should it be killed. */
export interface LeaseHolder {
  startedBy: () => string | null;
  trigger?: string;
  /** About when the work continues if the execution dies and its lease expires at `expiresAt`. */
  continuesAt?: (expiresAt: number) => number | null;
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
    private readonly who: LeaseHolder = { startedBy: () => null },
    /** When this execution started (its time limit counts from then); now when unknown. */
    private readonly executionStartedAt: number | null = null,
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
        const expiresAt = Math.min(now, this.executionStartedAt ?? now) + this.ttlMs;
        const lease: LeaseRecord = {
          owner: this.owner,
          expiresAt,
          startedBy,
          trigger: this.who.trigger,
          startedAt: now,
          continuesAt: this.continuesAt(expiresAt),
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

  /** About when the work continues if this execution dies; null when unknown or none. */
  private continuesAt(expiresAt: number): number | null {
    try {
      return this.who.continuesAt?.(expiresAt) ?? null;
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

  /** The unexpired lease (whoever holds it), or null. */
  holder(): LeaseRecord | null {
    return this.current();
  }

  /** The owner id this execution's lease carries (progress.ts names it). */
  ownerId(): string {
    return this.owner;
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
