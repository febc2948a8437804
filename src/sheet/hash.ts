/**
 * The short hash of the hidden column's keys and fingerprints (src/sync/fingerprint.ts, and
 * the address key of emailRecord.ts). In the sheet layer, which both use. Pure.
 */

/** '0' to 'f' as character codes. */
const HEX_CODES: readonly number[] = Array.from('0123456789abcdef', (digit) => digit.charCodeAt(0));

/**
 * hash53 of a text given in pieces: `add` each piece in order, then `hex()`. The same answer
 * as hash53 of the pieces joined, without joining them (every row of every read is
 * fingerprinted: the joined text was most of what that allocated).
 */
export class Hash53 {
  private h1 = 0xdeadbeef;
  private h2 = 0x41c6ce57;

  /** Starts over, for the next text. */
  reset(): this {
    this.h1 = 0xdeadbeef;
    this.h2 = 0x41c6ce57;
    return this;
  }

  add(text: string): this {
    let h1 = this.h1;
    let h2 = this.h2;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      h1 = Math.imul(h1 ^ code, 2654435761);
      h2 = Math.imul(h2 ^ code, 1597334677);
    }
    this.h1 = h1;
    this.h2 = h2;
    return this;
  }

  /** The 53-bit value 2^32 * (21 bits of h2) + (h1 as unsigned), in 14 hex digits. */
  hex(): string {
    let h1 = this.h1;
    let h2 = this.h2;
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    // One string of 14 character codes: toString(16) and padStart, or joining 7 bytes' texts,
    // cost more than the hashing itself.
    const high = 2097151 & h2;
    const hex = HEX_CODES;
    return String.fromCharCode(
      hex[high >>> 20],
      hex[(high >>> 16) & 15],
      hex[(high >>> 12) & 15],
      hex[(high >>> 8) & 15],
      hex[(high >>> 4) & 15],
      hex[high & 15],
      hex[h1 >>> 28],
      hex[(h1 >>> 24) & 15],
      hex[(h1 >>> 20) & 15],
      hex[(h1 >>> 16) & 15],
      hex[(h1 >>> 12) & 15],
      hex[(h1 >>> 8) & 15],
      hex[(h1 >>> 4) & 15],
      hex[h1 & 15],
    );
  }
}

const HASH = new Hash53();

/** 53-bit string hash (two 32-bit multiplicative mixes), as 14 hex digits. */
export function hash53(text: string): string {
  return HASH.reset().add(text).hex();
}
