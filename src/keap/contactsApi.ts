/**
 * REST v2 contacts: reading many contacts' synced values (contactFields.ts: today their email
 * slots) in few requests, and replacing one contact's values. Shapes follow Keap's OpenAPI spec (listContacts, updateContact).
 */
import { KEAP_REST_V2_BASE, MAX_URL_LENGTH, PAGE_SIZE, PAGE_TOKEN_RESERVE } from './config';
import { CONTACT_FIELD_LIST, CONTACT_PROPERTIES, type ContactValues } from './contactFields';
import type { KeapContact } from './model';
import type { KeapRequest } from './requestRunner';
import { parseListPage, UnreadableAnswerError, type Page } from './restPaging';
import { chunkForUrl } from './urlChunks';

const JSON_ACCEPT = { Accept: 'application/json' };

function contactListUrl(idList: string): string {
  // `filter=ids%3D%3D1,2,3`: "==" encoded, commas plain, as in Keap's own examples.
  return (
    `${KEAP_REST_V2_BASE}/contacts?filter=ids%3D%3D${idList}` +
    `&fields=${CONTACT_PROPERTIES}&page_size=${PAGE_SIZE}`
  );
}

/** One GET per group of ids, each URL short enough to take a page token later. */
export function contactReadRequests(ids: number[]): KeapRequest[] {
  const room = MAX_URL_LENGTH - PAGE_TOKEN_RESERVE - contactListUrl('').length;
  return chunkForUrl(ids.map(String), room, ',').map((group) => ({
    method: 'get',
    url: contactListUrl(group.join(',')),
    headers: JSON_ACCEPT,
  }));
}

/** The cheapest authenticated request: one contact id, to check that a key works. */
export function connectionProbeRequest(): KeapRequest {
  return {
    method: 'get',
    url: `${KEAP_REST_V2_BASE}/contacts?fields=id&page_size=1`,
    headers: JSON_ACCEPT,
  };
}

/**
 * True when two answers for the same contact (pages that overlap) give the same values,
 * field for field; otherwise neither can be trusted as the contact's whole state.
 */
export function sameContact(a: KeapContact, b: KeapContact): boolean {
  return CONTACT_FIELD_LIST.every(([name, field]) => field.sameAnswer(a[name], b[name]));
}

export function parseContactPage(body: string): Page<KeapContact> {
  const page = parseListPage(body, 'contacts', 'a contact list');
  const items: KeapContact[] = [];
  for (const contact of page.items) {
    const raw = (contact ?? {}) as { id?: unknown };
    // The spec types the id as a string; older answers send a number.
    const id = Number(raw.id);
    if (!Number.isSafeInteger(id) || id <= 0) throw new UnreadableAnswerError('a contact list');
    const values: Record<string, unknown> = {};
    for (const [name, field] of CONTACT_FIELD_LIST) {
      const value = field.read((raw as Record<string, unknown>)[field.property]);
      if (value === null) throw new UnreadableAnswerError('a contact list');
      values[name] = value;
    }
    items.push({ id, ...(values as ContactValues) });
  }
  return { items, nextPageToken: page.nextPageToken };
}

/**
 * The contact PATCH: `update_mask` names every synced contact property and Keap replaces
 * each whole, so `values` hold all a contact keeps (the caller sends EMAIL2/EMAIL3 back
 * unchanged).
 */
export function contactPatchRequest(contactId: number, values: ContactValues): KeapRequest {
  const body: Record<string, unknown> = {};
  for (const [name, field] of CONTACT_FIELD_LIST) body[field.property] = field.sent(values[name]);
  return {
    method: 'patch',
    url: `${KEAP_REST_V2_BASE}/contacts/${contactId}?update_mask=${CONTACT_PROPERTIES}`,
    headers: JSON_ACCEPT,
    contentType: 'application/json',
    body: JSON.stringify(body),
  };
}
