/**
 * Splits a list that travels in a URL (ids, emails) into groups whose joined text fits the
 * room left in the URL, so no request crosses Apps Script's 2 KB URL limit.
 */

/** Thrown for one item that alone does not fit: no split could send it. */
export class UrlTooLongError extends Error {
  constructor(readonly itemLength: number) {
    super(`An item of ${itemLength} characters does not fit in one URL.`);
    this.name = 'UrlTooLongError';
  }
}

/**
 * Groups `items` (already URL-encoded) in order so that each group's
 * `items.join(separator)` is at most `room` characters.
 */
export function chunkForUrl(items: string[], room: number, separator: string): string[][] {
  const chunks: string[][] = [];
  let current: string[] = [];
  let length = 0;
  for (const item of items) {
    if (item.length > room) throw new UrlTooLongError(item.length);
    const added = current.length === 0 ? item.length : separator.length + item.length;
    if (length + added > room) {
      chunks.push(current);
      current = [item];
      length = item.length;
    } else {
      current.push(item);
      length += added;
    }
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** encodeURIComponent plus the characters it leaves alone that some servers treat specially. */
export function encodeQueryValue(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
