/** The connection's state for the sidebar, derived from what is stored (no network). */
import type { StoredApiKey } from './apiKey';
import type { LostAccess } from './lostAccess';
import type { ConnectionState } from './status';
import type { OAuthConnectionRecord } from './userRecords';

export interface ConnectionFacts {
  /** Script properties still to set for OAuth; empty when both are there. */
  missingCredentials: string[];
  redirectUri: string;
  apiKey: StoredApiKey | null;
  lostAccess: LostAccess | null;
  /** True when the OAuth2 library holds a token. */
  hasOAuthToken: boolean;
  oauthRecord: OAuthConnectionRecord | null;
  /** Account read from the stored token's scope, when our record lacks it. */
  accountFromToken: string | null;
}

/**
 * A saved API key needs no OAuth setup, so it is looked at first; otherwise a deployment
 * without client id/secret can only be set up, and a refused connection must be renewed.
 */
export function deriveConnectionStatus(facts: ConnectionFacts): ConnectionState {
  const { lostAccess } = facts;
  if (facts.apiKey) {
    if (lostAccess?.method === 'api-key') {
      return {
        state: 'needs-reconnect',
        problem: lostAccess.problem,
        account: null,
        since: lostAccess.since,
      };
    }
    return {
      state: 'connected',
      method: 'api-key',
      account: null,
      connectedSince: facts.apiKey.savedAt,
    };
  }
  if (facts.missingCredentials.length > 0) {
    return {
      state: 'setup-needed',
      missing: [...facts.missingCredentials],
      redirectUri: facts.redirectUri,
    };
  }
  const account = facts.oauthRecord?.account ?? facts.accountFromToken;
  if (lostAccess) {
    return {
      state: 'needs-reconnect',
      problem: lostAccess.problem,
      account: lostAccess.account ?? account,
      since: lostAccess.since,
    };
  }
  if (facts.hasOAuthToken) {
    return {
      state: 'connected',
      method: 'oauth',
      account,
      connectedSince: facts.oauthRecord?.connectedSince ?? null,
    };
  }
  return { state: 'not-connected', redirectUri: facts.redirectUri };
}
