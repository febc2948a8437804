/**
 * A run that continues in a follow-up execution leaves its counts here (user properties,
 * keyed by spreadsheet id: the follow-up trigger runs as the same person). No row cursor is
 * needed: finished rows are recognised by their fingerprints in the Keap Sync Record column.
 */
import { readJson, type KeyValueStore } from './ports';
import type { SyncTrigger } from './summary';
import type { RunTally } from './tally';

export interface RunCheckpoint {
  /** Epoch ms the run's first execution started. */
  startedAt: number;
  /** Marks the state records this run wrote. */
  runId: string;
  /** How the run was started (a follow-up keeps the original). */
  trigger: SyncTrigger;
  executions: number;
  tally: RunTally;
  savedAt: number;
  /**
   * Epoch ms: Keap's daily limit stopped the run until then (its reset, 00:00 UTC). Firings
   * before it return at once instead of spending requests on a quota that is spent.
   */
  waitUntil?: number;
  /**
   * The Keap account the run writes to (src/connection/keapAccount.ts), null when the
   * connection did not say; absent in checkpoints of earlier versions.
   */
  account?: string | null;
  /** The tab the run syncs; absent in checkpoints of earlier versions. */
  sheetName?: string;
}

/** True while the run waits for Keap's daily limit to reset. */
export function isWaitingForKeap(checkpoint: RunCheckpoint, now: number): boolean {
  return typeof checkpoint.waitUntil === 'number' && now < checkpoint.waitUntil;
}

/**
 * True when the run broke off: its last execution is older than `staleMs`. A run that waits
 * for Keap's daily limit is measured from the reset, so a wait of most of a day (and the
 * hour until the trigger fires after it) does not end it.
 */
export function isStale(checkpoint: RunCheckpoint, now: number, staleMs: number): boolean {
  return now - Math.max(checkpoint.savedAt, checkpoint.waitUntil ?? 0) > staleMs;
}

/** What a run is about: the Keap account it writes to and the tab it syncs (null: unknown). */
export interface RunContext {
  account: string | null;
  sheetName: string | null;
}

/** How the world moved under a pending run; `from` and `to` are account ids or tab names. */
export interface RunChange {
  kind: 'account' | 'tab';
  from: string;
  to: string;
}

/**
 * Whether a pending run may be continued now: not when the connection reaches another Keap
 * account, nor when the settings name another tab. Either way the run's counts describe
 * another account's contacts or another tab's rows, so it is ended and a new run starts.
 * Unknown on either side (an older checkpoint, a connection that does not say) is no change.
 */
export function changeSince(checkpoint: RunCheckpoint, now: RunContext): RunChange | null {
  const { account, sheetName } = checkpoint;
  if (typeof account === 'string' && now.account !== null && account !== now.account) {
    return { kind: 'account', from: account, to: now.account };
  }
  if (typeof sheetName === 'string' && now.sheetName !== null && sheetName !== now.sheetName) {
    return { kind: 'tab', from: sheetName, to: now.sheetName };
  }
  return null;
}

export function checkpointKey(spreadsheetId: string): string {
  return `keapSync.checkpoint.${spreadsheetId}`;
}

export interface CheckpointPort {
  load(): RunCheckpoint | null;
  save(checkpoint: RunCheckpoint): void;
  /** `runId`: the run that ended (its leftover checkpoint is then never resumed). */
  clear(runId?: string): void;
}

export class PropertiesCheckpoint implements CheckpointPort {
  constructor(
    private readonly store: KeyValueStore,
    private readonly spreadsheetId: string,
  ) {}

  /**
   * The run whose checkpoint could not be cleared at its end. The checkpoint alone decides
   * whether a run continues, so an ended run's leftover must not be taken for a pending one.
   */
  private endedKey(): string {
    return `keapSync.runEnded.${this.spreadsheetId}`;
  }

  load(): RunCheckpoint | null {
    const checkpoint = readJson<RunCheckpoint>(this.store, checkpointKey(this.spreadsheetId));
    if (checkpoint && checkpoint.runId === this.store.getProperty(this.endedKey())) {
      // An ended run's leftover (its execution was cut off while clearing it): removed now.
      try {
        this.store.deleteProperty(checkpointKey(this.spreadsheetId));
        this.store.deleteProperty(this.endedKey());
      } catch {
        // Still marked as ended: the next load tries again.
      }
      return null;
    }
    const valid =
      checkpoint !== null &&
      typeof checkpoint.startedAt === 'number' &&
      typeof checkpoint.runId === 'string' &&
      typeof checkpoint.executions === 'number' &&
      typeof checkpoint.tally === 'object' &&
      checkpoint.tally !== null;
    return valid ? checkpoint : null;
  }

  save(checkpoint: RunCheckpoint): void {
    this.store.setProperty(checkpointKey(this.spreadsheetId), JSON.stringify(checkpoint));
  }

  /** The run is over. The run id is noted first: if the removal fails, the leftover is known. */
  clear(runId?: string): void {
    if (runId !== undefined) {
      try {
        this.store.setProperty(this.endedKey(), runId);
      } catch {
        // The removal below usually works; the note only matters when it does not.
      }
    }
    this.store.deleteProperty(checkpointKey(this.spreadsheetId));
  }
}
