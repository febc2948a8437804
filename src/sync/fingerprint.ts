/**
 * A row's fingerprint: a short hash of what the row asks for, after normalisation. The
 * Keap Sync Record column keeps it per contact at the last sync, so an unedited row is not
 * sent again. Hashing (rather than storing the values) keeps emails out of the hidden column.
 */
import { SYNCED_FIELDS, type FingerprintPart } from '../sheet/fields';
import { hash53 } from '../sheet/hash';
import type { RowRequest } from '../sheet/rowParsing';

export { hash53 };

/** The request's synced fields in the table's order (src/sheet/fields.ts), as JSON. */
export function canonicalRequest(request: RowRequest): string {
  return JSON.stringify(
    SYNCED_FIELDS.map((field) => {
      if (field.readWhen === 'optedOut' && !request.optOut) return '';
      const value = request[field.requestKey];
      const part: FingerprintPart = field.fingerprint;
      switch (part) {
        case 'number':
          return value;
        case 'text':
          return value ?? '';
        case 'flag':
          return value ? 1 : 0;
        default:
          return unknownPart(part);
      }
    }),
  );
}

function unknownPart(part: never): never {
  throw new Error(`Unknown fingerprint part: ${String(part)}`);
}

export function rowFingerprint(request: RowRequest): string {
  return `v1:${hash53(canonicalRequest(request))}`;
}
