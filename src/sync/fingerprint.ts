/**
 * A row's fingerprint: a short hash of what the row asks for, after normalisation. The
 * Keap Sync Record column keeps it per contact at the last sync, so an unedited row is not
 * sent again. Hashing (rather than storing the values) keeps emails out of the hidden column.
 */
import { SYNCED_FIELDS, type FingerprintPart } from '../sheet/fields';
import { hash53 } from '../sheet/hash';
import type { RowRequest } from '../sheet/rowParsing';

export { hash53 };

/**
 * The request's synced fields in the table's order (src/sheet/fields.ts), as JSON: the very
 * text JSON.stringify gives for the array of parts, written part by part (every row of every
 * read is fingerprinted, and the array, its closure and the array's JSON cost more than the
 * hash).
 */
export function canonicalRequest(request: RowRequest): string {
  let json = '[';
  for (let i = 0; i < SYNCED_FIELDS.length; i++) {
    const field = SYNCED_FIELDS[i];
    if (i > 0) json += ',';
    if (field.readWhen === 'optedOut' && !request.optOut) {
      json += '""';
      continue;
    }
    const value = request[field.requestKey];
    const part: FingerprintPart = field.fingerprint;
    switch (part) {
      case 'number':
        json += jsonOf(value);
        break;
      case 'text':
        json += jsonOf(value ?? '');
        break;
      case 'flag':
        json += value ? '1' : '0';
        break;
      default:
        return unknownPart(part);
    }
  }
  return json + ']';
}

/** Text that JSON writes as it is between quotes: no quote, backslash, control or surrogate. */
function isPlainText(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x22 || code === 0x5c || (code >= 0xd800 && code <= 0xdfff))
      return false;
  }
  return true;
}

/** JSON.stringify(value) as an element of an array (undefined and functions become null). */
function jsonOf(value: unknown): string {
  if (typeof value === 'string') return isPlainText(value) ? `"${value}"` : JSON.stringify(value);
  return JSON.stringify(value) ?? 'null';
}

function unknownPart(part: never): never {
  throw new Error(`Unknown fingerprint part: ${String(part)}`);
}

export function rowFingerprint(request: RowRequest): string {
  return `v1:${hash53(canonicalRequest(request))}`;
}
