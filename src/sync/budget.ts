/**
 * Time and size limits of one execution, in one place. Apps Script stops an execution at
 * 6 minutes; the sync stops starting new chunks well before, leaving time to write the
 * statuses, the state and the log, and continues in a follow-up trigger.
 */
export const SYNC_LIMITS = {
  /** No new chunk of rows starts after this much time in the execution. */
  stopStartingChunksAfterMs: 270_000,
  /** Keap writes not started by then come back unattempted (given to the gateway). */
  keapDeadlineAfterMs: 300_000,
  /**
   * Contacts per chunk: batched reads (the gateway splits ids and emails into URLs under
   * 2 KB), then the chunk's writes. Large, so write batches are full; a chunk that starts
   * just before the limit above still ends in time, because writes not started by the Keap
   * deadline come back unattempted.
   */
  chunkSize: 1000,
  /**
   * Statuses written between chunks, at most, per run over the tab: each such write reads and
   * checks the whole tab twice, so a large tab gets them every 1/20 of its rows rather than
   * every chunk (a 50,000-row tab every 2,500 rows, about 2 minutes at Keap's rate). Up to
   * 20,000 rows that is every chunk. The progress record still moves on with every chunk.
   */
  statusWritesPerTab: 20,
  /**
   * A lease lasts the execution's own limit (6 minutes from its start) plus a margin: no
   * execution outlives it, and one killed at the limit is not "running" for long after.
   */
  leaseMs: 6 * 60_000 + 30_000,
  /** Delay before the follow-up execution. */
  continuationDelayMs: 60_000,
  /**
   * A follow-up replaces itself by the next one before it works, in case it is killed. That
   * one fires after the lease of a killed execution has expired.
   */
  followUpSafetyNetMs: 8 * 60_000,
  /** A run that needs more follow-ups than this is stopped and reported. */
  maxContinuations: 48,
  /** Follow-ups that may fire for one run, killed ones included; then the run is closed. */
  maxFollowUpsFired: 52,
  /** A checkpoint older than this is from a chain that broke off; its run is closed. */
  staleCheckpointMs: 24 * 60 * 60_000,
};

export type SyncLimits = typeof SYNC_LIMITS;

export interface ExecutionBudget {
  /** Epoch ms after which Keap writes are not started. */
  keapDeadline: number;
  /** True while a new chunk may start. The first chunk always may, so each execution progresses. */
  mayStartChunk(now: number, chunksDone: number): boolean;
}

export function executionBudget(
  startedAt: number,
  limits: SyncLimits = SYNC_LIMITS,
): ExecutionBudget {
  return {
    keapDeadline: startedAt + limits.keapDeadlineAfterMs,
    mayStartChunk: (now, chunksDone) =>
      chunksDone === 0 || now < startedAt + limits.stopStartingChunksAfterMs,
  };
}

/**
 * Rows answered between two status writes between chunks, for a tab of `tabRows` rows; 0:
 * after every chunk (a tab up to statusWritesPerTab chunks long).
 */
export function rowsBetweenStatusWrites(tabRows: number, limits: SyncLimits = SYNC_LIMITS): number {
  const share = Math.ceil(tabRows / limits.statusWritesPerTab);
  return share > limits.chunkSize ? share : 0;
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}
