import {
  deriveConnectionStatus,
  type ConnectionFacts,
} from '../../../src/connection/connectionStatus';
import { connectionView } from '../../../src/ui/connectionView';

const REDIRECT = 'https://script.google.com/macros/d/SCRIPT/usercallback';
const base: ConnectionFacts = {
  missingCredentials: [],
  redirectUri: REDIRECT,
  apiKey: null,
  lostAccess: null,
  hasOAuthToken: false,
  oauthRecord: null,
  accountFromToken: null,
};
const reason = 'Keap no longer accepts this connection.';
const lost = {
  problem: { kind: 'recorded' as const, text: reason, instructs: true },
  since: '2026-01-03T00:00:00.000Z',
  account: null,
};

describe('deriveConnectionStatus', () => {
  it('asks for setup, naming what is missing and the redirect URI to register', () => {
    expect(deriveConnectionStatus({ ...base, missingCredentials: ['KEAP_CLIENT_SECRET'] })).toEqual(
      {
        state: 'setup-needed',
        missing: ['KEAP_CLIENT_SECRET'],
        redirectUri: REDIRECT,
      },
    );
  });

  it('is not connected when set up but without a token', () => {
    expect(deriveConnectionStatus(base)).toEqual({ state: 'not-connected', redirectUri: REDIRECT });
  });

  it('is connected with the account and time from the consent record', () => {
    expect(
      deriveConnectionStatus({
        ...base,
        hasOAuthToken: true,
        oauthRecord: {
          account: 'xy123.infusionsoft.com',
          connectedSince: '2026-01-01T10:00:00.000Z',
        },
      }),
    ).toEqual({
      state: 'connected',
      method: 'oauth',
      account: 'xy123.infusionsoft.com',
      connectedSince: '2026-01-01T10:00:00.000Z',
    });
  });

  it('falls back to the account in the token when the record lacks it', () => {
    const status = deriveConnectionStatus({
      ...base,
      hasOAuthToken: true,
      accountFromToken: 'ab1.infusionsoft.com',
    });
    expect(status).toMatchObject({
      state: 'connected',
      account: 'ab1.infusionsoft.com',
      connectedSince: null,
    });
  });

  it('needs a reconnect, with the reason, once Keap refused the connection', () => {
    const status = connectionView(
      deriveConnectionStatus({
        ...base,
        hasOAuthToken: true,
        lostAccess: { ...lost, method: 'oauth' },
        oauthRecord: {
          account: 'xy123.infusionsoft.com',
          connectedSince: '2026-01-01T10:00:00.000Z',
        },
      }),
    );
    expect(status).toEqual({
      state: 'needs-reconnect',
      reason,
      account: 'xy123.infusionsoft.com',
      since: lost.since,
    });
  });

  it('an API key works without OAuth setup and shows as connected by key', () => {
    const status = deriveConnectionStatus({
      ...base,
      missingCredentials: ['KEAP_CLIENT_ID', 'KEAP_CLIENT_SECRET'],
      apiKey: { key: 'KeapAK-x', kind: 'service-account-key', savedAt: '2026-01-02T00:00:00.000Z' },
    });
    expect(status).toEqual({
      state: 'connected',
      method: 'api-key',
      account: null,
      connectedSince: '2026-01-02T00:00:00.000Z',
    });
    expect(JSON.stringify(status)).not.toContain('KeapAK-x');
  });

  it('a refused API key needs a reconnect', () => {
    const status = connectionView(
      deriveConnectionStatus({
        ...base,
        apiKey: { key: 'k', kind: 'personal-access-token', savedAt: 'then' },
        lostAccess: { ...lost, method: 'api-key' },
      }),
    );
    expect(status).toMatchObject({ state: 'needs-reconnect', reason });
  });
});
