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
  const parts: unknown[] = [];
  for (const field of SYNCED_FIELDS) {
    if (field.readWhen === 'optedOut' && !request.optOut) {
      parts.push('');
      continue;
    }
    const value = request[field.requestKey];
    const part: FingerprintPart = field.fingerprint;
    switch (part) {
      case 'number':
        parts.push(value);
        break;
      case 'text':
        parts.push(value ?? '');
        break;
      case 'flag':
        parts.push(value ? 1 : 0);
        break;
      default:
        unknownPart(part);
    }
  }
  return JSON.stringify(parts);
}

const OPEN = '['.charCodeAt(0);
const CLOSE = ']'.charCodeAt(0);
const COMMA = ','.charCodeAt(0);
const QUOTE = '"'.charCodeAt(0);
const ONE = '1'.charCodeAt(0);
const ZERO = '0'.charCodeAt(0);
const MINUS = '-'.charCodeAt(0);

/**
 * Adds to `hash` the characters of canonicalRequest(request), without making that text: every
 * row of every read is fingerprinted. Whole numbers and plain text (most cells) are hashed in
 * place; anything else as the text JSON.stringify gives for it.
 */
function hashCanonicalRequest(request: RowRequest, hash: Hash53): void {
  hash.addCode(OPEN);
  for (let i = 0; i < SYNCED_FIELDS.length; i++) {
    const field = SYNCED_FIELDS[i];
    if (i > 0) hash.addCode(COMMA);
    if (field.readWhen === 'optedOut' && !request.optOut) {
      hash.addCode(QUOTE).addCode(QUOTE);
      continue;
    }
    const value = request[field.requestKey];
    const part: FingerprintPart = field.fingerprint;
    switch (part) {
      case 'number':
        if (Number.isSafeInteger(value)) {
          const whole = value as number;
          if (whole < 0) hash.addCode(MINUS);
          hash.addDigits(Math.abs(whole));
        } else hash.add(JSON.stringify(value) ?? 'null');
        break;
      case 'text':
        addText(value ?? '', hash);
        break;
      case 'flag':
        hash.addCode(value ? ONE : ZERO);
        break;
      default:
        unknownPart(part);
    }
  }
  hash.addCode(CLOSE);
}

/** JSON.stringify(value) as an element of an array (undefined and functions become null). */
function addText(value: unknown, hash: Hash53): void {
  if (typeof value === 'string') {
    hash.addCode(QUOTE);
    if (hash.addPlain(value)) {
      hash.addCode(QUOTE);
      return;
    }
    // Not plain: JSON's text for it, quotes included, after the opening quote taken back.
    hash.add(JSON.stringify(value).slice(1));
    return;
  }
  hash.add(JSON.stringify(value) ?? 'null');
}

function unknownPart(part: never): never {
  throw new Error(`Unknown fingerprint part: ${String(part)}`);
}

const HASH = new Hash53();

export function rowFingerprint(request: RowRequest): string {
  HASH.reset();
  hashCanonicalRequest(request, HASH);
  return HASH.hex('v1:');
}
