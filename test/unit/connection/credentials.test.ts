import { basicAuthorization, readClientCredentials } from '../../../src/connection/credentials';
import { notSetUpReason } from './connectionWords';

const props = (values: Record<string, string>) => ({
  getProperty: (key: string) => values[key] ?? null,
});

describe('client credentials from script properties', () => {
  it('names every missing property, treating blank as missing', () => {
    expect(readClientCredentials(props({}))).toEqual({
      ok: false,
      missing: ['KEAP_CLIENT_ID', 'KEAP_CLIENT_SECRET'],
    });
    expect(
      readClientCredentials(props({ KEAP_CLIENT_ID: 'id', KEAP_CLIENT_SECRET: '  ' })),
    ).toEqual({
      ok: false,
      missing: ['KEAP_CLIENT_SECRET'],
    });
  });

  it('reads both, trimmed', () => {
    expect(
      readClientCredentials(props({ KEAP_CLIENT_ID: ' id ', KEAP_CLIENT_SECRET: 's3cret\n' })),
    ).toEqual({
      ok: true,
      credentials: { clientId: 'id', clientSecret: 's3cret' },
    });
  });

  it('builds the Basic header Keap wants on refresh', () => {
    const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
    const header = basicAuthorization({ clientId: 'abc', clientSecret: 'xyz' }, base64);
    expect(header).toBe(`Basic ${Buffer.from('abc:xyz').toString('base64')}`);
  });

  it('explains missing setup without any secret', () => {
    const words = notSetUpReason(['KEAP_CLIENT_SECRET']);
    expect(words).toContain('KEAP_CLIENT_SECRET');
    expect(words).toMatch(/not set up/);
  });
});
