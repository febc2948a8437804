/**
 * Keap's error answers turned into plain words for a row's status cell or a run's message.
 * Keap's own message is kept (it usually says what is wrong with the value), shortened, and
 * never carries a credential: callers pass the secrets to scrub.
 */
import type { HttpResponse } from './httpPort';
import type { RequestOutcome } from './requestRunner';
import { classifyStatus } from './retryPolicy';

const MAX_MESSAGE_LENGTH = 200;

export const WORDS = {
  throttled: 'Keap is busy (throttled); will retry next run',
  unreachable: 'Could not reach Keap (network error); will retry next run',
  unconfirmed:
    'Could not reach Keap (network error) and could not check whether the change arrived; ' +
    'the next run checks Keap before sending it again',
  notSent: 'Not sent: the time limit of this run was reached; the next run continues',
  unreadable: 'Keap sent an answer the add-on could not read; will retry next run',
  serverError: (status: number) => `Keap had a server error (HTTP ${status}); will retry next run`,
  /** Keap's answer said no more than its status code. */
  noReason: (status: number) => `Keap gave no reason (its error code was ${status})`,
};

function shorten(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_MESSAGE_LENGTH ? `${flat.slice(0, MAX_MESSAGE_LENGTH - 1)}…` : flat;
}

/** Removes every occurrence of the given secrets (tokens, keys) from a text. */
export function scrubSecrets(text: string, secrets: Array<string | null | undefined>): string {
  let clean = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) clean = clean.split(secret).join('[hidden]');
  }
  return clean;
}

function firstString(...candidates: unknown[]): string | null {
  for (const candidate of candidates) {
    if (typeof candidate === 'string' && candidate.trim() !== '') return candidate;
  }
  return null;
}

/**
 * Keap's own explanation from an error body: REST v2 `{message}`, v1 `{message}`, the
 * gateway's `{fault: {faultstring}}`, or OAuth's `{error_description, error}`.
 */
export function keapErrorMessage(body: string): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const record = parsed as Record<string, unknown>;
  const fault = (record.fault ?? {}) as Record<string, unknown>;
  const found = firstString(
    record.message,
    fault.faultstring,
    record.error_description,
    record.error,
  );
  return found === null ? null : shorten(found);
}

/** Plain words for a request that did not end in success. */
export function describeFailure(
  outcome: RequestOutcome,
  refusal: (response: HttpResponse, keapMessage: string) => string,
): { error: string; retryLater: boolean; attempted: boolean } {
  if (outcome.kind === 'not-sent')
    return { error: WORDS.notSent, retryLater: true, attempted: false };
  if (outcome.kind === 'unreachable') {
    return { error: WORDS.unreachable, retryLater: true, attempted: true };
  }
  if (outcome.kind === 'unconfirmed') {
    return { error: WORDS.unconfirmed, retryLater: true, attempted: true };
  }
  const { response } = outcome;
  switch (classifyStatus(response.status)) {
    case 'throttled':
      return { error: WORDS.throttled, retryLater: true, attempted: true };
    case 'server':
      return { error: WORDS.serverError(response.status), retryLater: true, attempted: true };
    default: {
      const message = keapErrorMessage(response.body) ?? WORDS.noReason(response.status);
      return { error: refusal(response, message), retryLater: false, attempted: true };
    }
  }
}
