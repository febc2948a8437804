/**
 * A row's fingerprint: a short hash of what the row asks for, after normalisation. The
 * Keap Sync Record column keeps it per contact at the last sync, so an unedited row is not
 * sent again. Hashing (rather than storing the values) keeps emails out of the hidden column.
 */
import { hash53 } from '../sheet/hash';
import type { RowRequest } from '../sheet/rowParsing';

export { hash53 };

export function canonicalRequest(request: RowRequest): string {
  return JSON.stringify([
    request.contactId,
    request.email ?? '',
    request.optOut ? 1 : 0,
    request.optOut ? (request.reason ?? '') : '',
  ]);
}

export function rowFingerprint(request: RowRequest): string {
  return `v1:${hash53(canonicalRequest(request))}`;
}
