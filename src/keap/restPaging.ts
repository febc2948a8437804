/**
 * REST v2 paging: list answers are a JSON object with the items and an optional
 * next_page_token; the next page is the same request with `page_token` added.
 */
import { MAX_URL_LENGTH } from './config';
import type { KeapRequest } from './requestRunner';

export interface Page<T> {
  items: T[];
  nextPageToken: string | null;
}

/** Thrown for a 2xx body that is not the JSON the spec describes. */
export class UnreadableAnswerError extends Error {
  constructor(what: string) {
    super(`Keap's answer to ${what} was not in the expected form.`);
    this.name = 'UnreadableAnswerError';
  }
}

export function parseJsonObject(body: string, what: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new UnreadableAnswerError(what);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new UnreadableAnswerError(what);
  }
  return parsed as Record<string, unknown>;
}

export function nextPageToken(record: Record<string, unknown>): string | null {
  const token = record.next_page_token;
  return typeof token === 'string' && token !== '' ? token : null;
}

/** The same list request for the next page. */
export function withPageToken(request: KeapRequest, token: string): KeapRequest {
  const base = request.url.replace(/&page_token=[^&]*/, '');
  const url = `${base}&page_token=${encodeURIComponent(token)}`;
  if (url.length > MAX_URL_LENGTH) throw new UnreadableAnswerError('a list (page token too long)');
  return { ...request, url };
}
