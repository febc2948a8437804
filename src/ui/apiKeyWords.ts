/** The sidebar's words for a pasted API key that was not kept (src/connection/apiKey.ts). */
import type { ApiKeyProblem } from '../connection/apiKey';

export function apiKeyProblemWords(problem: ApiKeyProblem): string {
  switch (problem.kind) {
    case 'empty':
      return 'Paste a Keap Personal Access Token or Service Account Key.';
    case 'has-spaces':
      return 'The key contains spaces or line breaks: paste the key alone.';
    case 'not-a-key':
      return 'This does not look like a Keap key: check what was pasted.';
    case 'check-unreachable':
      return 'Could not reach Keap to check the key (network error). Try again in a minute.';
    case 'key-refused':
      return 'Keap did not accept this key. Check that it was copied whole and is still active.';
    case 'check-throttled':
      return 'Keap is busy (throttled) and could not check the key. Try again in a minute.';
    case 'check-server-error':
      return `Keap had a server error (HTTP ${problem.status}) while checking the key. Try again later.`;
    case 'check-refused':
      return `Keap refused the key check: ${problem.keapMessage ?? `Keap gave no reason (its error code was ${problem.status})`}.`;
    default:
      return problem satisfies never;
  }
}
