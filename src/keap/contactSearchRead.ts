/**
 * The gateway's search of contacts by email: one request per address, sent through the same
 * paced request runner as every other read, and only verified matches kept.
 */
import { contactSearchRequest, isSearchableEmail, matchingContactIds } from './contactSearch';
import type { KeapContact } from './model';
import type { KeapRequest } from './requestRunner';

/** `readAll`: the gateway's paged, paced read of contact lists. */
export function findByEmail(
  emails: readonly string[],
  readAll: (requests: KeapRequest[]) => KeapContact[],
): Map<string, number[]> {
  const found = new Map<string, number[]>();
  const wanted = [...new Set(emails.map((email) => email.trim().toLowerCase()))].filter(
    isSearchableEmail,
  );
  if (wanted.length === 0) return found;
  const contacts = readAll(wanted.map(contactSearchRequest));
  for (const email of wanted) found.set(email, matchingContactIds(email, contacts));
  return found;
}
