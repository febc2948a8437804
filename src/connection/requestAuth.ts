/** How Keap requests are authenticated: an OAuth bearer token or an API key header. */
import { KEAP_API_KEY_HEADER } from '../keap/config';
import type { ConnectionProblem } from '../keap/failure';
import type { RequestAuth } from '../keap/requestRunner';
import type { TokenAccess } from './tokenAccess';

const BEARER = 'Bearer ';

export function oauthRequestAuth(access: TokenAccess): RequestAuth {
  return {
    headers: () => ({ Authorization: `${BEARER}${access.accessToken()}` }),
    recoverFromRejection: (used) => {
      const sent = used.Authorization ?? '';
      return access.recoverAfterRejection(
        sent.startsWith(BEARER) ? sent.slice(BEARER.length) : sent,
      );
    },
    rejectionProblem: () => ({ kind: 'token-refused' }),
  };
}

export function apiKeyHeaders(key: string): Record<string, string> {
  return { [KEAP_API_KEY_HEADER]: key };
}

/** An API key cannot be renewed: a 401 means Keap no longer accepts it. */
export function apiKeyRequestAuth(key: string, onRejected: () => ConnectionProblem): RequestAuth {
  return {
    headers: () => apiKeyHeaders(key),
    recoverFromRejection: () => false,
    rejectionProblem: onRejected,
  };
}
