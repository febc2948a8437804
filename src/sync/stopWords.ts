/**
 * Plain words for why a run stopped early. Each message is whole sentences with at most one
 * instruction, and never a parenthesis inside a parenthesis: Keap's and the connection's
 * own texts are already sentences, so they are reworded or followed, not wrapped.
 */
import { isTransientServiceError } from './serviceRetry';
import type { KeapFailure } from '../keap/failure';
import { KeapError } from '../keap/model';
import { SheetSetupError } from '../sheet/setupError';
import { asSentence, keapTroubleSentence } from './statusText';
import type { SyncOutcome } from './summary';

export interface Stop {
  outcome: Extract<SyncOutcome, 'needs-reconnect' | 'failed'>;
  message: string;
  /** A Google service failed on its side: the run continues at the next run, as if cut short. */
  transient?: boolean;
}

export const DAILY_LIMIT_SENTENCE =
  "Keap's daily request limit for this add-on was reached; Keap resets it at 00:00 UTC.";
export const RETRY_NEXT_RUN = 'Rows not yet synced are tried again on the next run.';
const SYNCED_ONCE_CONNECTED = 'Rows not yet synced are synced once Keap is connected again.';
const OPEN_AND_CONNECT =
  'Open Keap Sheets Sync from the Extensions menu and connect again; rows not yet synced are synced after that.';

export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export { asSentence };

/**
 * Why Keap needs a person, followed by one instruction: the connection's own when its words
 * already give one (`instructs`).
 */
export function reconnectMessage(reason: string, instructs: boolean): string {
  const said = asSentence(reason) || 'Keap does not accept the connection.';
  return `${said} ${instructs ? SYNCED_ONCE_CONNECTED : OPEN_AND_CONNECT}`;
}

/** Plain words for why an execution stopped early. */
export function stopFor(error: unknown): Stop {
  if (error instanceof KeapError) return keapStop(error.failure, error.reading);
  if (error instanceof SheetSetupError) return { outcome: 'failed', message: error.message };
  return {
    outcome: 'failed',
    message: `The sync stopped unexpectedly: ${asSentence(describe(error))} ${RETRY_NEXT_RUN}`,
    ...(isTransientServiceError(error) ? { transient: true } : {}),
  };
}

/** Why Keap stopped the execution: a person must reconnect, or the next run tries again. */
function keapStop(failure: KeapFailure, reading: string | null): Stop {
  switch (failure.kind) {
    case 'unauthorized':
      return {
        outcome: 'needs-reconnect',
        message: reconnectMessage(failure.reason, failure.instructs),
      };
    // A run handles the daily limit itself (it waits for the reset); this is for the preview.
    case 'daily-limit':
      return { outcome: 'failed', message: DAILY_LIMIT_SENTENCE };
    default:
      return {
        outcome: 'failed',
        message: `${keapTroubleSentence(failure, reading)} ${RETRY_NEXT_RUN}`,
      };
  }
}
