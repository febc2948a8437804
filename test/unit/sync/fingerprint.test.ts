import { canonicalRequest, hash53, rowFingerprint } from '../../../src/sync/fingerprint';

const base = { contactId: 7, email: 'a@x.com', optOut: true, reason: 'asked' };

describe('row fingerprints', () => {
  it('is the same for the same normalised request', () => {
    expect(rowFingerprint({ ...base })).toBe(rowFingerprint(base));
  });

  it.each([
    ['id', { contactId: 8 }],
    ['email', { email: 'b@x.com' }],
    ['no email', { email: null }],
    ['opt-out', { optOut: false, reason: null }],
    ['reason', { reason: 'other' }],
  ])('changes when the %s changes', (_what, change) => {
    expect(rowFingerprint({ ...base, ...change })).not.toBe(rowFingerprint(base));
  });

  it('ignores the reason of a row that does not opt out', () => {
    const a = rowFingerprint({ ...base, optOut: false, reason: 'x' });
    const b = rowFingerprint({ ...base, optOut: false, reason: null });
    expect(a).toBe(b);
  });

  it('does not confuse values that concatenate alike', () => {
    expect(rowFingerprint({ contactId: 1, email: '2@x.co', optOut: false, reason: null })).not.toBe(
      rowFingerprint({ contactId: 12, email: '@x.co', optOut: false, reason: null }),
    );
  });

  it('keeps the hashes earlier versions wrote into the record column', () => {
    expect(['', 'a', 'row-1', '[7,"a@x.com",1,"asked"]', 'é€😀', 'x35', 'x40'].map(hash53)).toEqual(
      [
        '0bdcb81aee8d83',
        '1c2ba782c97901',
        '0691750a7cfaec',
        '1752355233e182',
        '192caad3d938fd',
        '00beeed0ed29a5',
        '00360316d2688c',
      ],
    );
    expect(rowFingerprint(base)).toBe('v1:1752355233e182');
  });

  it('writes the 53-bit value as toString(16) would, padded to 14 digits, for any input', () => {
    // The number the hash stands for, written the plain (slow) way.
    const plain = (text: string): string => {
      let h1 = 0xdeadbeef;
      let h2 = 0x41c6ce57;
      for (let i = 0; i < text.length; i++) {
        h1 = Math.imul(h1 ^ text.charCodeAt(i), 2654435761);
        h2 = Math.imul(h2 ^ text.charCodeAt(i), 1597334677);
      }
      h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
      h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
      return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(16).padStart(14, '0');
    };
    const texts = Array.from({ length: 20000 }, (_, i) => `[${i},"a${i * 7919}@x.co",${i % 2},""]`);
    for (const text of texts) expect(hash53(text)).toBe(plain(text));
  });

  it('is the hash of the canonical text, for odd values as for plain ones', () => {
    const ids = [7, 0, -0, -12, 9007199254740991, 1.5, NaN, Infinity, 1e21, undefined];
    const texts = [
      'a@x.com',
      '',
      'say "no"',
      'back\\slash',
      'tab\there',
      '\u0001',
      'é€😀',
      '\ud800',
    ];
    for (const contactId of ids) {
      for (const text of texts) {
        for (const optOut of [true, false]) {
          const request = { contactId, email: text, optOut, reason: text } as never;
          expect(rowFingerprint(request)).toBe(`v1:${hash53(canonicalRequest(request))}`);
        }
      }
    }
    expect(canonicalRequest(base)).toBe('[7,"a@x.com",1,"asked"]');
    expect(canonicalRequest({ ...base, optOut: false })).toBe('[7,"a@x.com",0,""]');
    expect(canonicalRequest({ ...base, email: null })).toBe('[7,"",1,"asked"]');
  });

  it('spreads similar inputs over distinct hashes', () => {
    const hashes = new Set(Array.from({ length: 5000 }, (_, i) => hash53(`row-${i}`)));
    expect(hashes.size).toBe(5000);
    expect(hash53('a')).toMatch(/^[0-9a-f]{14}$/);
  });
});
