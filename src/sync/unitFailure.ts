/**
 * Why a work unit's row is not done (src/sync/plan.ts decides it, src/sync/statusText.ts
 * words it). Its own module so that the words do not import the plan.
 */

/** 'unreachable': the network failed; 'busy': Keap throttled or had a server error. */
export type RetryReason = 'busy' | 'unreachable';

export type UnitFailure =
  /** The write was never sent (deadline): a continuation does it. No status yet. */
  | { kind: 'pending' }
  /** Keap was busy or out of reach after the retries: the next run tries again. */
  | {
      kind: 'retry';
      reason: RetryReason;
      /** Words after "Will retry: " when not the generic ones. */ message?: string;
    }
  /**
   * `retryNextRun`: an opt-out Keap does not show done; the row says so as an error, and
   * its record lets the next run try again without an edit.
   */
  | { kind: 'error'; message: string; retryNextRun?: boolean };
