/**
 * The short hash of the hidden column's keys and fingerprints (src/sync/fingerprint.ts, and
 * the address key of emailRecord.ts). In the sheet layer, which both use. Pure.
 */

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
