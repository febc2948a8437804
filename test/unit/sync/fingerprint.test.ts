import { hash53, rowFingerprint } from '../../../src/sync/fingerprint';

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

  it('spreads similar inputs over distinct hashes', () => {
    const hashes = new Set(Array.from({ length: 5000 }, (_, i) => hash53(`row-${i}`)));
    expect(hashes.size).toBe(5000);
    expect(hash53('a')).toMatch(/^[0-9a-f]{14}$/);
  });
});
