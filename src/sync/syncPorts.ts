/**
 * The services a run of the sync needs, as ports: the runner (runSync.ts) and one execution
 * (execution.ts) both take them, and tests give in-memory fakes (services.ts gives the real ones).
 */
import type { ConnectionProblem } from '../keap/failure';
import type { SyncLogPort } from '../sheet/ports';
import type { CheckpointPort } from './checkpoint';
import type { KeapStatusMarksPort } from './keapStatusMarks';
import type { LeaseRecord } from './lease';
import type { PreviewPorts } from './preview';
import type { ProgressPort } from './progress';
import type { SyncSummary } from './summary';
import type { NextExecution } from './triggers';

/** What a preview reads, and what a run writes and schedules. */
export interface SyncPorts extends PreviewPorts {
  log: SyncLogPort;
  lease: {
    acquire(): boolean;
    release(): void;
    /** The expired lease taken over by acquire: an execution that was killed. */
    takenOver?(): LeaseRecord | null;
  };
  checkpoint: CheckpointPort;
  continuation: {
    /**
     * Arranges the rest of a run with work left (its checkpoint saved): a recurring trigger
     * that continues it, and a quick follow-up where Apps Script accepts one. Says when the
     * next execution comes (nothing is made once Keap is disconnected).
     */
    schedule(delayMs: number, runId: string): NextExecution | void;
    /** The run is over: spent follow-ups are removed. */
    finish(): void;
    /** This execution got through its work: the day's slot is not started again. */
    slotStarted?(): void;
  };
  lastRun: { save(summary: SyncSummary): void };
  /** How far the run has got, for every sidebar (progress.ts); absent: not kept. */
  progress?: ProgressPort;
  /**
   * Why the stored Keap connection cannot be used, or null. No network: it is asked on every
   * run, so a run with nothing to send still says that Keap needs a person.
   */
  connectionProblem?(): ConnectionProblem | null;
  /**
   * The marks of the add-on's words in the Keap Email Status column (keapStatusMarks.ts);
   * absent: told by the legacy reader, nothing stored.
   */
  keapStatusMarks?: KeapStatusMarksPort;
  /** E-mails the owner of an unattended run that needs them (at most daily per kind). */
  notifyOwner?(kind: string, subject: string, body: string): void;
}
