/**
 * The connection's problems in the words people read (src/sync/statusText.ts
 * connectionProblemWords), by the names the tests used when src/connection kept sentences.
 */
import type { ConnectionProblem } from '../../../src/keap/failure';
import { connectionProblemWords } from '../../../src/sync/statusText';

export const LOST_ACCESS_WORDS = {
  refreshTokenRejected: connectionProblemWords({ kind: 'sign-in-ended' }),
  clientRejected: connectionProblemWords({ kind: 'app-rejected' }),
  apiKeyRejected: connectionProblemWords({ kind: 'api-key-rejected' }),
  notConnected: connectionProblemWords({ kind: 'not-connected' }),
};

export function notSetUpReason(missing: string[]): string {
  return connectionProblemWords({ kind: 'not-set-up', missing });
}

/** A problem's words, null for none. */
export function wordsOf(problem: ConnectionProblem | null): string | null {
  return problem === null ? null : connectionProblemWords(problem);
}
