/**
 * A row's fingerprint: a short hash of what the row asks for, after normalisation. The
 * Keap Sync Record column keeps it per contact at the last sync, so an unedited row is not
 * sent again. Hashing (rather than storing the values) keeps emails out of the hidden column.
 */
import { SYNCED_FIELDS, type FingerprintPart } from '../sheet/fields';
import type { RowRequest } from '../sheet/rowParsing';

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

/** '00' to 'ff'. */
const HEX_BYTES: readonly string[] = Array.from({ length: 256 }, (_, byte) =>
  byte.toString(16).padStart(2, '0'),
);

/** 53-bit string hash (two 32-bit multiplicative mixes), as 14 hex digits. */
export function hash53(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ code, 2654435761);
    h2 = Math.imul(h2 ^ code, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  // The 53-bit value 2^32 * (21 bits of h2) + (h1 as unsigned), in 14 hex digits, a byte
  // at a time from a table: toString(16) and padStart cost more than the hashing itself, and
  // every row of every execution is hashed.
  const high = 2097151 & h2;
  return (
    HEX_BYTES[high >>> 16] +
    HEX_BYTES[(high >>> 8) & 255] +
    HEX_BYTES[high & 255] +
    HEX_BYTES[h1 >>> 24] +
    HEX_BYTES[(h1 >>> 16) & 255] +
    HEX_BYTES[(h1 >>> 8) & 255] +
    HEX_BYTES[h1 & 255]
  );
}

export function rowFingerprint(request: RowRequest): string {
  return `v1:${hash53(canonicalRequest(request))}`;
}
