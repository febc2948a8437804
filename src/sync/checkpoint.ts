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
}

export function checkpointKey(spreadsheetId: string): string {
  return `keapSync.checkpoint.${spreadsheetId}`;
}

export interface CheckpointPort {
  load(): RunCheckpoint | null;
  save(checkpoint: RunCheckpoint): void;
  clear(): void;
}

export class PropertiesCheckpoint implements CheckpointPort {
  constructor(
    private readonly store: KeyValueStore,
    private readonly spreadsheetId: string,
  ) {}

  load(): RunCheckpoint | null {
    const checkpoint = readJson<RunCheckpoint>(this.store, checkpointKey(this.spreadsheetId));
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

  clear(): void {
    this.store.deleteProperty(checkpointKey(this.spreadsheetId));
  }
}
