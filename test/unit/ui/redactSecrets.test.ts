import { redactSecrets } from '../../../src/ui/redactSecrets';

describe('redactSecrets', () => {
  it.each([
    ['access_token=abc.DEF-123&x=1', 'abc.DEF-123'],
    ['{"refresh_token": "r0tat3d"}', 'r0tat3d'],
    ['Authorization: Bearer eyJhbGciOi.J9', 'eyJhbGciOi.J9'],
    ['X-Keap-API-Key: KeapAK-1234567890', 'KeapAK-1234567890'],
    ['client_secret=s3cr3t', 's3cr3t'],
  ])('hides the value in %s', (text, secret) => {
    const redacted = redactSecrets(text);
    expect(redacted).not.toContain(secret);
    expect(redacted).toContain('[hidden]');
  });

  it('leaves ordinary words alone', () => {
    const text = 'Keap answered 401 (Invalid Access Token) for row 7; error code: 42.';
    expect(redactSecrets(text)).toBe(text);
  });
});
