/**
 * Keap's error answers as typed failures (src/keap/failure.ts), told apart by the HTTP status
 * only. Keap's own message is kept as data to show (it usually says what is wrong with the
 * value), shortened, and never carries a credential: callers pass the secrets to scrub.
 */
import type { AnswerFailure } from './failure';
import type { HttpResponse } from './httpPort';
import type { RequestOutcome } from './requestRunner';
import { classifyStatus } from './retryPolicy';

const MAX_MESSAGE_LENGTH = 200;

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

/** Keap answered with a 2xx. */
export function isSuccess(
  outcome: RequestOutcome,
): outcome is { kind: 'answered'; response: HttpResponse } {
  return (
    outcome.kind === 'answered' && outcome.response.status >= 200 && outcome.response.status < 300
  );
}

/** Why a request that did not end in success failed (an answer of 2xx is not a failure). */
export function answerFailure(outcome: RequestOutcome): AnswerFailure {
  if (outcome.kind !== 'answered') return { kind: outcome.kind };
  const { status, body } = outcome.response;
  switch (classifyStatus(status)) {
    case 'throttled':
      return { kind: 'throttled' };
    case 'server':
      return { kind: 'server-error', status };
    default: {
      const keapMessage = keapErrorMessage(body);
      if (status === 404) return { kind: 'not-found', keapMessage };
      if (status === 403) return { kind: 'forbidden', keapMessage };
      return { kind: 'refused', status, keapMessage };
    }
  }
}
