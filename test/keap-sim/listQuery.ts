/** The REST v2 list conventions: `filter=a==x;b==y,z`, page_size and opaque page tokens. */

export type FilterKind = 'set' | 'string';

export type ParsedFilter =
  { ok: true; clauses: Map<string, string[]> } | { ok: false; message: string };

/** Parses `field==value[;field==v1,v2]` for the fields a list endpoint allows. */
export function parseFilter(
  filter: string | null,
  allowed: Record<string, FilterKind>,
): ParsedFilter {
  const clauses = new Map<string, string[]>();
  if (filter === null || filter.trim() === '') return { ok: true, clauses };
  for (const part of filter.split(';')) {
    const at = part.indexOf('==');
    if (at <= 0) return { ok: false, message: `Invalid filter: '${part}' (expected field==value)` };
    const field = part.slice(0, at).trim();
    const raw = part.slice(at + 2);
    const kind = allowed[field];
    if (!kind) return { ok: false, message: `Invalid filter field: ${field}` };
    const values = (kind === 'set' ? raw.split(',') : [raw])
      .map((v) => v.trim())
      .filter((v) => v !== '');
    if (values.length === 0) return { ok: false, message: `Invalid filter: ${field} has no value` };
    clauses.set(field, values);
  }
  return { ok: true, clauses };
}

/** `Mar*` matches by prefix, otherwise exact; both case-insensitive. */
export function matchesPattern(value: string | undefined, pattern: string): boolean {
  if (value === undefined) return false;
  const v = value.toLowerCase();
  const p = pattern.toLowerCase();
  return p.endsWith('*') ? v.startsWith(p.slice(0, -1)) : v === p;
}

export type Page<T> =
  { ok: true; items: T[]; nextPageToken: string } | { ok: false; message: string };

/**
 * One page of `all`. The token carries the offset; an empty next token means the last page
 * (the AIP-158 convention Keap's v2 follows; unconfirmed whether Keap omits it instead).
 */
export function pageOf<T>(all: T[], pageSize: number, pageToken: string | null): Page<T> {
  let offset = 0;
  if (pageToken) {
    const decoded = decodeToken(pageToken);
    if (decoded === undefined) return { ok: false, message: 'Invalid page_token' };
    offset = decoded;
  }
  const items = all.slice(offset, offset + pageSize);
  const next = offset + pageSize < all.length ? encodeToken(offset + pageSize) : '';
  return { ok: true, items, nextPageToken: next };
}

function encodeToken(offset: number): string {
  return Buffer.from(`offset:${offset}`).toString('base64url');
}

function decodeToken(token: string): number | undefined {
  const m = /^offset:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  return m ? Number(m[1]) : undefined;
}
