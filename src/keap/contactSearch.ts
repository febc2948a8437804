/**
 * Finding the contact of a row that has an email and no Contact ID: REST v2
 * `GET /v2/contacts?filter=email==<address>`, one request per address. Pure.
 *
 * Keap's spec says the `email` filter takes a trailing `*` as a wildcard, and the filter
 * language joins clauses with `;` and `,` and compares with `==`: an address holding any
 * such character would not be searched literally, so it is never sent (the allow-list below
 * keeps only characters with no meaning in a filter). And Keap's word is not taken alone: a
 * contact counts as a match only if one of its addresses equals the row's (ignoring case).
 */
import { KEAP_REST_V2_BASE, PAGE_SIZE } from './config';
import { CONTACT_PROPERTIES } from './contactFields';
import type { KeapContact } from './model';
import type { KeapRequest } from './requestRunner';
import { encodeQueryValue } from './urlChunks';

/** Letters, digits and `. _ + -` before the @; the domain is letters, digits, `-` and `.`. */
const LITERAL_CHARACTER = /[a-z0-9._+\-@]/i;

/** The characters of `email` a filter could read as more than a letter; empty when none. */
export function unsearchableCharacters(email: string): string[] {
  return [...new Set([...email].filter((c) => !LITERAL_CHARACTER.test(c)))];
}

export function isSearchableEmail(email: string): boolean {
  return email !== '' && unsearchableCharacters(email).length === 0;
}

export function contactSearchRequest(email: string): KeapRequest {
  if (!isSearchableEmail(email))
    throw new Error('An address that is not literal is never searched');
  return {
    method: 'get',
    url:
      `${KEAP_REST_V2_BASE}/contacts?filter=email%3D%3D${encodeQueryValue(email)}` +
      `&fields=${CONTACT_PROPERTIES}&page_size=${PAGE_SIZE}`,
    headers: { Accept: 'application/json' },
  };
}

/**
 * The ids of the contacts one of whose addresses is `email` (any case), ascending, each once.
 * Whatever else Keap returned (a prefix match, another address) is no match.
 */
export function matchingContactIds(email: string, contacts: readonly KeapContact[]): number[] {
  const wanted = email.trim().toLowerCase();
  const ids = contacts
    .filter((contact) => contact.emails.some((slot) => slot.email.trim().toLowerCase() === wanted))
    .map((contact) => contact.id);
  return [...new Set(ids)].sort((a, b) => a - b);
}
