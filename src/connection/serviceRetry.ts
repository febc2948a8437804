/**
 * Google's services fail now and then with a server-side error that passes on its own
 * ("Service Spreadsheets failed while accessing document ...", "Service unavailable", ...).
 * Such a call is tried again after a short pause. Pure: the pause is given.
 *
 * Only Google's own texts, at the start of the message, count: the add-on's Keap errors say
 * "Keap ... unavailable" and must reach the sync's own handling untouched. "Service invoked
 * too many times" is a quota that lasts far longer than a pause, so it is not retried.
 * Used by the sync (src/sync/services.ts) and by the connection's token reads, so it lives
 * below both.
 */
import { KeapError } from '../keap/model';

const TRANSIENT_STARTS = [
  /^Service Spreadsheets failed while accessing document/i,
  /^Service unavailable/i,
  /^Service error/i,
  /^We're sorry, a server error occurred/i,
  /^Server error occurred/i,
  /^Service Spreadsheets timed out/i,
  /^Address unavailable/i,
];

export const SERVICE_RETRY_PAUSES_MS = [500, 1_000, 2_000];

export function isTransientServiceError(error: unknown): boolean {
  if (!(error instanceof Error) && (typeof error !== 'object' || error === null)) return false;
  if (error instanceof KeapError) return false;
  const message = String((error as { message?: unknown }).message ?? '');
  return TRANSIENT_STARTS.some((start) => start.test(message));
}

/**
 * Runs `call`; when it throws an error `worthRetrying` accepts, pauses and tries again, once
 * per pause, then passes the last error on. The one retry loop of the add-on's Google calls.
 */
export function withRetry<T>(
  call: () => T,
  worthRetrying: (error: unknown) => boolean,
  sleep: (ms: number) => void,
  pauses: readonly number[],
): T {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return call();
    } catch (error) {
      if (attempt >= pauses.length || !worthRetrying(error)) throw error;
      sleep(pauses[attempt]);
    }
  }
}

/** Runs `call`; on a transient Google service error pauses and tries again (3 more times). */
export function withServiceRetry<T>(
  call: () => T,
  sleep: (ms: number) => void,
  pauses: readonly number[] = SERVICE_RETRY_PAUSES_MS,
): T {
  return withRetry(call, isTransientServiceError, sleep, pauses);
}
