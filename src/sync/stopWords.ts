/**
 * Why a run stopped early, and what follows from it: a person must reconnect, or the next run
 * tries again. The words are chosen in statusText.ts (keapStopMessage, unexpectedStopMessage).
 */
import type { KeapFailure } from '../keap/failure';
import { KeapError } from '../keap/model';
import { SheetSetupError } from '../sheet/setupError';
import { isTransientServiceError } from './serviceRetry';
import { asSentence, keapStopMessage, sheetSetupWords, unexpectedStopMessage } from './statusText';
import type { SyncOutcome } from './summary';

export interface Stop {
  outcome: Extract<SyncOutcome, 'needs-reconnect' | 'failed'>;
  message: string;
  /** A Google service failed on its side: the run continues at the next run, as if cut short. */
  transient?: boolean;
}

export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export { asSentence };

/** Why an execution stopped early. */
export function stopFor(error: unknown): Stop {
  if (error instanceof KeapError) {
    return {
      outcome: keapStopOutcome(error.failure),
      message: keapStopMessage(error.failure, error.reading),
    };
  }
  if (error instanceof SheetSetupError) {
    return { outcome: 'failed', message: sheetSetupWords(error.problem) };
  }
  return {
    outcome: 'failed',
    message: unexpectedStopMessage(describe(error)),
    ...(isTransientServiceError(error) ? { transient: true } : {}),
  };
}

/**
 * A lost connection needs a person; every other failure is tried again by the next run (a
 * run handles the daily limit itself, waiting for the reset: this is for the preview).
 */
function keapStopOutcome(failure: KeapFailure): Stop['outcome'] {
  switch (failure.kind) {
    case 'unauthorized':
      return 'needs-reconnect';
    case 'not-sent':
    case 'unreachable':
    case 'unconfirmed':
    case 'throttled':
    case 'server-error':
    case 'not-found':
    case 'forbidden':
    case 'refused':
    case 'unreadable':
    case 'too-long':
    case 'kept-paging':
    case 'daily-limit':
    case 'connection':
    case 'opt-out-unconfirmed':
    case 'opt-out-unavailable':
    case 'opt-out-unreadable':
    case 'opt-out-not-done':
      return 'failed';
    default:
      return failure satisfies never;
  }
}
