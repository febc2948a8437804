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

/**
 * One page of a list answer: the raw entries under `listKey` (absent means none) and the
 * token of the next page. Throws UnreadableAnswerError for a body of another form.
 */
export function parseListPage(body: string, listKey: string, what: string): Page<unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new UnreadableAnswerError(what);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new UnreadableAnswerError(what);
  }
  const record = parsed as Record<string, unknown>;
  const items = record[listKey] ?? [];
  if (!Array.isArray(items)) throw new UnreadableAnswerError(what);
  const token = record.next_page_token;
  return { items, nextPageToken: typeof token === 'string' && token !== '' ? token : null };
}

/** The same list request for the next page. */
export function withPageToken(request: KeapRequest, token: string): KeapRequest {
  const base = request.url.replace(/&page_token=[^&]*/, '');
  const url = `${base}&page_token=${encodeURIComponent(token)}`;
  if (url.length > MAX_URL_LENGTH) throw new UnreadableAnswerError('a list (page token too long)');
  return { ...request, url };
}
