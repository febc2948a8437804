/**
 * Which answers are worth another try and how long to wait first. Keap recommends
 * exponential backoff on 429; 5xx and network faults get fewer, shorter retries. Every wait
 * is capped so one stubborn request cannot eat the 6-minute execution.
 */
import type { RetryLimits } from './config';

export type AnswerKind = 'ok' | 'unauthorized' | 'throttled' | 'server' | 'refused';
export type RetryableFailure = 'throttled' | 'server' | 'network';

export function classifyStatus(status: number): AnswerKind {
  if (status >= 200 && status < 300) return 'ok';
  if (status === 401) return 'unauthorized';
  if (status === 429) return 'throttled';
  if (status >= 500 || status === 408) return 'server';
  return 'refused';
}

/** Seconds in a Retry-After header (Keap does not promise one; an HTTP date is ignored). */
function retryAfterMs(header: string | undefined): number | null {
  if (header === undefined || !/^\s*\d+\s*$/.test(header)) return null;
  return Number(header) * 1000;
}

/**
 * Wait before retry number `retry` (1 for the first retry) after `failure`, or null when
 * the retries for that kind of failure are used up.
 */
export function retryDelayMs(
  failure: RetryableFailure,
  retry: number,
  limits: RetryLimits,
  retryAfterHeader?: string,
): number | null {
  const maxRetries = failure === 'throttled' ? limits.maxThrottleRetries : limits.maxServerRetries;
  if (retry < 1 || retry > maxRetries) return null;
  const asked = retryAfterMs(retryAfterHeader);
  const base = failure === 'throttled' ? limits.throttleBaseDelayMs : limits.serverBaseDelayMs;
  const exponential = base * 2 ** (retry - 1);
  return Math.min(limits.maxDelayMs, asked ?? exponential);
}
