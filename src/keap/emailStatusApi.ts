/** REST v2 email statuses: many emails' opt states per request (listEmailAddressStatuses). */
import { KEAP_REST_V2_BASE, MAX_URL_LENGTH, PAGE_SIZE, PAGE_TOKEN_RESERVE } from './config';
import { parseListPage, type Page } from './restPaging';
import type { EmailOptState } from './model';
import { isOptedOutStatus, normalEmail } from './optOut';
import type { KeapRequest } from './requestRunner';
import { chunkForUrl, encodeQueryValue } from './urlChunks';

/** Comma between emails, encoded as in Keap's example `emails%3D%3Da%40x.com%2Cb%40y.com`. */
const EMAIL_SEPARATOR = '%2C';

function statusListUrl(emailList: string): string {
  return `${KEAP_REST_V2_BASE}/emailAddresses?filter=emails%3D%3D${emailList}&page_size=${PAGE_SIZE}`;
}

/** One GET per group of emails (lower-cased, as Keap matches them), each URL within 2 KB. */
export function emailStatusRequests(emails: string[]): KeapRequest[] {
  const room = MAX_URL_LENGTH - PAGE_TOKEN_RESERVE - statusListUrl('').length;
  const encoded = emails.map((email) => encodeQueryValue(email));
  return chunkForUrl(encoded, room, EMAIL_SEPARATOR).map((group) => ({
    method: 'get',
    url: statusListUrl(group.join(EMAIL_SEPARATOR)),
    headers: { Accept: 'application/json' },
  }));
}

export function parseEmailStatusPage(body: string): Page<EmailOptState> {
  const page = parseListPage(body, 'email_addresses', 'an email status list');
  const items: EmailOptState[] = [];
  for (const entry of page.items) {
    const { email, status } = (entry ?? {}) as { email?: unknown; status?: unknown };
    // A blank status says nothing: the address is read as one Keap has no status for.
    if (typeof email !== 'string' || typeof status !== 'string' || status.trim() === '') continue;
    items.push({ email: normalEmail(email), status, optedOut: isOptedOutStatus(status) });
  }
  return { items, nextPageToken: page.nextPageToken };
}

/**
 * Two copies of one address's status (pages that overlap, or the address sent twice) must say
 * the same; otherwise neither is known to be Keap's current status.
 */
export function sameOptState(a: EmailOptState, b: EmailOptState): boolean {
  return a.status === b.status && a.optedOut === b.optedOut;
}
