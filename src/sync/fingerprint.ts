/**
 * A row's fingerprint: a short hash of what the row asks for, after normalisation. The
 * Keap Sync Record column keeps it per contact at the last sync, so an unedited row is not
 * sent again. Hashing (rather than storing the values) keeps emails out of the hidden column.
 */
import { SYNCED_FIELDS, type FingerprintPart } from '../sheet/fields';
import { Hash53, hash53 } from '../sheet/hash';
import type { RowRequest } from '../sheet/rowParsing';

export { hash53 };

/** The request's synced fields in the table's order (src/sheet/fields.ts), as JSON. */
export function canonicalRequest(request: RowRequest): string {
  let json = '';
  writeCanonicalRequest(request, (text) => (json += text));
  return json;
}

/**
 * canonicalRequest's text, handed to `write` piece by piece: the very text JSON.stringify
 * gives for the array of parts, without the array, its closure or the joined text (every row
 * of every read is fingerprinted).
 */
function writeCanonicalRequest(request: RowRequest, write: (text: string) => unknown): void {
  write('[');
  for (let i = 0; i < SYNCED_FIELDS.length; i++) {
    const field = SYNCED_FIELDS[i];
    if (i > 0) write(',');
    if (field.readWhen === 'optedOut' && !request.optOut) {
      write('""');
      continue;
    }
    const value = request[field.requestKey];
    const part: FingerprintPart = field.fingerprint;
    switch (part) {
      case 'number':
        writeJson(value, write);
        break;
      case 'text':
        writeJson(value ?? '', write);
        break;
      case 'flag':
        write(value ? '1' : '0');
        break;
      default:
        unknownPart(part);
    }
  }
  write(']');
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
function writeJson(value: unknown, write: (text: string) => unknown): void {
  if (typeof value === 'string' && isPlainText(value)) {
    write('"');
    write(value);
    write('"');
  } else write(JSON.stringify(value) ?? 'null');
}

function unknownPart(part: never): never {
  throw new Error(`Unknown fingerprint part: ${String(part)}`);
}

const HASH = new Hash53();
const ADD = (text: string) => HASH.add(text);

export function rowFingerprint(request: RowRequest): string {
  HASH.reset();
  writeCanonicalRequest(request, ADD);
  return `v1:${HASH.hex()}`;
}
