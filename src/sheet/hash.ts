/**
 * The short hash of the hidden column's keys and fingerprints (src/sync/fingerprint.ts, and
 * the address key of emailRecord.ts). In the sheet layer, which both use. Pure.
 */

/** The digits of a number being added, lowest first (addDigits). */
const DIGITS = new Uint8Array(16);

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

  /** One character, by its code. */
  addCode(code: number): this {
    this.h1 = Math.imul(this.h1 ^ code, 2654435761);
    this.h2 = Math.imul(this.h2 ^ code, 1597334677);
    return this;
  }

  /**
   * `text` when JSON writes it as it is between quotes (no quote, backslash, control character
   * or surrogate): true. Otherwise false, and the hash is as it was before the call.
   */
  addPlain(text: string): boolean {
    let h1 = this.h1;
    let h2 = this.h2;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code < 0x20 || code === 0x22 || code === 0x5c || (code >= 0xd800 && code <= 0xdfff))
        return false;
      h1 = Math.imul(h1 ^ code, 2654435761);
      h2 = Math.imul(h2 ^ code, 1597334677);
    }
    this.h1 = h1;
    this.h2 = h2;
    return true;
  }

  /** The decimal digits of a whole number from 0 to 2^53 - 1, as String(number) writes them. */
  addDigits(whole: number): this {
    // Lowest digit first (% 10 and floor(/ 10) are exact below 2^53), then added in order.
    let count = 0;
    let rest = whole;
    do {
      DIGITS[count++] = rest % 10;
      rest = Math.floor(rest / 10);
    } while (rest > 0);
    while (count > 0) this.addCode(48 + DIGITS[--count]);
    return this;
  }

  /**
   * The 53-bit value 2^32 * (21 bits of h2) + (h1 as unsigned), in 14 hex digits, after
   * `prefix` (in one string: a joined prefix would be one more string per row fingerprinted).
   */
  hex(prefix = ''): string {
    let h1 = this.h1;
    let h2 = this.h2;
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    // Character codes into one array, one string made of them: toString(16) and padStart, or
    // joining 7 bytes' texts, cost more than the hashing itself.
    const codes = CODES;
    codes.length = prefix.length + 14;
    let at = 0;
    for (; at < prefix.length; at++) codes[at] = prefix.charCodeAt(at);
    const high = 2097151 & h2;
    for (let shift = 20; shift >= 0; shift -= 4) codes[at++] = HEX_CODES[(high >>> shift) & 15];
    for (let shift = 28; shift >= 0; shift -= 4) codes[at++] = HEX_CODES[(h1 >>> shift) & 15];
    return String.fromCharCode.apply(null, codes);
  }
}

/** The character codes of the text hex() makes (one array, reused). */
const CODES: number[] = [];

const HASH = new Hash53();

/** 53-bit string hash (two 32-bit multiplicative mixes), as 14 hex digits. */
export function hash53(text: string): string {
  return HASH.reset().add(text).hex();
}
