/**
 * REST v2 contacts: reading many contacts' email slots in few requests, and replacing one
 * contact's email list. Shapes follow Keap's OpenAPI spec (listContacts, updateContact).
 */
import { KEAP_REST_V2_BASE, MAX_URL_LENGTH, PAGE_SIZE, PAGE_TOKEN_RESERVE } from './config';
import type { EmailField, EmailSlot, KeapContact } from './model';
import type { KeapRequest } from './requestRunner';
import { parseListPage, UnreadableAnswerError, type Page } from './restPaging';
import { chunkForUrl } from './urlChunks';

const JSON_ACCEPT = { Accept: 'application/json' };
const EMAIL_FIELDS: ReadonlySet<string> = new Set<EmailField>(['EMAIL1', 'EMAIL2', 'EMAIL3']);
/** In the spec's enum of email fields beside EMAIL1-3. */
const UNSPECIFIED_FIELD = 'EMAIL_FIELD_UNSPECIFIED';

function contactListUrl(idList: string): string {
  // `filter=ids%3D%3D1,2,3`: "==" encoded, commas plain, as in Keap's own examples.
  return (
    `${KEAP_REST_V2_BASE}/contacts?filter=ids%3D%3D${idList}` +
    `&fields=email_addresses&page_size=${PAGE_SIZE}`
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
 * The contact's whole email list, or null when it is not one address per slot in the shape
 * the spec gives. The PATCH that changes EMAIL1 replaces the whole list, so a slot the add-on
 * could not read (a missing list, a field name in another case, an unknown slot, an address
 * filed under EMAIL_FIELD_UNSPECIFIED) would be deleted by it, and a list that names a slot
 * twice or with an empty address is not one the add-on could send back as Keap described it:
 * such an answer is never a basis for a write.
 */
function toEmailSlots(raw: unknown): EmailSlot[] | null {
  if (!Array.isArray(raw)) return null;
  const slots: EmailSlot[] = [];
  const seen = new Set<string>();
  for (const item of raw) {
    const { email, field } = (item ?? {}) as { email?: unknown; field?: unknown };
    if (typeof email !== 'string' || typeof field !== 'string') return null;
    const empty = email.trim() === '';
    // The spec's placeholder names no slot a PATCH could keep: harmless only when it holds
    // no address; an address under it would be deleted by the replace-all PATCH.
    if (field === UNSPECIFIED_FIELD && empty) continue;
    if (!EMAIL_FIELDS.has(field) || empty || seen.has(field)) return null;
    seen.add(field);
    slots.push({ field: field as EmailField, email });
  }
  return slots;
}

/**
 * True when two answers for the same contact (pages that overlap) give the same email list,
 * slot for slot; otherwise neither can be trusted as the contact's whole list.
 */
export function sameEmailList(a: KeapContact, b: KeapContact): boolean {
  if (a.emails.length !== b.emails.length) return false;
  return a.emails.every((slot) =>
    b.emails.some((other) => other.field === slot.field && other.email === slot.email),
  );
}

export function parseContactPage(body: string): Page<KeapContact> {
  const page = parseListPage(body, 'contacts', 'a contact list');
  const items: KeapContact[] = [];
  for (const contact of page.items) {
    const raw = (contact ?? {}) as { id?: unknown; email_addresses?: unknown };
    // The spec types the id as a string; older answers send a number.
    const id = Number(raw.id);
    if (!Number.isSafeInteger(id) || id <= 0) throw new UnreadableAnswerError('a contact list');
    const emails = toEmailSlots(raw.email_addresses);
    if (emails === null) throw new UnreadableAnswerError('a contact list');
    items.push({ id, emails });
  }
  return { items, nextPageToken: page.nextPageToken };
}

/**
 * PATCH with update_mask=email_addresses: Keap replaces the whole list, so `emails` must hold
 * every slot the contact keeps (the caller sends EMAIL2/EMAIL3 back unchanged).
 */
export function setEmailsRequest(contactId: number, emails: EmailSlot[]): KeapRequest {
  return {
    method: 'patch',
    url: `${KEAP_REST_V2_BASE}/contacts/${contactId}?update_mask=email_addresses`,
    headers: JSON_ACCEPT,
    contentType: 'application/json',
    body: JSON.stringify({
      email_addresses: emails.map((slot) => ({ email: slot.email, field: slot.field })),
    }),
  };
}
