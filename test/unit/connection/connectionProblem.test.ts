/**
 * connectionProblem: why a run cannot use the Keap connection, told from what is stored,
 * without a request to Keap and without refreshing the token.
 */
import { connectionProblemFrom } from '../../../src/connection/connectionProblem';
import { connectionProblem } from '../../../src/connection/index';
import type { LostAccess } from '../../../src/connection/lostAccess';
import { LOST_ACCESS_WORDS, notSetUpReason, wordsOf } from './connectionWords';
import { USER_KEYS } from '../../../src/connection/userRecords';
import { CREDENTIALS, installServices, removeServices } from './fakeConnectionServices';

const revoked: LostAccess = {
  problem: { kind: 'sign-in-ended' },
  since: '2026-01-03T00:00:00.000Z',
  account: 'xy123.infusionsoft.com',
  method: 'oauth',
};

describe('connectionProblemFrom', () => {
  const usable = {
    lostAccess: null,
    hasApiKey: false,
    missingCredentials: [],
    hasOAuthToken: () => true,
  };

  it('is null when an OAuth token is stored', () => {
    expect(connectionProblemFrom(usable)).toBeNull();
  });

  it('is null with a saved API key, even on a deployment without OAuth credentials', () => {
    const noToken = () => {
      throw new Error('the OAuth token is not looked at when a key is saved');
    };
    expect(
      connectionProblemFrom({
        ...usable,
        hasApiKey: true,
        missingCredentials: ['KEAP_CLIENT_ID'],
        hasOAuthToken: noToken,
      }),
    ).toBeNull();
  });

  it('gives the kept reason after Keap refused the connection, token or key still stored', () => {
    expect(wordsOf(connectionProblemFrom({ ...usable, lostAccess: revoked }))).toBe(
      LOST_ACCESS_WORDS.refreshTokenRejected,
    );
    const keyRevoked: LostAccess = {
      ...revoked,
      problem: { kind: 'api-key-rejected' },
      method: 'api-key',
    };
    expect(
      wordsOf(connectionProblemFrom({ ...usable, hasApiKey: true, lostAccess: keyRevoked })),
    ).toBe(LOST_ACCESS_WORDS.apiKeyRejected);
  });

  it('says what to set up when the deployment lacks its Keap app credentials', () => {
    expect(
      wordsOf(
        connectionProblemFrom({
          ...usable,
          missingCredentials: ['KEAP_CLIENT_ID', 'KEAP_CLIENT_SECRET'],
        }),
      ),
    ).toBe(notSetUpReason(['KEAP_CLIENT_ID', 'KEAP_CLIENT_SECRET']));
  });

  it('says Keap is not connected when nothing is stored', () => {
    expect(wordsOf(connectionProblemFrom({ ...usable, hasOAuthToken: () => false }))).toBe(
      LOST_ACCESS_WORDS.notConnected,
    );
  });
});

const TOKEN = JSON.stringify({
  access_token: 'a-1',
  refresh_token: 'r-1',
  expires_in: 86400,
  // Long expired: still "a connection", refreshed by the run itself, not here.
  expiresAt: 1_000,
});

describe('connectionProblem (Apps Script services faked)', () => {
  afterEach(removeServices);

  it('is null for a stored OAuth token, even an expired one, without refreshing or calling Keap', () => {
    const calls = installServices({ user: { 'oauth2.keap': TOKEN }, script: CREDENTIALS });
    expect(connectionProblem()).toBeNull();
    expect(calls).toContain('service.getToken');
  });

  it('gives the kept reason after Keap revoked access, though the token is still stored', () => {
    installServices({
      user: { 'oauth2.keap': TOKEN, [USER_KEYS.lostAccess]: JSON.stringify(revoked) },
      script: CREDENTIALS,
    });
    expect(wordsOf(connectionProblem())).toBe(LOST_ACCESS_WORDS.refreshTokenRejected);
  });

  it('is null for a saved API key without looking at OAuth', () => {
    const key = { key: 'KeapAK-abc', kind: 'service-account-key', savedAt: '2026-01-01' };
    const calls = installServices({ user: { [USER_KEYS.apiKey]: JSON.stringify(key) } });
    expect(connectionProblem()).toBeNull();
    expect(calls).not.toContain('service.getToken');
  });

  it('says Keap is not connected when set up but nothing is stored', () => {
    installServices({ script: CREDENTIALS });
    expect(wordsOf(connectionProblem())).toBe(LOST_ACCESS_WORDS.notConnected);
  });

  it('names the missing script properties on a deployment that is not set up', () => {
    installServices({ user: { 'oauth2.keap': TOKEN }, script: { KEAP_CLIENT_ID: 'id' } });
    expect(wordsOf(connectionProblem())).toBe(notSetUpReason(['KEAP_CLIENT_SECRET']));
  });
});
