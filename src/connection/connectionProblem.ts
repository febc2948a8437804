/**
 * Whether the stored connection can be used at all, decided from what is stored: no network,
 * no refresh. A run asks first, so even a run with nothing to send says that a person has to
 * reconnect. The order is the one openKeapGateway follows, so both always agree.
 */
import type { ConnectionProblem } from '../keap/failure';
import type { LostAccess } from './lostAccess';

export interface ConnectionProblemFacts {
  lostAccess: LostAccess | null;
  hasApiKey: boolean;
  /** Script properties still to set for OAuth; empty when both are there. */
  missingCredentials: string[];
  /** Asked only when OAuth is the way in: whether the OAuth2 library holds a token. */
  hasOAuthToken: () => boolean;
}

/** What stops the connection, or null when a key or token is there to use. */
export function connectionProblemFrom(facts: ConnectionProblemFacts): ConnectionProblem | null {
  if (facts.lostAccess) return facts.lostAccess.problem;
  if (facts.hasApiKey) return null;
  if (facts.missingCredentials.length > 0) {
    return { kind: 'not-set-up', missing: [...facts.missingCredentials] };
  }
  return facts.hasOAuthToken() ? null : { kind: 'not-connected' };
}
